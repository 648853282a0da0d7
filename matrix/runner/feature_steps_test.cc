// The steps that exercise release v3's features (joint consensus, learner
// promotion, stale reads) on the real releases, and how the verdict names
// the outcomes those steps and the election step check.
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "matrix/runner/driver.h"
#include "matrix/runner/verdict.h"
#include "matrix/sim/releases.h"

namespace raftlog::runner {
namespace {

RunResult RunCell(const char* scenario, const char* from, const char* to, uint64_t seed) {
  auto p = Compile(scenario, from, to, seed, Mode::kFast);
  EXPECT_TRUE(p.ok()) << p.status();
  ExecOptions o;
  o.find_release = &sim::FindSimRelease;
  return Execute(*p, o);
}

std::vector<const StepRecord*> All(const RunResult& r, StepKind kind) {
  std::vector<const StepRecord*> out;
  for (const StepRecord& s : r.steps) {
    if (s.step.kind == kind) out.push_back(&s);
  }
  return out;
}

// Mixed: refused as expected (gated). After finalize to 3: every change is
// reported by every live member, the crash and the cut included.
TEST(FeatureSteps, JointConsensusIsGatedWhileMixedAndVerifiedAfterFinalize) {
  RunResult r = RunCell("joint_mixed", "v2", "v3", 1);
  std::vector<const StepRecord*> changes = All(r, StepKind::kChangeConfig);
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[0]->result, StepResult::kNotSupported) << changes[0]->detail;
  EXPECT_TRUE(absl::StrContains(changes[0]->detail, "refused as expected")) << changes[0]->detail;
  // Whichever release leads refuses: v3 by the cluster-version gate, v2 as unknown.
  EXPECT_TRUE(absl::StrContains(changes[0]->detail, "cluster version 3") ||
              absl::StrContains(changes[0]->detail, "UNIMPLEMENTED"))
      << changes[0]->detail;
  for (size_t i = 1; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i]->result, StepResult::kOk) << i << ": " << changes[i]->detail;
    EXPECT_TRUE(absl::StrContains(changes[i]->detail, "every live member reports"))
        << changes[i]->detail;
  }
  SeedVerdict v = Judge(r, /*supported=*/true);
  EXPECT_EQ(v.outcome, SeedOutcome::kPass) << absl::StrJoin(v.reasons, "; ");
}

TEST(FeatureSteps, WithoutJointConsensusEveryChangeIsACleanRefusal) {
  RunResult r = RunCell("joint_mixed", "v1", "v2", 1);
  for (const StepRecord* s : All(r, StepKind::kChangeConfig)) {
    EXPECT_EQ(s->result, StepResult::kNotSupported) << s->number << ": " << s->detail;
  }
  SeedVerdict v = Judge(r, /*supported=*/true);
  EXPECT_EQ(v.outcome, SeedOutcome::kPass) << absl::StrJoin(v.reasons, "; ");
}

// The cut-off learner is refused while behind, promoted once healed, and
// then applies the leader's commit index.
TEST(FeatureSteps, ALearnerCutOffDuringItsPromotionIsRefusedUntilItCatchesUp) {
  RunResult r = RunCell("learners_mixed", "v2", "v3", 1);
  for (const StepRecord* s : All(r, StepKind::kAddLearner)) {
    EXPECT_EQ(s->result, StepResult::kOk) << s->number << ": " << s->detail;
  }
  std::vector<const StepRecord*> cut = All(r, StepKind::kPromoteCut);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0]->result, StepResult::kOk) << cut[0]->detail;
  EXPECT_FALSE(absl::StrContains(cut[0]->detail, "refused 0 time(s)")) << cut[0]->detail;
  const StepRecord& after = r.steps[cut[0]->number];  // the catch-up right after
  ASSERT_EQ(after.step.kind, StepKind::kCatchUp);
  EXPECT_EQ(after.result, StepResult::kOk) << after.detail;
  SeedVerdict v = Judge(r, /*supported=*/true);
  EXPECT_EQ(v.outcome, SeedOutcome::kPass) << absl::StrJoin(v.reasons, "; ");
}

TEST(FeatureSteps, StaleReadsAreCheckedApartFromLinearizability) {
  RunResult r = RunCell("reads_mixed", "v2", "v3", 2);
  EXPECT_TRUE(absl::StrContains(r.verdicts, "stale_reads: ok")) << r.verdicts;
  EXPECT_TRUE(r.lin.checked && r.lin.linearizable) << r.lin.detail;
  RunResult plain = RunCell("rolling_upgrade", "v2", "v3", 2);
  EXPECT_FALSE(absl::StrContains(plain.verdicts, "stale_reads")) << plain.verdicts;
}

RunResult CleanWith(StepKind kind, StepResult result) {
  RunResult r;
  r.read_back_done = true;
  r.lin.checked = true;
  r.lin.linearizable = true;
  StepRecord s;
  s.number = 4;
  s.step.kind = kind;
  s.step.note = "new leader, old followers";
  s.result = result;
  s.detail = "leader is n2@v1 after 3 round(s)";
  r.steps.push_back(s);
  return r;
}

TEST(FeatureSteps, AnElectionThatMissedItsTopologyIsANamedRedOutcome) {
  SeedVerdict v = Judge(CleanWith(StepKind::kElect, StepResult::kNotAchieved), true);
  EXPECT_EQ(v.outcome, SeedOutcome::kFail);
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_TRUE(absl::StrContains(v.reasons[0], "topology not reached")) << v.reasons[0];
  EXPECT_TRUE(absl::StrContains(v.reasons[0], "new leader, old followers")) << v.reasons[0];
  // A split vote that found no voter stays a note.
  SeedVerdict s = Judge(CleanWith(StepKind::kSplitVote, StepResult::kNotAchieved), true);
  EXPECT_EQ(s.outcome, SeedOutcome::kPass);
}

TEST(FeatureSteps, AWrongOutcomeIsRedWhateverThePolicySays) {
  for (bool supported : {true, false}) {
    SeedVerdict v = Judge(CleanWith(StepKind::kChangeConfig, StepResult::kWrongOutcome), supported);
    EXPECT_EQ(v.outcome, SeedOutcome::kFail) << supported;
    ASSERT_FALSE(v.reasons.empty());
    EXPECT_TRUE(absl::StrContains(v.reasons[0], "wrong outcome")) << v.reasons[0];
  }
}

}  // namespace
}  // namespace raftlog::runner
