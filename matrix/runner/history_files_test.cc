// What the matrix writes with --write-history, lincheck reads back: the same
// operations, and the matrix's own linearizability verdict, for real runs
// and for the same runs with one read corrupted.
#include "matrix/runner/history_files.h"

#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/lin/checker.h"
#include "matrix/lin/edn.h"
#include "matrix/sim/linearizability.h"
#include "matrix/sim/releases.h"
#include "versions/policy.h"

namespace raftlog::runner {
namespace {

struct Written {
  CellKey cell;
  uint64_t seed = 0;
  RunResult run;
  SeedVerdict verdict;
};

std::vector<Written> RunAndKeep() {
  absl::StatusOr<policy::Policy> policy = policy::Policy::Parse(
      "v1 -> v2: rolling_upgrade, downgrade_before_finalize, snapshot_exchange, "
      "downgrade_by_procedure\n"
      "v2 -> v3: rolling_upgrade, downgrade_before_finalize, snapshot_exchange, "
      "downgrade_by_procedure\n",
      "test-policy");
  EXPECT_TRUE(policy.ok()) << policy.status();
  MatrixOptions o;
  o.pairs = {{"v1", "v2"}, {"v2", "v3"}};
  o.scenarios = {"rolling_upgrade", "reads_mixed", "membership_mixed"};
  o.seeds = {1, 2};
  o.policy = &*policy;
  o.find_release = sim::FindSimRelease;
  o.jobs = 2;
  std::mutex mu;
  std::vector<Written> out;
  o.seed_done = [&](const CellKey& cell, uint64_t seed, const RunResult& run,
                    const SeedVerdict& verdict) {
    std::lock_guard<std::mutex> lock(mu);
    out.push_back({cell, seed, run, verdict});
  };
  RunMatrix(o);
  return out;
}

lin::Verdict MatrixVerdict(const sim::LinVerdict& v) {
  return v.unknown ? lin::Verdict::kUnknown
         : v.linearizable ? lin::Verdict::kLinearizable
                          : lin::Verdict::kNotLinearizable;
}

// lincheck's reading of the file the matrix writes for `w`.
lin::CheckResult ReadBack(const Written& w, size_t expected_ops) {
  const std::string text = HistoryFileText(w.cell, w.seed, Mode::kFast, w.run, w.verdict);
  absl::StatusOr<lin::History> h = lin::ParseEdnHistory(text);
  EXPECT_TRUE(h.ok()) << h.status();
  if (!h.ok()) return {};
  EXPECT_EQ(h->size(), expected_ops);
  for (size_t i = 0; i < h->size() && i < w.run.history.size(); ++i) {
    // Nanoseconds on file, the recorded microseconds in the matrix.
    EXPECT_EQ((*h)[i].invoke_time, 1000 * w.run.history[i].invoke_time);
  }
  lin::CheckOptions o;
  o.model = lin::Model::kKv;
  o.max_states = sim::kDefaultLinMaxStates;
  absl::StatusOr<lin::CheckResult> r = lin::Check(*h, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : lin::CheckResult();
}

// The middle :ok get that read a value reports a value no operation wrote.
bool CorruptARead(lin::History& h) {
  std::vector<size_t> reads;
  for (size_t i = 0; i < h.size(); ++i) {
    const lin::Operation& op = h[i];
    if (op.kind == lin::OpKind::kGet && op.outcome == lin::Outcome::kOk && op.found()) {
      reads.push_back(i);
    }
  }
  if (reads.empty()) return false;
  lin::Operation& op = h.mutable_ops()[reads[reads.size() / 2]];
  op.result = lin::Value::Str(absl::StrCat(op.result.is_string() ? op.result.str() : "", "#never"));
  return true;
}

TEST(HistoryFilesTest, NamesSayCellSeedAndMode) {
  EXPECT_EQ(HistoryFileName({"rolling_upgrade", "v1", "v3+votetwice"}, 7, Mode::kFull),
            "rolling_upgrade__v1_v3+votetwice__seed7__full.edn");
}

TEST(HistoryFilesTest, LincheckAgreesWithTheMatrix) {
  const std::vector<Written> runs = RunAndKeep();
  ASSERT_EQ(runs.size(), 12u);  // 3 scenarios x 2 pairs x 2 seeds
  int corrupted = 0;
  for (const Written& w : runs) {
    SCOPED_TRACE(absl::StrCat(w.cell.Name(), " seed ", w.seed));
    ASSERT_TRUE(w.run.lin.checked);
    ASSERT_FALSE(w.run.history.empty());
    const std::string text = HistoryFileText(w.cell, w.seed, Mode::kFast, w.run, w.verdict);
    EXPECT_TRUE(absl::StartsWith(text, absl::StrCat("; raftcert matrix history: ", w.cell.Name(),
                                                    ", seed ", w.seed, ", fast mode\n")));
    EXPECT_TRUE(absl::StrContains(text, ":value [")) << "not in tuple form";
    const lin::CheckResult r = ReadBack(w, w.run.history.size());
    EXPECT_EQ(r.verdict, MatrixVerdict(w.run.lin)) << w.run.lin.detail;
    EXPECT_EQ(r.max_search_states, w.run.lin.max_search_states);

    Written bad = w;
    if (!CorruptARead(bad.run.history)) continue;
    ++corrupted;
    bad.run.lin = sim::CheckHistory(bad.run.history);
    ASSERT_EQ(MatrixVerdict(bad.run.lin), lin::Verdict::kNotLinearizable) << bad.run.lin.detail;
    const lin::CheckResult rb = ReadBack(bad, bad.run.history.size());
    EXPECT_EQ(rb.verdict, lin::Verdict::kNotLinearizable);
    EXPECT_TRUE(absl::StrContains(bad.run.lin.detail, absl::StrCat("; key ", rb.window_key.ToEdn(),
                                                                   " fails at time ",
                                                                   rb.window_cut_time / 1000)))
        << bad.run.lin.detail;
  }
  EXPECT_GE(corrupted, 10);
}

TEST(HistoryFilesTest, WritesIntoANewDirectory) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/histories/a/b");
  ASSERT_TRUE(MakeHistoryDir(dir).ok());
  RunResult run;
  run.history.Complete(run.history.Invoke(1, lin::OpKind::kPut, lin::Value::Str("k"),
                                          lin::Value::Str("v"), 10),
                       lin::Outcome::kOk, 20);
  ASSERT_TRUE(WriteHistoryFile(dir, {"s", "v1", "v2"}, 1, Mode::kFast, run, SeedVerdict()).ok());
  absl::StatusOr<lin::History> h = lin::ReadEdnHistoryFile(dir + "/s__v1_v2__seed1__fast.edn");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].key, lin::Value::Str("k"));
  EXPECT_EQ((*h)[0].complete_time, 20000);
  EXPECT_FALSE(WriteHistoryFile("/nonexistent/dir", {"s", "v1", "v2"}, 1, Mode::kFast, run,
                                SeedVerdict())
                   .ok());
}

}  // namespace
}  // namespace raftlog::runner
