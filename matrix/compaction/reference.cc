#include "matrix/compaction/reference.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "versions/api/pump.h"

namespace raftlog::compaction {

absl::StatusOr<uint64_t> ReferenceDigest(const api::ReleaseInfo& release,
                                         const std::map<uint64_t, api::Request>& claims,
                                         uint64_t last_index) {
  api::Pump::Options o;
  o.ids = {1};
  o.seed = 1;
  o.node.election_ticks = 10;
  o.node.heartbeat_ticks = 1;
  o.node.snapshot_threshold = uint64_t{1} << 40;
  api::Pump pump(release.make_node, o);
  if (absl::Status s = pump.StartAll(); !s.ok()) {
    return absl::InternalError(absl::StrCat("reference node: ", s.ToString()));
  }
  if (pump.RunUntilLeader(200) != 1) {
    return absl::InternalError("reference node did not become leader");
  }
  const uint64_t first_free = pump.node(1)->State().last_index + 1;
  if (!claims.empty() && claims.begin()->first < first_free) {
    return absl::FailedPreconditionError(
        absl::StrCat("a command was applied at index ", claims.begin()->first,
                     ", below the first index a fresh reference node appends at (", first_free,
                     ")"));
  }
  if (last_index + 1 < first_free) {
    return absl::FailedPreconditionError(
        absl::StrCat("the run ended at index ", last_index, ", the reference starts at ",
                     first_free));
  }
  for (uint64_t i = first_free; i <= last_index; ++i) {
    api::Request r;
    auto it = claims.find(i);
    if (it != claims.end()) {
      r = it->second;
    } else {
      r.client_id = 0;  // no session: the filler changes nothing
      r.sequence = 0;
      r.op = api::Op::kGet;
      r.key = "";
    }
    std::optional<api::Reply> reply = pump.Submit(1, r, 50);
    if (!reply.has_value() || !reply->status.ok()) {
      return absl::InternalError(absl::StrCat(
          "reference node: no ok reply at index ", i, ": ",
          reply.has_value() ? reply->status.ToString() : std::string("no reply")));
    }
    if (reply->index != i) {
      return absl::FailedPreconditionError(absl::StrCat(
          "reference node applied the command for index ", i, " at index ", reply->index));
    }
  }
  const api::ProtocolState st = pump.node(1)->State();
  if (st.applied_index != last_index) {
    return absl::InternalError(absl::StrCat("reference node applied ", st.applied_index,
                                            ", expected ", last_index));
  }
  return st.kv_digest;
}

}  // namespace raftlog::compaction
