#include "matrix/runner/report.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

MatrixResult Sample() {
  MatrixResult m;
  m.mode = Mode::kFast;
  m.pairs = {{"v1", "v1"}, {"v1", "v2"}};
  m.scenarios = {"rolling_upgrade"};
  m.policy_file = "versions/policy.txt";
  m.seeds_run = 4;
  m.wall_s = 2;
  CellResult pass;
  pass.key = {"rolling_upgrade", "v1", "v1"};
  pass.required = {policy::Capability::kRollingUpgrade};
  pass.declared = {policy::Capability::kRollingUpgrade};
  pass.supported = true;
  pass.verdict.status = CellStatus::kPass;
  pass.verdict.seeds = 2;
  pass.verdict.matching = 2;
  for (uint64_t seed : {1, 2}) {
    SeedSummary s;
    s.seed = seed;
    s.outcome = SeedOutcome::kPass;
    s.matches_policy = true;
    s.digest = seed == 1 ? 0xabc : 0xdef;
    s.sim_time_us = 5'000'000;
    pass.seeds.push_back(s);
  }
  pass.telemetry.history_seed = 1;
  HistoryEvent config;
  config.time_us = 0;
  config.node = 1;
  config.index = 1;
  config.what = "voters={1,2,3} learners={}";
  pass.telemetry.config_history.push_back(config);
  pass.telemetry.cohorts[0].retries = 7;
  CellResult fail = pass;
  fail.key = {"rolling_upgrade", "v1", "v2"};
  fail.verdict.status = CellStatus::kFail;
  fail.verdict.matching = 1;
  fail.seeds[1].outcome = SeedOutcome::kFail;
  fail.seeds[1].matches_policy = false;
  fail.telemetry.decode_errors[{"v2", "v1", "AppendEntries"}] = 5;
  Artifact a;
  a.seed = 2;
  a.first_violation = "durability @1.500000s: acknowledged write lost </script>";
  a.verdict.outcome = SeedOutcome::kFail;
  a.verdict.reasons = {"safety: 1 violation(s), first: durability"};
  a.reproduce = ReproduceCommand(fail.key, 2, Mode::kFast);
  a.plan_text = "scenario rolling_upgrade: v1 -> v2, seed 2, mode fast\n";
  a.trace_window = "1.0 crash n2\n";
  StepRecord s;
  s.number = 1;
  s.step.kind = StepKind::kUpgrade;
  s.step.node = 2;
  s.step.from_tag = "v1";
  s.step.tag = "v2";
  NodeRow row;
  row.id = 2;
  row.status = "up";
  row.release = "v2";
  row.cluster_version = 1;
  row.term = 3;
  row.role = "leader";
  row.leader = 2;
  row.commit = row.applied = row.last = 10;
  row.snapshot = 0;
  row.config = "voters={1,2,3}";
  s.after.push_back(row);
  a.steps.push_back(s);
  Segment leading;
  leading.node = 2;
  leading.from_us = 0;
  leading.to_us = 1'000'000;
  leading.release = "v1";
  leading.role = "leader";
  leading.term = 2;
  a.timeline.push_back(leading);
  FaultBand crash;
  crash.from_us = 500'000;
  crash.to_us = 700'000;
  crash.node = 2;
  crash.label = "crash (tear)";
  a.bands.push_back(crash);
  fail.artifact = a;
  m.cells = {pass, fail};
  return m;
}

TEST(Report, AReproductionNamesTheBinaryThatLinksTheCellsTags) {
  EXPECT_EQ(ReproduceCommand(CellKey{"rolling_upgrade", "v2", "v3"}, 4, Mode::kFull),
            "bazel run //matrix:runner -- --scenarios=rolling_upgrade --pairs=v2:v3 --seed=4 "
            "--mode=full");
  EXPECT_EQ(ReproduceCommand(CellKey{"rolling_upgrade", "v2", "v3+vote"}, 4, Mode::kFast),
            "bazel run //matrix:canary_runner -- --scenarios=rolling_upgrade --pairs=v2:v3+vote "
            "--seed=4");
}

