#include "matrix/runner/cli.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

TEST(Regressions, ParsesCasesAndRejectsBadLines) {
  auto ok = ParseRegressions(
      "# comment\n\nsnap_lag  snapshot_exchange v1:v2 17\nflaps leader_flaps v1:v1 3 full  # why\n",
      "r.txt");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].name, "snap_lag");
  EXPECT_EQ((*ok)[0].to, "v2");
  EXPECT_EQ((*ok)[0].seed, 17u);
  EXPECT_EQ((*ok)[0].mode, Mode::kFast);
  EXPECT_EQ((*ok)[1].mode, Mode::kFull);
  EXPECT_EQ((*ok)[1].line, 4);
  struct Bad {
    const char* text;
    const char* error;
  } bad[] = {
      {"a rolling_upgrade v1:v1\n", "r.txt:1: expected"},
      {"a nope v1:v1 1\n", "unknown scenario 'nope'"},
      {"a rolling_upgrade v1-v1 1\n", "expected <from>:<to>"},
      {"a rolling_upgrade v1:v1 0\n", "bad seed '0'"},
      {"a rolling_upgrade v1:v1 x\n", "bad seed 'x'"},
      {"a rolling_upgrade v1:v1 1 slow\n", "unknown mode 'slow'"},
      {"a rolling_upgrade v1:v1 1\na leader_flaps v1:v1 2\n", "r.txt:2: case 'a' named twice"},
  };
  for (const Bad& b : bad) {
    auto r = ParseRegressions(b.text, "r.txt");
    ASSERT_FALSE(r.ok()) << b.text;
    EXPECT_TRUE(absl::StrContains(r.status().message(), b.error)) << r.status();
  }
}

std::vector<std::string> AllCells(const std::vector<std::string>& tags) {
  std::vector<std::string> cells;
  for (const Scenario& s : AllScenarios()) {
    for (size_t i = 0; i < tags.size(); ++i) {
      for (size_t j = i; j < tags.size(); ++j) cells.push_back(s.name + "/" + tags[i] + "/" + tags[j]);
    }
  }
  return cells;
}

TEST(VerifyCells, NamesTheRegisteredTagThatHasNoCells) {
  EXPECT_TRUE(VerifyCells(AllCells({"v1", "v2"}), {"v1", "v2"}).ok());
  absl::Status s = VerifyCells(AllCells({"v1"}), {"v1", "v2"});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "registered tag v2 has no cells: add \"v2\" to TAGS"))
      << s.message();
  absl::Status extra = VerifyCells(AllCells({"v1", "v2"}), {"v1"});
  ASSERT_FALSE(extra.ok());
  EXPECT_TRUE(absl::StrContains(extra.message(), "cells for unregistered tags")) << extra.message();
  std::vector<std::string> one_missing = AllCells({"v1"});
  one_missing.pop_back();
  EXPECT_TRUE(absl::StrContains(VerifyCells(one_missing, {"v1"}).message(), "missing cells"));
}

TEST(Flags, DashedNamesBecomeUnderscored) {
  std::vector<std::string> in = {"runner", "--dry-run", "--shrink-runs=3", "--out=a-b", "-x", "--",
                                 "--keep-me"};
  std::vector<std::string> want = {"runner", "--dry_run", "--shrink_runs=3", "--out=a-b", "-x", "--",
                                   "--keep-me"};
  EXPECT_EQ(NormalizeFlagNames(in), want);
}

}  // namespace
}  // namespace raftlog::runner
