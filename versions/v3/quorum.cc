#include "versions/v3/quorum.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftlog::v3::quorum {

const char* VoteResultName(VoteResult r) {
  switch (r) {
    case VoteResult::kPending: return "pending";
    case VoteResult::kLost: return "lost";
    case VoteResult::kWon: return "won";
  }
  return "unknown";
}

size_t MajoritySize(size_t n) { return n == 0 ? 0 : n / 2 + 1; }

VoteResult MajorityVote(const Ids& voters, const std::map<api::NodeId, bool>& votes) {
  if (voters.empty()) return VoteResult::kWon;
  size_t granted = 0, missing = 0;
  for (api::NodeId v : voters) {
    auto it = votes.find(v);
    if (it == votes.end()) {
      ++missing;
    } else if (it->second) {
      ++granted;
    }
  }
  const size_t q = MajoritySize(voters.size());
  if (granted >= q) return VoteResult::kWon;
  if (granted + missing >= q) return VoteResult::kPending;
  return VoteResult::kLost;
}

uint64_t MajorityCommitted(const Ids& voters, const std::map<api::NodeId, uint64_t>& acked) {
  if (voters.empty()) return kNoConstraint;
  std::vector<uint64_t> idx;
  idx.reserve(voters.size());
  for (api::NodeId v : voters) {
    auto it = acked.find(v);
    idx.push_back(it == acked.end() ? 0 : it->second);
  }
  std::sort(idx.begin(), idx.end(), std::greater<uint64_t>());
  // The q-th highest: q voters hold at least this much.
  return idx[MajoritySize(voters.size()) - 1];
}

VoteResult JointVote(const JointConfig& c, const std::map<api::NodeId, bool>& votes) {
  const VoteResult in = MajorityVote(c.incoming, votes);
  const VoteResult out = MajorityVote(c.outgoing, votes);
  if (in == VoteResult::kWon && out == VoteResult::kWon) return VoteResult::kWon;
  if (in == VoteResult::kLost || out == VoteResult::kLost) return VoteResult::kLost;
  return VoteResult::kPending;
}

uint64_t JointCommitted(const JointConfig& c, const std::map<api::NodeId, uint64_t>& acked) {
  return std::min(MajorityCommitted(c.incoming, acked), MajorityCommitted(c.outgoing, acked));
}

Ids Union(const JointConfig& c) {
  Ids out;
  std::set_union(c.incoming.begin(), c.incoming.end(), c.outgoing.begin(), c.outgoing.end(),
                 std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Contains(const JointConfig& c, api::NodeId id) {
  return std::binary_search(c.incoming.begin(), c.incoming.end(), id) ||
         std::binary_search(c.outgoing.begin(), c.outgoing.end(), id);
}

std::string JointString(const JointConfig& c) {
  std::string s = absl::StrCat("{", absl::StrJoin(c.incoming, ","), "}");
  if (c.joint()) absl::StrAppend(&s, "&&{", absl::StrJoin(c.outgoing, ","), "}");
  return s;
}

}  // namespace raftlog::v3::quorum
