// Proof of teeth for the random walks: the default walks of walks_test, with
// the very same options, find each test-only canary of the head release, and
// the shrunk path replays exactly to a violation of the same checker (as
// //matrix:explore -- --replay prints it). The good release passes the same
// walks (walks_test). Canaries aimed at the head release's features:
// learners, joint consensus, snapshot install, reads, votes, replication.
#include <string>

#include "gtest/gtest.h"
#include "matrix/explore/recording.h"
#include "matrix/explore/test_util.h"
#include "matrix/explore/walk.h"

namespace raftlog::explore {
namespace {

struct Case {
  std::string canary;   // "v3+..."
  bool five_nodes;      // FiveNodeWalks, else FromScratchWalks
  std::string checker;  // the violation the walks must meet
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.canary; }

class WalkCanaries : public ::testing::TestWithParam<Case> {};

TEST_P(WalkCanaries, FoundShrunkAndReplayed) {
  const Case& c = GetParam();
  WalkOptions o =
      c.five_nodes ? testing::FiveNodeWalks(c.canary) : testing::FromScratchWalks(c.canary);
  absl::StatusOr<WalkResult> r = RandomWalks(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->verdict, Verdict::kViolation) << "no violation in " << r->walks << " walks";
  ASSERT_FALSE(r->violations.empty());
  EXPECT_EQ(r->violations[0].checker, c.checker) << check::ViolationString(r->violations[0]);
  EXPECT_LE(r->path.size(), o.prefix.size() + r->walk_length);
  std::printf("%s: walk %llu of %llu violated after %zu choices; shrunk to %zu (%d replays): %s\n",
              c.canary.c_str(), static_cast<unsigned long long>(r->violating_walk),
              static_cast<unsigned long long>(o.walks), r->walk_length,
              r->path.size() - o.prefix.size(), r->shrink_replays,
              check::ViolationString(r->violations[0]).c_str());

  std::optional<testing::FileReplay> replay = testing::ReplayThroughAFile(o.bounds, r->path);
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->result.first_violation_at, static_cast<int>(r->path.size()))
      << replay->result.trace;
  ASSERT_FALSE(replay->result.violations.empty());
  EXPECT_EQ(check::ViolationString(replay->result.violations[0]),
            check::ViolationString(r->violations[0]));
}

INSTANTIATE_TEST_SUITE_P(
    HeadRelease, WalkCanaries,
    ::testing::Values(Case{"v3+snapconfig", true, "config_agreement"},
                      Case{"v3+learnercommit", true, "commitment"},
                      Case{"v3+jointnew", true, "commitment"},
                      Case{"v3+leaveearly", true, "leader_completeness"},
                      Case{"v3+stalelocal", true, "read_leadership"},
                      Case{"v3+readnoquorum", true, "read_leadership"},
                      Case{"v3+noadmission", false, "admission_bound"},
                      Case{"v3+staletruncate", true, "log_shortening"},
                      Case{"v3+votenocheck", false, "leader_completeness"},
                      Case{"v3+votetwice", false, "election_safety"},
                      Case{"v3+noprevcheck", false, "log_matching"}),
    [](const ::testing::TestParamInfo<Case>& i) { return i.param.canary.substr(3); });

}  // namespace
}  // namespace raftlog::explore
