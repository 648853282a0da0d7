#include "matrix/runner/chart.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace raftlog::runner {
namespace {

uint64_t Percentile(std::vector<uint64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(p * static_cast<double>(v.size()) + 0.999999);
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

void Bins(const RunResult& run, Chart& c, size_t n) {
  c.bin_us = std::max<uint64_t>(1, (c.end_us + n - 1) / n);
  c.bins.resize(n);
  std::vector<std::vector<uint64_t>> latencies(n);
  for (size_t i = 0; i < n; ++i) c.bins[i].from_us = i * c.bin_us;
  for (const lin::Operation& op : run.history.ops()) {
    if (!op.complete_time.has_value() || *op.complete_time < op.invoke_time) continue;
    const size_t b = std::min<size_t>(n - 1, static_cast<uint64_t>(*op.complete_time) / c.bin_us);
    const bool answered = op.outcome == lin::Outcome::kOk ||
                          (op.outcome == lin::Outcome::kFail && op.kind == lin::OpKind::kCas);
    if (answered) {
      ++c.bins[b].answered;
      latencies[b].push_back(static_cast<uint64_t>(*op.complete_time - op.invoke_time));
    } else {
      ++c.bins[b].errors;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    c.bins[i].p50_us = Percentile(latencies[i], 0.50);
    c.bins[i].p99_us = Percentile(latencies[i], 0.99);
  }
}

void StepMarkers(const RunResult& run, Chart& c) {
  for (const StepRecord& r : run.steps) {
    if (r.number == 0) continue;  // never began
    const Step& s = r.step;
    std::string kind;
    switch (s.kind) {
      case StepKind::kUpgrade:
      case StepKind::kCrashUpgrade:
        // Back to the pair's older release: a rollback of the binary.
        kind = run.from != run.to && s.tag == run.from && s.from_tag == run.to ? "rollback"
                                                                              : "upgrade";
        break;
      case StepKind::kFinalize: kind = "finalize"; break;
      case StepKind::kDowngrade: kind = "downgrade"; break;
      case StepKind::kGate:
        if (absl::StartsWith(r.detail, "rollback triggered by")) {
          c.markers.push_back({r.end_us, "rollback", 0, absl::StrCat(r.number, ". ", r.detail)});
        }
        continue;
      default: continue;
    }
    c.markers.push_back({r.start_us, kind, s.node, absl::StrCat(r.number, ". ", StepString(s))});
  }
}

}  // namespace

Chart BuildChart(const RunResult& run, uint64_t seed, size_t bins) {
  Chart c;
  c.seed = seed;
  c.end_us = std::max<uint64_t>(run.sim_time_us, 1);
  Bins(run, c, std::max<size_t>(bins, 1));
  StepMarkers(run, c);
  for (const FaultBand& b : run.bands) c.markers.push_back({b.from_us, "fault", b.node, b.label});
  // A leader segment that continues the node's previous one in the same
  // term (its release or cluster version changed) is no new election.
  std::map<api::NodeId, const Segment*> previous;
  for (const Segment& s : run.timeline) {
    const Segment* p = previous[s.node];
    previous[s.node] = &s;
    if (s.role != "leader") continue;
    if (p != nullptr && p->role == "leader" && p->term == s.term && p->to_us == s.from_us) continue;
    c.markers.push_back(
        {s.from_us, "election", s.node, absl::StrCat("n", s.node, " leader, term ", s.term)});
  }
  c.lanes = run.timeline;
  std::stable_sort(c.markers.begin(), c.markers.end(),
                   [](const ChartMarker& a, const ChartMarker& b) { return a.at_us < b.at_us; });
  return c;
}

}  // namespace raftlog::runner
