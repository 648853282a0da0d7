// The cluster version of release v3: the protocol version the whole cluster
// has agreed to speak, as a replicated fact (LogCabin's "advance version").
//
// - Every v2 or v3 node reports the range of protocol versions its binary speaks
//   (kMinProtocol..kMaxProtocol) on every response it sends (since-2 fields
//   min_protocol/max_protocol). A peer that never reported, or whose response
//   lacks the fields (a v1 node), counts as 1..1.
// - The cluster version is the `version` of the last COMMITTED
//   CLUSTER_VERSION entry (or the snapshot's cluster_version; format 1
//   implies 1; an empty history is 1). Every feature of v2 and v3 beyond v1
//   gates on it, never on the binary's own version.
// - Finalize (Op::kFinalize) raises it; the leader appends the entry only
//   when every member (voters and learners) is known to support the target.
//   Downgrade (Op::kDowngrade) lowers it (see RELEASE.md for the procedure).
//
// This file is a leaf: the history of (index, version) pairs and the pure
// decisions of finalize and downgrade, with no Raft state.
#ifndef RAFTLOG_VERSIONS_V3_CLUSTER_VERSION_H_
#define RAFTLOG_VERSIONS_V3_CLUSTER_VERSION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "versions/api/node.h"

namespace raftlog::v3 {

// The protocol versions this binary speaks.
inline constexpr uint32_t kMinProtocol = 1;
inline constexpr uint32_t kMaxProtocol = 3;

struct ProtocolRange {
  uint32_t min = 1;
  uint32_t max = 1;
  bool operator==(const ProtocolRange& o) const { return min == o.min && max == o.max; }
};

// A range as a response carries it: absent fields (0, a v1 sender) are 1..1;
// a max below min is taken as max = min.
ProtocolRange RangeFromWire(uint32_t min_protocol, uint32_t max_protocol);

// One change of the cluster version: the entry (or snapshot) at `index` set
// it to `version`.
struct VersionChange {
  uint64_t index = 0;
  uint32_t version = 1;
  bool downgrade = false;
  bool from_snapshot = false;  // the base of the history: a snapshot's value
  bool operator==(const VersionChange& o) const {
    return index == o.index && version == o.version && downgrade == o.downgrade &&
           from_snapshot == o.from_snapshot;
  }
};

// The committed cluster version and how it got there. Older history than the
// newest snapshot is summarized by the snapshot's value (from_snapshot).
class ClusterVersionHistory {
 public:
  // Forgets everything: the version is `version` as of snapshot `index`.
  void Reset(uint64_t index, uint32_t version);
  // A committed CLUSTER_VERSION entry. REQUIRES: index above every earlier one.
  void Apply(uint64_t index, uint32_t version, bool downgrade);

  uint32_t current() const { return history_.empty() ? 1 : history_.back().version; }
  // True when the latest change was an explicit downgrade (auto-finalize
  // must not undo it).
  bool downgraded() const { return !history_.empty() && history_.back().downgrade; }
  // Index of the latest change (0 when none since the beginning).
  uint64_t last_index() const { return history_.empty() ? 0 : history_.back().index; }
  const std::vector<VersionChange>& history() const { return history_; }

 private:
  std::vector<VersionChange> history_;
};

// What the leader knows of one member: its reported range, or nullopt when it
// never answered this leader (counts as 1..1).
using MemberReports = std::map<api::NodeId, std::optional<ProtocolRange>>;

// The version a finalize request raises the cluster version to.
//   requested 0: the highest version every member supports; requested > 0:
//   exactly that one.
// `members` must include the leader itself with its own range.
// Returns `current` when there is nothing to do (answer OK): requested equals
// current, or requested 0 and no member speaks anything higher.
// kInvalidArgument: requested below current (that is Op::kDowngrade).
// kFailedPrecondition, naming the members and what they reported: some member
// does not (or is not known to) support `requested`; or requested 0, some
// member speaks more than current but others (e.g. v1 nodes) do not.
absl::StatusOr<uint32_t> FinalizeTarget(uint32_t requested, uint32_t current,
                                        const MemberReports& members);

// Checks a downgrade request to `requested` (> 0).
// Returns `current` when already there (answer OK), else `requested`.
// kInvalidArgument: requested 0, or above current (that is Op::kFinalize), or
// more than one below current (3 -> 1: "downgrade to 2 first"; since v3).
// kFailedPrecondition: a member does not speak `requested` (its min_protocol
// is above it).
absl::StatusOr<uint32_t> DowngradeTarget(uint32_t requested, uint32_t current,
                                         const MemberReports& members);

// "{3: never reported, 4: 1..1}" for error messages.
std::string DescribeMembers(const MemberReports& members, const std::vector<api::NodeId>& ids);

}  // namespace raftlog::v3

#endif  // RAFTLOG_VERSIONS_V3_CLUSTER_VERSION_H_
