#include "matrix/runner/coverage.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

std::set<std::string> Names(const std::vector<FeaturePath>& t) {
  std::set<std::string> out;
  for (const FeaturePath& p : t) out.insert(p.counter);
  return out;
}

TEST(FeaturePaths, EachReleaseHasATableThatGrowsWithIt) {
  ASSERT_EQ(TagsWithFeaturePaths(), (std::vector<std::string>{"v1", "v2", "v3"}));
  const std::set<std::string> v1 = Names(*FeaturePathsOf("v1"));
  const std::set<std::string> v2 = Names(*FeaturePathsOf("v2"));
  const std::set<std::string> v3 = Names(*FeaturePathsOf("v3"));
  for (const std::string& c : v1) EXPECT_TRUE(v2.count(c)) << c << " lost in v2";
  for (const std::string& c : v2) EXPECT_TRUE(v3.count(c)) << c << " lost in v3";
  EXPECT_TRUE(v1.count("elections_started"));
  EXPECT_FALSE(v1.count("pre_votes_started")) << "v1 has no pre-vote";
  EXPECT_TRUE(v2.count("pre_votes_started"));
  EXPECT_TRUE(v3.count("joint_entered"));
  EXPECT_TRUE(v3.count("auth_drops_forged"));
  for (const std::string& tag : TagsWithFeaturePaths()) {
    const std::vector<FeaturePath>& t = *FeaturePathsOf(tag);
    EXPECT_EQ(Names(t).size(), t.size()) << tag << " names a path twice";
    for (const FeaturePath& p : t) EXPECT_FALSE(p.meaning.empty()) << tag << " " << p.counter;
    // Defect-only counters are not paths a healthy run must reach.
    for (const char* defect : {"committed_overwrite_refused", "second_leader_in_term",
                               "unknown_snapshot_formats", "decode_errors", "unknown_message_types"}) {
      EXPECT_FALSE(Names(t).count(defect)) << tag << " " << defect;
    }
  }
}

TEST(FeaturePaths, ACanaryUsesItsBaseTableAndAnUnknownTagHasNone) {
  EXPECT_EQ(BaseTag("v3+stale_read"), "v3");
  EXPECT_EQ(BaseTag("v2"), "v2");
  EXPECT_EQ(FeaturePathsOf("v3+stale_read"), FeaturePathsOf("v3"));
  EXPECT_EQ(FeaturePathsOf("v9"), nullptr);
}

TEST(CellCoverage, CreditsEachReleaseOnlyWithItsOwnNodesCounts) {
  CountersByRelease counters;
  counters["v2"]["elections_started"] = 3;
  counters["v2"]["pre_votes_started"] = 5;
  counters["v3"]["elections_started"] = 1;
  counters["v3"]["decode_errors"] = 9;  // not a path
  std::vector<ReleaseCoverage> rc = CellCoverage({"rolling_upgrade", "v2", "v3"}, counters);
  ASSERT_EQ(rc.size(), 2u);
  EXPECT_EQ(rc[0].tag, "v2");
  EXPECT_EQ(rc[0].exercised(), 2u);
  EXPECT_EQ(rc[1].tag, "v3");
  EXPECT_EQ(rc[1].exercised(), 1u) << "v2's pre-votes are not v3's";
  EXPECT_EQ(rc[1].paths.size(), FeaturePathsOf("v3")->size());
  EXPECT_EQ(rc[1].unexercised().size(), rc[1].paths.size() - 1);
  // A release that ran in the cell without being its from or to tag (the
  // middle hop of multi_hop) is listed too, oldest first.
  counters["v1"]["elections_started"] = 1;
  rc = CellCoverage({"multi_hop", "v2", "v3"}, counters);
  ASSERT_EQ(rc.size(), 3u);
  EXPECT_EQ(rc[0].tag, "v1");
}

MatrixResult RunOver(const std::vector<std::pair<std::string, std::string>>& pairs) {
  MatrixResult m;
  m.pairs = pairs;
  for (const auto& [a, b] : pairs) {
    CellResult c;
    c.key = {"rolling_upgrade", a, b};
    m.cells.push_back(c);
  }
  return m;
}

TEST(RunCoverage, ListsEveryPathNoCellExercised) {
  MatrixResult m = RunOver({{"v1", "v1"}, {"v1", "v2"}});
  // Every v1 path but one, in one cell or the other; v2 only elections.
  const std::vector<FeaturePath>& v1 = *FeaturePathsOf("v1");
  for (size_t i = 0; i + 1 < v1.size(); ++i) {
    m.cells[i % 2].telemetry.counters_by_release["v1"][v1[i].counter] = 1;
  }
  m.cells[1].telemetry.counters_by_release["v2"]["elections_started"] = 2;
  RunCoverage rc = SummarizeCoverage(m);
  ASSERT_EQ(rc.releases.size(), 2u);
  EXPECT_EQ(rc.releases[0].exercised(), v1.size() - 1);
  EXPECT_EQ(rc.releases[1].exercised(), 1u);
  EXPECT_FALSE(rc.complete());
  const std::vector<std::string> gaps = rc.Gaps();
  EXPECT_EQ(gaps.size(), 1 + FeaturePathsOf("v2")->size() - 1);
  EXPECT_EQ(gaps[0], "v1 " + v1.back().counter + ": " + v1.back().meaning);
  const std::string line = rc.Line();
  EXPECT_TRUE(absl::StrContains(line, absl::StrCat("v1 ", v1.size() - 1, "/", v1.size()))) << line;
  EXPECT_TRUE(absl::StrContains(line, "never exercised: v1 " + v1.back().counter)) << line;
  EXPECT_TRUE(absl::StrContains(line, "v2 pre_votes_started")) << line;
  EXPECT_FALSE(absl::StrContains(line, "v2 elections_started")) << line;
}

TEST(RunCoverage, CompleteWhenEveryPathMovedAndNotWithoutATable) {
  MatrixResult m = RunOver({{"v2", "v3"}});
  for (const char* tag : {"v2", "v3"}) {
    for (const FeaturePath& p : *FeaturePathsOf(tag)) {
      m.cells[0].telemetry.counters_by_release[tag][p.counter] = 1;
    }
  }
  RunCoverage rc = SummarizeCoverage(m);
  EXPECT_TRUE(rc.complete());
  EXPECT_EQ(rc.exercised(), rc.paths());
  EXPECT_TRUE(absl::StrContains(rc.Line(), "every path exercised")) << rc.Line();
  RunCoverage other = SummarizeCoverage(RunOver({{"v3", "v9"}}));
  EXPECT_FALSE(other.complete());
  const std::vector<std::string> gaps = other.Gaps();
  ASSERT_FALSE(gaps.empty());
  EXPECT_TRUE(absl::StrContains(gaps.back(), "v9: no feature-path table")) << gaps.back();
}

}  // namespace
}  // namespace raftlog::runner
