#include "matrix/runner/compare.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "matrix/runner/report.h"
#include "matrix/runner/report_schema.h"

namespace raftlog::runner {
namespace {

using google::protobuf::Value;

CellResult Cell(const std::string& scenario, CellStatus status, int seeds) {
  CellResult c;
  c.key = {scenario, "v1", "v2"};
  c.required = {policy::Capability::kRollingUpgrade};
  c.declared = {policy::Capability::kRollingUpgrade};
  c.supported = true;
  c.verdict.status = status;
  c.verdict.seeds = seeds;
  c.verdict.matching = seeds;
  for (int i = 1; i <= seeds; ++i) {
    SeedSummary s;
    s.seed = i;
    c.seeds.push_back(s);
  }
  c.telemetry.runs = seeds;
  c.telemetry.elections = 4 * seeds;
  c.telemetry.cohorts[0].timeouts = 1 * seeds;
  for (int i = 0; i < 100; ++i) c.telemetry.AddLatency(1000 + 100 * i);
  return c;
}

void MakeRed(CellResult& c, int seed_index, const std::string& reason) {
  c.verdict.status = CellStatus::kFail;
  c.verdict.matching -= 1;
  c.seeds[seed_index].outcome = SeedOutcome::kFail;
  c.seeds[seed_index].matches_policy = false;
  c.seeds[seed_index].reason = reason;
}

MatrixResult Matrix(std::vector<CellResult> cells, double wall_s) {
  MatrixResult m;
  m.pairs = {{"v1", "v2"}};
  for (const CellResult& c : cells) m.scenarios.push_back(c.key.scenario);
  m.policy_file = "versions/policy.txt";
  for (const CellResult& c : cells) m.seeds_run += c.verdict.seeds;
  m.cells = std::move(cells);
  m.wall_s = wall_s;
  return m;
}

Value Checked(const MatrixResult& m) {
  absl::StatusOr<Value> v = ParseJson(JsonReport(m), "report.json");
  EXPECT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(CheckReport(*v, "report.json").ok()) << CheckReport(*v, "report.json");
  return *v;
}

TEST(CompareTest, IdenticalRunsChangeNothing) {
  MatrixResult m = Matrix({Cell("rolling_upgrade", CellStatus::kPass, 8)}, 4);
  Comparison c = CompareReports(Checked(m), Checked(m), "a/report.json", "b/report.json");
  EXPECT_FALSE(c.worse());
  EXPECT_EQ(c.cells_compared, 1u);
  EXPECT_TRUE(c.status_changes.empty());
  EXPECT_TRUE(c.new_violations.empty());
  EXPECT_TRUE(c.vanished_violations.empty());
  EXPECT_TRUE(c.moved.empty());
  const std::string text = ComparisonText(c);
  EXPECT_TRUE(absl::StrContains(text, "seeds per second: 2.0 -> 2.0 (+0%)")) << text;
  EXPECT_TRUE(absl::StrContains(text, "verdict: nothing got worse")) << text;
}

TEST(CompareTest, StatusesViolationsTelemetryAndRate) {
  CellResult stays_red = Cell("leader_flaps", CellStatus::kPass, 8);
  MakeRed(stays_red, 2, "election_safety: two leaders in term 4");
  CellResult heals = Cell("pause", CellStatus::kPass, 8);
  MakeRed(heals, 0, "liveness: no leader after healing");
  MatrixResult base = Matrix({Cell("rolling_upgrade", CellStatus::kPass, 8), stays_red, heals,
                              Cell("gone", CellStatus::kPass, 8)},
                             4);

  CellResult breaks = Cell("rolling_upgrade", CellStatus::kPass, 16);  // twice the seeds
  MakeRed(breaks, 5, "durability: acknowledged write lost");
  breaks.telemetry.elections = 4 * 16 + 1;  // per seed: 4 -> 4.06, below the floor
  breaks.telemetry.cohorts[0].timeouts = 6 * 16;  // per seed: 1 -> 6, moved
  breaks.telemetry.latency_counts.clear();
  breaks.telemetry.answered_ops = 0;
  for (int i = 0; i < 100; ++i) breaks.telemetry.AddLatency(1000 + 1000 * i);
  CellResult still_red = stays_red;
  CellResult healed = Cell("pause", CellStatus::kPass, 8);
  MatrixResult head = Matrix({breaks, still_red, healed, Cell("new_one", CellStatus::kUnknown, 8)}, 2);

  Comparison c = CompareReports(Checked(base), Checked(head), "base", "head");
  EXPECT_TRUE(c.worse());
  EXPECT_EQ(c.cells_compared, 3u);
  std::vector<std::string> changes;
  for (const CellStatusChange& s : c.status_changes) {
    changes.push_back(absl::StrCat(s.cell, ": ", s.base, " -> ", s.head, s.worse ? " worse" : ""));
  }
  EXPECT_EQ(absl::StrJoin(changes, "; "),
            "rolling_upgrade v1->v2: PASS -> FAIL worse; pause v1->v2: FAIL -> PASS; "
            "new_one v1->v2: absent -> UNKNOWN worse; gone v1->v2: PASS -> absent");
  ASSERT_EQ(c.new_violations.size(), 1u);
  EXPECT_EQ(c.new_violations[0].cell, "rolling_upgrade v1->v2");
  EXPECT_EQ(c.new_violations[0].reason, "durability: acknowledged write lost");
  EXPECT_EQ(c.new_violations[0].seeds, std::vector<uint64_t>{6});
  ASSERT_EQ(c.vanished_violations.size(), 1u);
  EXPECT_EQ(c.vanished_violations[0].cell, "pause v1->v2");
  std::vector<std::string> moved;
  for (const MetricMove& m : c.moved) moved.push_back(absl::StrCat(m.cell, " ", m.metric));
  EXPECT_EQ(absl::StrJoin(moved, "; "),
            "rolling_upgrade v1->v2 timeouts; rolling_upgrade v1->v2 latency.p50_ms; "
            "rolling_upgrade v1->v2 latency.p99_ms");
  // Seeds per second: base 32 seeds in 4 s, head 40 in 2 s.
  EXPECT_DOUBLE_EQ(c.base_seeds_per_s, 8);
  EXPECT_DOUBLE_EQ(c.head_seeds_per_s, 20);

  const std::string text = ComparisonText(c);
  EXPECT_TRUE(absl::StrContains(text, "seeds per second: 8.0 -> 20.0 (+150%)")) << text;
  EXPECT_TRUE(absl::StrContains(text, "moved rolling_upgrade v1->v2: timeouts per seed 1 -> 6 (+500%)"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "verdict: WORSE")) << text;
  const std::string md = ComparisonMarkdown(c);
  EXPECT_TRUE(absl::StrContains(md, "| seeds per second | 8.0 | 20.0 | +150% |")) << md;
  EXPECT_TRUE(absl::StrContains(md, "- **worse** rolling_upgrade v1->v2: PASS -> FAIL")) << md;
  absl::StatusOr<Value> json = ParseJson(ComparisonJson(c), "compare.json");
  ASSERT_TRUE(json.ok()) << json.status();
  const auto& f = json->struct_value().fields();
  EXPECT_TRUE(f.at("worse").bool_value());
  EXPECT_EQ(f.at("status_changes").list_value().values_size(), 4);
  EXPECT_EQ(f.at("new_violations").list_value().values_size(), 1);
  EXPECT_EQ(f.at("telemetry_moved").list_value().values_size(), 3);
  EXPECT_EQ(f.at("head_run").struct_value().fields().at("seeds_per_second").number_value(), 20);
}

TEST(CompareTest, ThresholdDecidesWhatMoved) {
  CellResult a = Cell("rolling_upgrade", CellStatus::kPass, 8);
  CellResult b = a;
  b.telemetry.elections = 8 * 7;  // per seed 4 -> 7: +75%, above the floor of 2
  CompareOptions loose;
  loose.relative_threshold = 1.0;
  EXPECT_TRUE(CompareReports(Checked(Matrix({a}, 1)), Checked(Matrix({b}, 1)), "a", "b", loose)
                  .moved.empty());
  EXPECT_EQ(CompareReports(Checked(Matrix({a}, 1)), Checked(Matrix({b}, 1)), "a", "b").moved.size(), 1u);
}

// The latency telemetry the comparison reads: nearest-rank percentiles over
// counts kept at 3 significant digits.
TEST(CompareTest, LatencyPercentilesOfTheTelemetry) {
  Telemetry t;
  EXPECT_EQ(t.LatencyPercentile(0.99), 0u);
  for (uint64_t us = 1; us <= 1000; ++us) t.AddLatency(us);
  EXPECT_EQ(t.answered_ops, 1000u);
  EXPECT_EQ(t.LatencyPercentile(0.50), 500u);
  EXPECT_EQ(t.LatencyPercentile(0.99), 990u);
  EXPECT_EQ(t.LatencyPercentile(1.0), 1000u);
  t.AddLatency(123'456);
  EXPECT_EQ(t.LatencyPercentile(1.0), 123'000u);
  EXPECT_LE(t.latency_counts.size(), 1001u);
}

TEST(CompareTest, WritesBothFiles) {
  MatrixResult m = Matrix({Cell("rolling_upgrade", CellStatus::kPass, 8)}, 4);
  Comparison c = CompareReports(Checked(m), Checked(m), "a", "b");
  const std::string dir = std::getenv("TEST_TMPDIR");
  ASSERT_TRUE(WriteComparison(c, dir).ok());
  for (const char* name : {"/compare.md", "/compare.json"}) {
    std::ifstream in(dir + name);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_FALSE(ss.str().empty()) << name;
  }
  EXPECT_FALSE(WriteComparison(c, "/nonexistent/dir").ok());
}

}  // namespace
}  // namespace raftlog::runner
