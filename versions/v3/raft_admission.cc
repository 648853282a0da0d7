// Raft core, admission control (local, no gate): a leader bounds the client
// requests it holds pending instead of queueing without limit.
#include "versions/v3/raft.h"

#include "absl/strings/str_cat.h"

namespace raftlog::v3 {

bool Raft::RefuseOverloaded(const api::Request& req) {
  // Admission control (local, no gate): a bounded queue instead of an
  // unbounded one; the client backs off and retries. Reads waiting for
  // ReadIndex count too.
  const size_t inflight = pending_.size() + PendingReads();
  if (options_.max_inflight_requests > 0 && inflight >= options_.max_inflight_requests) {
    Count(api::kCounterOverloaded);
    Reply(req, absl::ResourceExhaustedError(absl::StrCat(
                   "overloaded: ", inflight, " requests pending on leader ",
                   options_.id, " (max_inflight_requests ", options_.max_inflight_requests,
                   "); retry later")));
    return true;
  }
  return false;
}

}  // namespace raftlog::v3