TEST(Report, TerminalTableShowsCellsReasonsAndTheReproduction) {
  MatrixResult m = Sample();
  EXPECT_FALSE(m.ok());
  std::string t = TerminalTable(m, /*color=*/false);
  EXPECT_TRUE(absl::StrContains(t, "rolling_upgrade | PASS 2/2 | FAIL 1/2")) << t;
  EXPECT_TRUE(absl::StrContains(t, "FAIL rolling_upgrade v1->v2")) << t;
  EXPECT_TRUE(absl::StrContains(
      t, "reproduce: bazel run //matrix:runner -- --scenarios=rolling_upgrade --pairs=v1:v2 --seed=2"))
      << t;
  EXPECT_TRUE(absl::StrContains(t, "1 PASS, 0 REFUSED-as-expected, 1 FAIL")) << t;
  EXPECT_FALSE(absl::StrContains(t, "\033[")) << "no color off a terminal";
  EXPECT_TRUE(absl::StrContains(TerminalTable(m, true), "\033[1;31mFAIL 1/2"));
}

TEST(Report, JsonAndMarkdownCarryStatusesTelemetryAndArtifacts) {
  MatrixResult m = Sample();
  std::string j = JsonReport(m);
  EXPECT_TRUE(absl::StrContains(j, "\"ok\": false"));
  EXPECT_TRUE(absl::StrContains(j, "\"status\": \"FAIL\""));
  EXPECT_TRUE(absl::StrContains(j, "\"sender\": \"v2\""));
  EXPECT_TRUE(absl::StrContains(j, "\"retries\": 7"));
  EXPECT_TRUE(absl::StrContains(j, "\"digest\": \"0000000000000abc\""));
  EXPECT_TRUE(absl::StrContains(j, "\"artifact\": null")) << "green cells carry no artifact";
  std::string md = MarkdownReport(m);
  EXPECT_TRUE(absl::StrContains(md, "| rolling_upgrade | PASS 2/2 | **FAIL 1/2** |")) << md;
  EXPECT_TRUE(absl::StrContains(md, "### FAIL: rolling_upgrade v1->v2"));
  EXPECT_TRUE(absl::StrContains(md, "v2 -> v1 AppendEntries: 5"));
}

// The sample with its red cell made UNKNOWN instead: a seed whose
// linearizability search ran out of budget, nothing red.
MatrixResult UnknownSample() {
  MatrixResult m = Sample();
  CellResult& c = m.cells[1];
  c.verdict.status = CellStatus::kUnknown;
  c.verdict.seeds = 2;
  c.verdict.matching = 1;
  c.seeds[1].outcome = SeedOutcome::kUnknown;
  c.seeds[1].reason = "linearizability unknown (search budget exhausted, not a pass)";
  c.telemetry.lin_unknown_seeds = 1;
  c.telemetry.lin_max_search_states = 2'000'001;
  c.artifact->verdict.outcome = SeedOutcome::kUnknown;
  c.artifact->first_violation = c.seeds[1].reason;
  m.lin_max_states = 2'000'000;
  return m;
}

