// What the cross-version decode corpus must find, per (sender tag, receiver
// tag, message type).
//
// Which pairs must interoperate comes from the upgrade policy,
// versions/policy.txt (parsed by //versions:policy, the one parser of that
// file): a line "A -> B: <capabilities>" with any capability (rolling
// upgrade, downgrade before or after finalize, snapshot exchange, a supported
// skip-version path) puts nodes of A and B in one cluster, so messages flow
// both ways: A->B and B->A must interoperate. A pair the file does not list,
// or lists as "none", is not required: its cells are reported, not enforced
// (but a node-path break fails every pair, see corpus.h). A tag always talks
// to itself, declared or not.
//
// What each cell of a required pair must show is derived from the releases
// and the schemas: a message sent after finalize raised the cluster version
// above every protocol the receiver's binary speaks (ReleaseInfo::
// max_protocol) may be accepted or refused, but cleanly (older releases are
// out of the cluster by then; a downgrade lowers the cluster version first;
// messages sent while the raise commits are often still readable); otherwise
// a message type whose
// number the receiver's MessageType declares must decode ok, and one the
// receiver's enum does not know must be refused cleanly (ARCHITECTURE.md,
// "Mixed versions": an unknown message type is a counted kUnimplemented). Exceptions are
// explicit entries of ExpectationOverrides() in policy.cc, each with its
// reason. The expectation is exact both ways: an unexpected "ok" fails like an
// unexpected refusal, so neither the policy nor the overrides go stale.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_POLICY_H_
#define RAFTLOG_WIRE_CROSS_DECODE_POLICY_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "versions/policy.h"

namespace raftlog::wire::cross_decode {

// The policy file, relative to the workspace root (and to the runfiles root
// of a test or of `bazel run`, when a target has it in `data`).
inline constexpr char kPolicyPath[] = "versions/policy.txt";

// Where to read the policy from: kPolicyPath relative to the working
// directory (the runfiles of a target with //versions:policy.txt in `data`)
// if it exists there, else under $BUILD_WORKSPACE_DIRECTORY (set by
// `bazel run`), else "" (not found).
std::string FindPolicyFile();

// kAny: ok and a clean refusal are both fine (never broken); for messages
// sent after finalize to a release that cannot be a member any more.
enum class Expect { kOk, kRefused, kAny };
const char* ExpectName(Expect e);

struct PairRule {
  bool must_interoperate = false;
  std::string why;  // "versions/policy.txt:19 v1 -> v2: rolling_upgrade, ..."
};

struct TypeRule {
  Expect expect = Expect::kOk;
  std::string why;  // "v2 declares MessageType 7" / an override's reason
};

// An explicit exception to the schema-derived expectation.
struct ExpectationOverride {
  std::string sender;
  std::string receiver;
  std::string type;  // Outbound::type
  Expect expect = Expect::kOk;
  std::string why;
};
const std::vector<ExpectationOverride>& ExpectationOverrides();

// Message types a tag's MessageType enum declares but the tag legitimately
// never sends (value name -> why). The corpus requires a sample of every
// other value. Empty for v1: v1 sends every type it declares.
std::map<std::string, std::string> NeverSends(absl::string_view tag);

class WirePolicy {
 public:
  // Reads and validates the policy file against `tags` (registry order,
  // oldest first). A file that is missing or invalid leaves status() not ok;
  // the pair rules then only require the self pairs.
  static WirePolicy Load(const std::string& path, std::vector<std::string> tags);
  // No policy file: only the self pairs are required; status() is ok and
  // source() says so.
  static WirePolicy SelfPairsOnly(std::vector<std::string> tags);
  static WirePolicy FromText(absl::string_view text, const std::string& name,
                             std::vector<std::string> tags);

  const absl::Status& status() const { return status_; }
  const std::string& source() const { return source_; }

  PairRule Pair(absl::string_view sender, absl::string_view receiver) const;
  // The protocol versions each tag's binary speaks at most; a tag not in the
  // map is not constrained by it.
  void SetMaxProtocols(std::map<std::string, uint32_t> max_protocol) {
    max_protocol_ = std::move(max_protocol);
  }

  // `type_value` is the sender's enum value name for the message
  // (Sample::type_value), `type` its Outbound::type, `cluster_version` the
  // one the sender knew (Sample::cluster_version).
  TypeRule Type(absl::string_view sender, absl::string_view receiver, absl::string_view type,
                absl::string_view type_value, uint32_t cluster_version) const;

 private:
  std::string source_;
  absl::Status status_;
  std::vector<std::string> tags_;
  bool self_only_ = false;
  policy::Policy policy_;
  std::map<std::string, uint32_t> max_protocol_;
};

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_POLICY_H_
