// What the cross-version decode corpus must find, per (sender tag, receiver
// tag): the wire part of the policy DESIGN.md puts in versions/. No policy
// file exists under versions/ yet, so the table lives here (policy.cc); when
// one lands, this is the one place to read it from.
//
// A pair that must interoperate fails the corpus when any of its cells is
// broken, and when a cell's outcome (ok or refused) differs from the
// expectation, in either direction: an unexpected "ok" fails as loudly as an
// unexpected refusal, so the table never goes stale. A pair with no entry is
// a violation of its own ("undeclared"): a new tag must declare how it talks
// to every other.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_POLICY_H_
#define RAFTLOG_WIRE_CROSS_DECODE_POLICY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace raftlog::wire::cross_decode {

enum class Expect { kOk, kRefused };
const char* ExpectName(Expect e);

struct PairPolicy {
  std::string sender;
  std::string receiver;
  bool must_interoperate = false;
  // The expected outcome of every message type the sender sends, unless
  // `by_type` (keyed by Outbound::type) says otherwise.
  Expect expect = Expect::kOk;
  std::map<std::string, Expect> by_type;
  std::string why;

  Expect ExpectFor(const std::string& type) const {
    auto it = by_type.find(type);
    return it == by_type.end() ? expect : it->second;
  }
};

// Message types a tag's MessageType enum declares but the tag legitimately
// never sends (value name -> why). The corpus requires a sample of every
// other value.
struct TagPolicy {
  std::string tag;
  std::map<std::string, std::string> never_sends;
};

// Where the table came from, for the report ("built-in table in
// wire/cross_decode/policy.cc").
std::string PolicySource();

const std::vector<PairPolicy>& PairPolicies();
const std::vector<TagPolicy>& TagPolicies();

// nullptr when the pair is undeclared.
const PairPolicy* FindPairPolicy(absl::string_view sender, absl::string_view receiver);
// Empty when the tag declares none.
std::map<std::string, std::string> NeverSends(absl::string_view tag);

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_POLICY_H_