TEST(Report, AnUnknownCellIsItsOwnStatusNeverGreenAndExitsNonZero) {
  MatrixResult m = UnknownSample();
  EXPECT_FALSE(m.ok());
  EXPECT_EQ(m.exit_code(), kExitUnknown);
  EXPECT_NE(m.exit_code(), 0);
  EXPECT_NE(m.exit_code(), kExitMismatch);
  EXPECT_EQ(Sample().exit_code(), kExitMismatch);
  const std::string t = TerminalTable(m, /*color=*/false);
  EXPECT_TRUE(absl::StrContains(t, "rolling_upgrade | PASS 2/2 | UNKNOWN 1/2")) << t;
  EXPECT_TRUE(absl::StrContains(t, "UNKNOWN rolling_upgrade v1->v2")) << t;
  EXPECT_TRUE(absl::StrContains(t, "0 UNEXPECTED-GREEN, 1 UNKNOWN;")) << t;
  EXPECT_TRUE(absl::StrContains(t, "SOME CELLS ARE UNKNOWN")) << t;
  EXPECT_TRUE(absl::StrContains(
      t, "linearizability: 1 unknown seed(s); largest search 2000001 states (budget 2000000"))
      << t;
  const std::string colored = TerminalTable(m, true);
  EXPECT_TRUE(absl::StrContains(colored, "\033[1;35mUNKNOWN 1/2")) << "magenta, never green";
  EXPECT_FALSE(absl::StrContains(colored, "\033[32mUNKNOWN"));
  const std::string j = JsonReport(m);
  EXPECT_TRUE(absl::StrContains(j, "\"status\": \"UNKNOWN\""));
  EXPECT_TRUE(absl::StrContains(j, "\"outcome\": \"unknown\""));
  EXPECT_TRUE(absl::StrContains(j, "\"unknown\": 1"));
  EXPECT_TRUE(absl::StrContains(j, "\"exit_code\": 3"));
  EXPECT_TRUE(absl::StrContains(j, "\"lin_unknown_seeds\": 1"));
  EXPECT_TRUE(absl::StrContains(j, "\"largest_search_states\": 2000001"));
  const std::string md = MarkdownReport(m);
  EXPECT_TRUE(absl::StrContains(md, "| rolling_upgrade | PASS 2/2 | **UNKNOWN 1/2** |")) << md;
  EXPECT_TRUE(absl::StrContains(md, "### UNKNOWN: rolling_upgrade v1->v2")) << md;
  const std::string h = HtmlReport(m);
  EXPECT_TRUE(absl::StrContains(h, ".UNKNOWN{background:#e1bee7"));
  EXPECT_TRUE(absl::StrContains(h, "<span class=\"chip UNKNOWN\">UNKNOWN</span>"));
}

TEST(Report, FeatureCoverageShowsPathCountsPerCellAndWhatNoCellExercised) {
  MatrixResult m = Sample();
  m.cells[0].telemetry.counters_by_release["v1"]["elections_started"] = 6;
  m.cells[1].telemetry.counters_by_release["v2"]["pre_votes_started"] = 4;
  const std::string t = TerminalTable(m, false);
  EXPECT_TRUE(absl::StrContains(t, "feature paths exercised: v1 1/")) << t;
  EXPECT_TRUE(absl::StrContains(t, "never exercised: v1 became_leader")) << t;
  EXPECT_FALSE(absl::StrContains(t, "v2 pre_votes_started,")) << t;
  const std::string j = JsonReport(m);
  EXPECT_TRUE(absl::StrContains(j, "\"feature_coverage\": {")) << j;
  EXPECT_TRUE(absl::StrContains(j, "\"never_exercised\": [")) << j;
  EXPECT_TRUE(absl::StrContains(j, "\"v1 became_leader: a candidate won an election\"")) << j;
  EXPECT_TRUE(absl::StrContains(j, "\"feature_paths\": [")) << j;
  EXPECT_TRUE(absl::StrContains(j, "\"release\": \"v1\"")) << j;
  EXPECT_TRUE(absl::StrContains(j, "\"counter\": \"elections_started\",")) << j;
  const std::string md = MarkdownReport(m);
  EXPECT_TRUE(absl::StrContains(md, "## Feature coverage")) << md;
  EXPECT_TRUE(absl::StrContains(md, "### Paths no cell exercised\n\n- v1 became_leader: ")) << md;
  EXPECT_TRUE(absl::StrContains(md, "- rolling_upgrade v1->v2: v1 0/")) << md;
  EXPECT_TRUE(absl::StrContains(md, "(pre_votes_started=4)")) << md;
}

