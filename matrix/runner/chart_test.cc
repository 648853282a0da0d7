// A cell's chart against its plan and run: one upgrade, rollback, finalize
// and downgrade marker per step of the plan that began, one fault marker per
// fault band, one election marker per leader the timeline saw, and bins that
// count every completed client operation.
#include "matrix/runner/chart.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/runner/scenario.h"
#include "matrix/sim/releases.h"

namespace raftlog::runner {
namespace {

struct Case {
  const char* scenario;
  const char* from;
  const char* to;
  const char* must_have;  // a marker kind the plan certainly yields
};

std::map<std::string, int> ExpectedFromPlan(const RunResult& run) {
  std::map<std::string, int> want;
  for (const StepRecord& r : run.steps) {
    if (r.number == 0) continue;
    const Step& s = r.step;
    if (s.kind == StepKind::kUpgrade || s.kind == StepKind::kCrashUpgrade) {
      const bool back = run.from != run.to && s.tag == run.from && s.from_tag == run.to;
      ++want[back ? "rollback" : "upgrade"];
    }
    if (s.kind == StepKind::kFinalize) ++want["finalize"];
    if (s.kind == StepKind::kDowngrade) ++want["downgrade"];
  }
  want["fault"] = static_cast<int>(run.bands.size());
  return want;
}

TEST(ChartTest, MarkersMatchThePlanAndBinsCountTheOperations) {
  for (const Case& c : {Case{"rolling_upgrade", "v1", "v2", "finalize"},
                        Case{"rolling_downgrade", "v2", "v3", "rollback"},
                        Case{"downgrade_procedure", "v2", "v3", "downgrade"},
                        Case{"leader_flaps", "v3", "v3", "upgrade"}}) {
    SCOPED_TRACE(absl::StrCat(c.scenario, " ", c.from, "->", c.to));
    absl::StatusOr<ScenarioPlan> plan = Compile(c.scenario, c.from, c.to, 1, Mode::kFast);
    ASSERT_TRUE(plan.ok()) << plan.status();
    ExecOptions e;
    e.find_release = sim::FindSimRelease;
    e.trace_keep = 0;
    const RunResult run = Execute(*plan, e);
    const Chart chart = BuildChart(run, 1, 40);
    EXPECT_EQ(chart.seed, 1u);
    ASSERT_EQ(chart.bins.size(), 40u);
    EXPECT_GE(chart.bin_us * 40, run.sim_time_us);

    std::map<std::string, int> got;
    uint64_t last = 0;
    for (const ChartMarker& m : chart.markers) {
      ++got[m.kind];
      EXPECT_GE(m.at_us, last) << "markers by time";
      last = m.at_us;
    }
    std::map<std::string, int> want = ExpectedFromPlan(run);
    for (const char* kind : {"upgrade", "rollback", "finalize", "downgrade", "fault"}) {
      EXPECT_EQ(got[kind], want[kind]) << kind;
    }
    EXPECT_GE(got[c.must_have], 1) << c.must_have;
    EXPECT_GE(got["upgrade"], 1);
    EXPECT_GE(got["election"], 1);
    int leader_terms = 0;
    std::map<api::NodeId, std::pair<std::string, uint64_t>> prev;
    for (const Segment& s : run.timeline) {
      auto p = prev.find(s.node);
      const bool continues = p != prev.end() && p->second.first == "leader" && p->second.second == s.term;
      if (s.role == "leader" && !continues) ++leader_terms;
      prev[s.node] = {s.role, s.term};
    }
    EXPECT_EQ(got["election"], leader_terms);

    uint64_t completed = 0, binned = 0;
    for (const lin::Operation& op : run.history.ops()) completed += op.complete_time.has_value();
    for (const ChartBin& b : chart.bins) {
      binned += b.answered + b.errors;
      EXPECT_LE(b.p50_us, b.p99_us);
      if (b.answered == 0) {
        EXPECT_EQ(b.p99_us, 0u);
      }
    }
    EXPECT_EQ(binned, completed);
    EXPECT_GT(completed, 50u);
    EXPECT_EQ(chart.lanes.size(), run.timeline.size());
    // Lanes carry the cluster version each node reported.
    uint32_t top_cv = 0;
    for (const Segment& s : chart.lanes) top_cv = std::max(top_cv, s.cluster_version);
    EXPECT_GE(top_cv, 1u);
  }
}

}  // namespace
}  // namespace raftlog::runner
