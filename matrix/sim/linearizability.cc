#include "matrix/sim/linearizability.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/lin/checker.h"

namespace raftlog::sim {

LinVerdict CheckHistory(const lin::History& history, uint64_t max_states) {
  LinVerdict v;
  v.checked = true;
  lin::CheckOptions o;
  o.model = lin::Model::kKv;
  o.max_states = max_states;
  absl::StatusOr<lin::CheckResult> r = lin::Check(history, o);
  if (!r.ok()) {
    v.linearizable = false;
    v.detail = absl::StrCat("checker error: ", r.status().ToString());
    return v;
  }
  v.states = r->states_explored;
  v.max_search_states = r->max_search_states;
  v.detail = absl::StrCat(lin::VerdictName(r->verdict), ", ", r->ops_checked, " ops over ",
                          r->keys, " keys, ", r->states_explored, " states (largest search ",
                          r->max_search_states, ", budget ", max_states, " per search)");
  switch (r->verdict) {
    case lin::Verdict::kLinearizable:
      break;
    case lin::Verdict::kUnknown:
      v.unknown = true;
      absl::StrAppend(&v.detail, "; budget exhausted: ", r->reason);
      break;
    case lin::Verdict::kNotLinearizable: {
      v.linearizable = false;
      size_t omitted = 0;
      std::string window = lin::WindowToEdn(history, *r, 12, &omitted);
      absl::StrAppend(&v.detail, "; key ", r->window_key.ToEdn(), " fails at time ",
                      r->window_cut_time, omitted ? absl::StrCat(" (", omitted, " earlier ops omitted)") : "",
                      ":\n", window);
      break;
    }
  }
  return v;
}

}  // namespace raftlog::sim
