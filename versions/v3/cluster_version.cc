#include "versions/v3/cluster_version.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "versions/v3/check.h"

namespace raftlog::v3 {

ProtocolRange RangeFromWire(uint32_t min_protocol, uint32_t max_protocol) {
  ProtocolRange r;
  r.min = min_protocol == 0 ? 1 : min_protocol;
  r.max = max_protocol == 0 ? 1 : max_protocol;
  if (r.max < r.min) r.max = r.min;
  return r;
}

void ClusterVersionHistory::Reset(uint64_t index, uint32_t version) {
  history_.clear();
  history_.push_back(VersionChange{index, version, false, true});
}

void ClusterVersionHistory::Apply(uint64_t index, uint32_t version, bool downgrade) {
  RAFTLOG_V3_CHECK(history_.empty() || index > history_.back().index);
  history_.push_back(VersionChange{index, version, downgrade, false});
}

namespace {

uint32_t MaxOf(const std::optional<ProtocolRange>& r) { return r.has_value() ? r->max : 1; }
uint32_t MinOf(const std::optional<ProtocolRange>& r) { return r.has_value() ? r->min : 1; }

}  // namespace

std::string DescribeMembers(const MemberReports& members, const std::vector<api::NodeId>& ids) {
  std::vector<std::string> parts;
  for (api::NodeId id : ids) {
    auto it = members.find(id);
    if (it == members.end() || !it->second.has_value()) {
      parts.push_back(absl::StrCat(id, ": never reported (counts as 1..1)"));
    } else {
      parts.push_back(absl::StrCat(id, ": ", it->second->min, "..", it->second->max));
    }
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

absl::StatusOr<uint32_t> FinalizeTarget(uint32_t requested, uint32_t current,
                                        const MemberReports& members) {
  if (requested != 0 && requested < current) {
    return absl::InvalidArgumentError(absl::StrCat(
        "finalize to cluster version ", requested, " is below the current cluster version ",
        current, "; lowering it is Op::kDowngrade"));
  }
  if (requested != 0 && requested == current) return current;
  std::vector<api::NodeId> lacking;
  if (requested == 0) {
    // The highest version every member supports, if that raises anything.
    uint32_t common = UINT32_MAX, highest = 0;
    for (const auto& [id, r] : members) {
      common = std::min(common, MaxOf(r));
      highest = std::max(highest, MaxOf(r));
    }
    if (members.empty() || highest <= current) return current;  // nobody speaks more
    if (common > current) return common;
    for (const auto& [id, r] : members) {
      if (MaxOf(r) <= current) lacking.push_back(id);
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot finalize: the cluster version is ", current, " and nodes ",
        DescribeMembers(members, lacking), " support no higher version; upgrade them first"));
  }
  for (const auto& [id, r] : members) {
    if (MaxOf(r) < requested) lacking.push_back(id);
  }
  if (!lacking.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot finalize cluster version ", requested, ": nodes ",
        DescribeMembers(members, lacking), " do not support it; upgrade them first"));
  }
  return requested;
}

absl::StatusOr<uint32_t> DowngradeTarget(uint32_t requested, uint32_t current,
                                         const MemberReports& members) {
  if (requested == 0) {
    return absl::InvalidArgumentError("downgrade needs an explicit version (got 0)");
  }
  if (requested > current) {
    return absl::InvalidArgumentError(absl::StrCat(
        "downgrade to cluster version ", requested, " is above the current cluster version ",
        current, "; raising it is Op::kFinalize"));
  }
  if (requested == current) return current;
  if (requested + 1 < current) {
    // One version at a time: each step rewrites the data for the release
    // right below (3 -> 2: format 2; 2 -> 1: format 1, no learners).
    return absl::InvalidArgumentError(absl::StrCat(
        "downgrade from cluster version ", current, " to ", requested,
        " skips a version: downgrade to ", current - 1, " first (one version at a time)"));
  }
  std::vector<api::NodeId> lacking;
  for (const auto& [id, r] : members) {
    if (MinOf(r) > requested) lacking.push_back(id);
  }
  if (!lacking.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot downgrade to cluster version ", requested, ": nodes ",
        DescribeMembers(members, lacking), " do not speak it"));
  }
  return requested;
}

}  // namespace raftlog::v3