TEST(Report, HtmlIsSelfContainedAndEmbedsTheJsonSafely) {
  std::string h = HtmlReport(Sample());
  EXPECT_TRUE(absl::StartsWith(h, "<!DOCTYPE html>"));
  EXPECT_FALSE(absl::StrContains(h, "http://") && !absl::StrContains(h, "http://www.w3.org/2000/svg"));
  EXPECT_FALSE(absl::StrContains(h, "https://"));
  EXPECT_FALSE(absl::StrContains(h, "<link"));
  EXPECT_FALSE(absl::StrContains(h, "src="));
  // The only closing script tags are the three of the page itself (error
  // hook, data, code): the violation text "</script>" was escaped inside the
  // JSON.
  size_t count = 0;
  for (size_t p = h.find("</script>"); p != std::string::npos; p = h.find("</script>", p + 1)) ++count;
  EXPECT_EQ(count, 3u);
  EXPECT_TRUE(absl::StrContains(h, "\\u003c/script\\u003e"));
}

TEST(Report, WritesTheThreeFiles) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  const std::string dir = std::string(tmp) + "/nested/report";
  ASSERT_TRUE(WriteReports(Sample(), dir).ok());
  for (const char* f : {"report.md", "report.json", "report.html"}) {
    std::ifstream in(dir + "/" + f);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_GT(ss.str().size(), 100u) << f;
  }
  EXPECT_FALSE(WriteReports(Sample(), "/proc/no/such/dir").ok());
}

CanaryReport SampleCanaries() {
  CanaryReport r;
  r.seeds = 16;
  r.scenarios = "test cells";
  CanaryRow a;
  a.tag = "v2+vote";
  a.base = "v2";
  a.expected = "election_safety|durability";
  a.detected = true;
  a.cell = "leader_flaps v1->v2+vote";
  a.seeds_to_first = 3;
  a.runs = 40;
  a.diagnosis = "election_safety";
  a.reason = "two leaders in term 11 <b>";
  a.reproduce = "bazel run //matrix:canary_runner -- --canaries --only=v2+vote";
  a.shrinkable = a.shrunk = true;
  a.shrunk_from = 4000;
  a.shrunk_to = 12;
  CanaryRow b;
  b.tag = "v2+reconfig";
  b.expected = "election_safety";
  b.expected_undetected = "FINDING: why";
  r.rows = {a, b};
  Summarize(r);
  return r;
}

TEST(Report, CanaryTableShowsRowsAndTheThreeFigures) {
  CanaryReport r = SampleCanaries();
  EXPECT_EQ(r.detected, 1);
  EXPECT_EQ(r.median_seeds, 3);
  EXPECT_EQ(r.max_shrunk, 12u);
  EXPECT_FALSE(r.targets_met()) << "one canary is not caught";
  const std::string t = CanaryTable(r);
  EXPECT_TRUE(absl::StrContains(t, "leader_flaps v1->v2+vote")) << t;
  EXPECT_TRUE(absl::StrContains(t, "12 events (from 4000")) << t;
  EXPECT_TRUE(absl::StrContains(t, "NOT CAUGHT (known)")) << t;
  EXPECT_TRUE(absl::StrContains(t, "detection rate: 1/2 (50%")) << t;
  EXPECT_TRUE(absl::StrContains(t, "median seeds to first detection: 3.0")) << t;
  EXPECT_TRUE(absl::StrContains(t, "longest shrunk trace: 12 events")) << t;
  EXPECT_TRUE(absl::StrContains(CanaryMarkdownSection(r), "| v2+vote | election_safety\\|durability"));
  EXPECT_TRUE(absl::StrContains(CanaryJson(r), "\"seeds_to_first_detection\": 3"));
  const std::string h = CanaryHtmlSection(r);
  EXPECT_TRUE(absl::StartsWith(h, "<section id=\"canaries\">"));
  EXPECT_FALSE(absl::StrContains(h, "<b>")) << "text is escaped";
}

}  // namespace
}  // namespace raftlog::runner
