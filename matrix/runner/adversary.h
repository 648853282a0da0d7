// An adversary on the links (the `adversary` scenario's kAdversary step).
//
// It captures what nodes send (bytes as sent) and hands receivers altered
// copies: forged (the MAC bytes altered), stripped (no MAC), older-protocol-
// claim (parsed with the head's wire schema, wire/v3, the claimed protocol
// version lowered, the MAC dropped, re-serialized), each once as the
// captured sender (a member's identity) and once as a node that is not in
// the cluster; and replays of genuine AppendEntries, recent ones and ones
// captured long before (reordered-old).
//
// An altered message claims the receiver's term + 1, and an altered
// AppendEntries carries no entries and commit 0: if a receiver accepts it,
// its term moves (visible in ProtocolState), yet nothing a legitimate
// election could not also do happens to the logs, so a cluster that does not
// authenticate (below cluster version 3) is disturbed, never corrupted, and
// what it accepted is reported, not red.
//
// Judged (release v3's contract, versions/v3/RELEASE.md "Message
// authentication"): at a receiver whose committed cluster version is 3 or
// more, every altered message must be refused (Deliver not OK), counted
// (auth_failures rises) and change nothing: the receiver's ProtocolState
// (term, vote, role, leader, commit, last index and term, configuration,
// cluster version) and its last few entries are compared immediately before
// and after the Deliver. Anything else is red, checker `adversary_accepted`,
// naming the kind and the sender. Replays are legal Raft (duplicates): the
// invariant checkers judge them.
#ifndef RAFTLOG_MATRIX_RUNNER_ADVERSARY_H_
#define RAFTLOG_MATRIX_RUNNER_ADVERSARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/check/checker.h"
#include "versions/api/node.h"

namespace raftlog::runner {

// A node id no scenario starts: the adversary's non-member identity.
inline constexpr api::NodeId kNonMemberId = 99;
// Entries compared at the end of the receiver's log.
inline constexpr uint64_t kComparedTail = 3;

enum class Injection { kForged, kStripped, kOlderClaim, kReplay, kReplayOld };
const char* InjectionName(Injection k);
// Forged, stripped and older-claim: judged by the adversary checker.
inline bool Altered(Injection k) {
  return k == Injection::kForged || k == Injection::kStripped || k == Injection::kOlderClaim;
}

// `genuine` (captured bytes, any release's wire format: the schemas share
// their numbers) altered as `kind` says, claiming to come from `sender` in
// `term`. InvalidArgument for a replay kind (replays are sent verbatim),
// bytes the head schema cannot parse, or a snapshot message (not altered:
// its body is not a probe of authentication).
absl::StatusOr<std::string> Alter(absl::string_view genuine, Injection kind, api::NodeId sender,
                                  uint64_t term);
// True when `bytes` parse as an AppendEntries with at least one entry.
bool IsAppendWithEntries(absl::string_view bytes);

// What is compared around one injected Deliver.
struct Observed {
  api::ProtocolState state;
  std::vector<std::optional<api::EntryId>> tail;  // entries last_index-k+1 .. last_index
};
Observed Observe(const api::Node& node);
// The differences ("term 4 -> 5, leader 1 -> 2"), empty when none.
std::string Difference(const Observed& before, const Observed& after);

// Reports what a receiver at cluster version 3 accepted.
class AdversaryChecker : public check::Checker {
 public:
  static constexpr char kName[] = "adversary_accepted";
  AdversaryChecker() : check::Checker(kName) {}
  void Accepted(uint64_t time_us, std::string what) { Report(time_us, std::move(what)); }
};

}  // namespace raftlog::runner

#endif  // RAFTLOG_MATRIX_RUNNER_ADVERSARY_H_
