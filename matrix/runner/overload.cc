#include "matrix/runner/overload.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace raftlog::runner {

double Goodput(const WindowSignals& w) {
  return w.length_us() == 0 ? 0.0 : static_cast<double>(w.ok) * 1e6 / w.length_us();
}

OverloadVerdict JudgeOverload(const OverloadFigures& f) {
  OverloadVerdict v;
  const double base = Goodput(f.baseline), storm = Goodput(f.storm);
  double recovered = 0;
  for (const WindowSignals& w : f.recovery) recovered = std::max(recovered, Goodput(w));
  v.detail = absl::StrFormat(
      "goodput baseline %.1f/s, storm %.1f/s (%.0f%%), best recovery window %.1f/s after %d "
      "window(s); queue peak %d (limit %d); storm: %d overloaded replies, %d client timeouts, "
      "%d retries, %d not-leader; admission control %s",
      base, storm, base > 0 ? 100 * storm / base : 0.0, recovered, f.recovery.size(),
      f.open_requests_peak, f.max_inflight_requests, f.overloaded_replies, f.client_timeouts,
      f.client_retries, f.not_leader, f.admission_control ? "yes" : "no (reported only)");
  if (!f.admission_control) return v;
  if (f.baseline.ok < kMinBaselineOk) {
    v.failures.push_back(absl::StrCat("baseline served only ", f.baseline.ok, " operation(s)"));
  } else {
    if (storm < kMinStormGoodputShare * base) {
      v.failures.push_back(absl::StrFormat("storm goodput %.1f/s below %.0f%% of baseline %.1f/s",
                                           storm, 100 * kMinStormGoodputShare, base));
    }
    if (recovered < kMinRecoveredGoodputShare * base) {
      v.failures.push_back(absl::StrFormat(
          "goodput did not recover to %.0f%% of baseline %.1f/s within %.1fs (best %.1f/s)",
          100 * kMinRecoveredGoodputShare, base, kRecoveryBoundUs / 1e6, recovered));
    }
  }
  if (f.open_requests_peak > f.max_inflight_requests) {
    v.failures.push_back(absl::StrCat("a node held ", f.open_requests_peak,
                                      " requests, above its admission limit ",
                                      f.max_inflight_requests));
  }
  v.ok = v.failures.empty();
  return v;
}

}  // namespace raftlog::runner
