// Proof of teeth: the exploration finds each test-only canary within small
// bounds, the recorded path replays to the same violation, and the good base
// release stays safe within the same bounds.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/explore/recording.h"
#include "matrix/explore/search.h"
#include "matrix/explore/test_util.h"

namespace raftlog::explore {
namespace {

using testing::FromOpening;
using testing::Membership;
using testing::ReadTestRecording;
using testing::Tight;
using testing::TwoLeaders;

// Searches, expects a violation of `checker`, and replays the recorded path.
void ExpectFoundAndReplayed(const SearchOptions& o, const std::string& checker) {
  absl::StatusOr<SearchResult> r = Search(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->verdict, Verdict::kViolation) << r->stopped_by << " at depth " << r->depth_reached;
  ASSERT_FALSE(r->violations.empty());
  EXPECT_EQ(r->violations[0].checker, checker) << check::ViolationString(r->violations[0]);
  // Iterative deepening: the path is as short as any violating path, so the
  // search's last iteration is the path's own length.
  EXPECT_EQ(r->path.size(), o.prefix.size() + r->depth_limit);

  std::optional<testing::FileReplay> replay = testing::ReplayThroughAFile(o.bounds, r->path);
  ASSERT_TRUE(replay.has_value());
  // The replay meets the violation by the path's last choice. It may meet it
  // earlier: a checker that judges a transition (commitment compares the
  // configuration a step began with to the one it ended with) can fire on a
  // state the search's state cache first reached by another path, where the
  // same state came by a step that broke nothing.
  EXPECT_GE(replay->result.first_violation_at, 1);
  EXPECT_LE(replay->result.first_violation_at, static_cast<int>(r->path.size()))
      << replay->result.trace;
  ASSERT_FALSE(replay->result.violations.empty());
  EXPECT_EQ(check::ViolationString(replay->result.violations[0]),
            check::ViolationString(r->violations[0]));
  // What //matrix/sim:simulate --choices=FILE prints for the recording: the
  // same violation, in the trace and in the verdict, at the same choice.
  const std::string report = SimulatorReport("found.txt", replay->recording, replay->result);
  const std::string violation = check::ViolationString(r->violations[0]);
  EXPECT_NE(report.find("\n" + violation + "\n"), std::string::npos) << report;
  EXPECT_NE(report.find(" violation " + violation), std::string::npos) << report;
  EXPECT_NE(report.find(absl::StrCat("FAIL: first safety violation at choice ",
                                     replay->result.first_violation_at)),
            std::string::npos)
      << report;
}

void ExpectSafe(SearchOptions o, const std::string& base_tag) {
  for (std::string& t : o.bounds.tags) t = base_tag;
  absl::StatusOr<SearchResult> r = Search(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->verdict, Verdict::kSafe) << r->stopped_by;
  for (const check::Violation& v : r->violations) ADD_FAILURE() << check::ViolationString(v);
}

// v2+vote forgets its vote across a crash: found from the initial state.
SearchOptions VoteBounds() {
  SearchOptions o;
  o.bounds = Tight({"v2+vote", "v2+vote", "v2+vote"}, 8);
  o.bounds.timeouts = 2;
  o.bounds.crashes = 1;
  return o;
}
TEST(Canaries, VoteForgottenAcrossCrash) {
  ExpectFoundAndReplayed(VoteBounds(), "election_safety");
}
TEST(Canaries, VoteControlV2IsSafe) { ExpectSafe(VoteBounds(), "v2"); }

// v2+ack acknowledges AppendEntries before syncing: found once node 1 leads
// (from the initial state it takes 10 choices, too slow for a unit test).
SearchOptions AckBounds() {
  SearchOptions o;
  o.bounds = Tight({"v2+ack", "v2+ack", "v2+ack"}, 7);
  o.bounds.timeouts = 2;  // one spent by the opening
  o.bounds.crashes = 1;
  o.prefix = *ParseChoices(
      "tick 1\n"
      "deliver 1->2 RequestVote\n"
      "deliver 2->1 RequestVoteResponse\n");
  return o;
}
TEST(Canaries, AckBeforeSync) {
  ASSERT_EQ(AckBounds().prefix.size(), 3u);
  // The commitment checker names it first: the index the leader committed is
  // no longer held by a majority once the acknowledging follower crashed.
  ExpectFoundAndReplayed(AckBounds(), "commitment");
}
TEST(Canaries, AckControlV2IsSafe) { ExpectSafe(AckBounds(), "v2"); }

// v1+earlyconfig: from the opening (two leaders, each with a change), the
// search finds how the old leader's uncommitted configuration wins again.
SearchOptions EarlyConfigBounds() {
  Recording opening = ReadTestRecording("earlyconfig_opening.txt");
  SearchOptions o;
  o.bounds = Tight(opening.tags, 6);
  o.bounds.voters = opening.voters;
  o.bounds.election_ticks = opening.election_ticks;
  o.bounds.timeouts = 3;  // two spent by the opening
  o.bounds.membership = 2;
  o.prefix = opening.choices;
  return o;
}
TEST(Canaries, EarlyConfigChange) {
  SearchOptions o = EarlyConfigBounds();
  ASSERT_EQ(o.prefix.size(), 12u);
  ExpectFoundAndReplayed(o, "leader_completeness");
}
TEST(Canaries, EarlyConfigControlV1IsSafe) { ExpectSafe(EarlyConfigBounds(), "v1"); }

// v3+fig8commit: from the Figure 8 opening, the search finds how an entry of
// an earlier term committed by counting replicas is overwritten.
TEST(Canaries, Figure8Commit) {
  Recording opening = ReadTestRecording("fig8commit_opening.txt");
  ASSERT_EQ(opening.choices.size(), 15u);
  SearchOptions o;
  o.bounds = Tight(opening.tags, 6);
  o.bounds.voters = opening.voters;
  o.bounds.election_ticks = opening.election_ticks;
  o.bounds.timeouts = 4;    // three spent by the opening
  o.bounds.client_ops = 2;  // both spent by the opening
  o.prefix = opening.choices;
  ExpectFoundAndReplayed(o, "leader_completeness");
}

// v2+reconfig makes a configuration effective on commit instead of on
// append: the default single-server run (runs_test's Membership bounds, from
// the initial state, no opening) finds a change committed by the old
// configuration alone. runs_test runs the very same bounds on v2: safe.
TEST(Canaries, ReconfigFoundByTheDefaultMembershipRun) {
  SearchOptions o = Membership("v2+reconfig");
  ASSERT_TRUE(o.prefix.empty());
  ExpectFoundAndReplayed(o, "commitment");
}

// v3+jointnew (joint decisions by the new set's majority only) and
// v3+leaveearly (C_new appended before ENTER_JOINT commits): n1 replaces n3
// by n4 and n4 catches up; the search finds n1 committing with {n1,n4} (no
// majority of the old set) and n3 winning an election without that entry.
// Scripted opening: runs_test's Joint bounds (depth 5 after the settled
// cluster version 3 opening) stay safe on both canaries: the damage takes 11
// choices after the opening (the change, 4 deliveries to catch n4 up, two
// timeouts, pre-vote and vote), out of reach of an exhaustive search; the
// opening scripts the change and n4's catching up, the search the rest.
SearchOptions JointCanaryBounds(const std::string& tag) {
  SearchOptions o = FromOpening("v3_cv3_opening.txt", 5, {tag, tag, tag, tag});
  const std::vector<Choice> change = *ParseChoices(
      "joint 1 1,2,4\n"
      "deliver 1->4 AppendEntries\n"
      "deliver 4->1 AppendEntriesResponse\n"
      "deliver 1->4 AppendEntries\n"
      "deliver 4->1 AppendEntriesResponse\n"
      "tick 2\n");
  o.prefix.insert(o.prefix.end(), change.begin(), change.end());
  o.bounds.timeouts = 3;   // two spent by the opening
  o.bounds.finalizes = 1;  // spent by the opening
  o.bounds.membership = 1;  // spent by the opening
  return o;
}
TEST(Canaries, JointNewMajorityOnly) {
  // The commitment checker names it at the step that counted the joint entry
  // with the new set only and left the joint configuration.
  ExpectFoundAndReplayed(JointCanaryBounds("v3+jointnew"), "commitment");
}
TEST(Canaries, LeaveJointEarly) {
  ExpectFoundAndReplayed(JointCanaryBounds("v3+leaveearly"), "leader_completeness");
}
TEST(Canaries, JointControlV3IsSafe) { ExpectSafe(JointCanaryBounds("v3"), "v3"); }

// Reads across a leadership change: runs_test's TwoLeaders bounds (the very
// same; safe on v3) find a deposed leader that answers a read without its
// quorum round (v3+readnoquorum) and one that serves every read from its own
// state (v3+stalelocal).
TEST(Canaries, ReadWithoutQuorumRound) {
  ExpectFoundAndReplayed(TwoLeaders("v3+readnoquorum"), "read_leadership");
}
TEST(Canaries, ReadServedLocally) {
  ExpectFoundAndReplayed(TwoLeaders("v3+stalelocal"), "read_leadership");
}

}  // namespace
}  // namespace raftlog::explore
