// Quorum arithmetic of release v3: majority of one voter set, and the joint
// quorum of joint consensus (Raft thesis section 4.3; etcd's quorum package).
//
// A joint configuration C_{new} & C_{old} (the entry ENTER_JOINT puts in
// effect) decides nothing unless a majority of EACH set agrees: elections
// (votes and pre-votes), the commit index, check-quorum. Outside joint
// consensus `outgoing` is empty and everything reduces to a plain majority of
// `incoming`.
//
// This file is a leaf: pure functions over sorted id sets and per-id facts
// (a vote, an acknowledged index), no Raft state. Functions take std::map so
// that iteration (and hence any output) is deterministic.
#ifndef RAFTLOG_VERSIONS_V3_QUORUM_H_
#define RAFTLOG_VERSIONS_V3_QUORUM_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "versions/api/node.h"

namespace raftlog::v3::quorum {

using Ids = std::vector<api::NodeId>;  // sorted, unique

enum class VoteResult {
  kPending,  // neither won nor lost yet: more answers may decide it
  kLost,     // enough refusals (or missing voters) that it can no longer win
  kWon,
};
const char* VoteResultName(VoteResult r);

// What an empty voter set "commits": no constraint, so that a joint quorum
// with an empty outgoing set reduces to its incoming majority.
inline constexpr uint64_t kNoConstraint = std::numeric_limits<uint64_t>::max();

// The size of a majority of n voters: n / 2 + 1 (0 for n == 0).
size_t MajoritySize(size_t n);

// A majority of `voters` (an empty set wins: etcd's convention, so an empty
// outgoing half never blocks). `votes` may hold non-voters; they are ignored.
// Absent voters have not answered yet.
VoteResult MajorityVote(const Ids& voters, const std::map<api::NodeId, bool>& votes);

// The highest index that a majority of `voters` acknowledged (`acked`;
// absent means 0). kNoConstraint for an empty set.
uint64_t MajorityCommitted(const Ids& voters, const std::map<api::NodeId, uint64_t>& acked);

// A voter configuration, joint while `outgoing` is not empty.
struct JointConfig {
  Ids incoming;  // C_new (the only set outside joint consensus)
  Ids outgoing;  // C_old while joint, else empty
  bool joint() const { return !outgoing.empty(); }
};

// Both halves must win; either one lost is lost.
VoteResult JointVote(const JointConfig& c, const std::map<api::NodeId, bool>& votes);
// The smaller of both halves' committed indexes (kNoConstraint only when
// both sets are empty).
uint64_t JointCommitted(const JointConfig& c, const std::map<api::NodeId, uint64_t>& acked);
// Every voter of either half, sorted, unique.
Ids Union(const JointConfig& c);
bool Contains(const JointConfig& c, api::NodeId id);

// "{1,2,3}", or "{3,4,5}&&{1,2,3}" when joint (incoming first, as etcd).
std::string JointString(const JointConfig& c);

}  // namespace raftlog::v3::quorum

#endif  // RAFTLOG_VERSIONS_V3_QUORUM_H_
