#include "matrix/runner/verdict.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

RunResult Clean() {
  RunResult r;
  r.read_back_done = true;
  r.lin.checked = true;
  r.lin.linearizable = true;
  return r;
}

StepRecord StepWith(StepKind kind, StepResult result, std::string detail) {
  StepRecord s;
  s.number = 7;
  s.step.kind = kind;
  s.result = result;
  s.detail = std::move(detail);
  return s;
}

TEST(Judge, CleanRunPassesWhenSupportedAndIsAnUnexpectedGreenOtherwise) {
  RunResult r = Clean();
  r.steps.push_back(StepWith(StepKind::kFinalize, StepResult::kNotSupported, "v1 has none"));
  SeedVerdict s = Judge(r, true);
  EXPECT_EQ(s.outcome, SeedOutcome::kPass);
  EXPECT_TRUE(s.matches_policy);
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_TRUE(absl::StrContains(s.notes[0], "not supported"));
  SeedVerdict u = Judge(r, false, "snapshot_exchange for v1 -> v2");
  EXPECT_EQ(u.outcome, SeedOutcome::kGreen);
  EXPECT_FALSE(u.matches_policy);
  EXPECT_TRUE(absl::StrContains(u.reasons[0], "snapshot_exchange for v1 -> v2"));
}

TEST(Judge, SafetyAndLinearizabilityAreRedWhateverThePolicySays) {
  RunResult r = Clean();
  r.safety_violations = 2;
  r.violations.push_back({"durability", 1'500'000, "acknowledged write lost", false});
  r.refusals.push_back({1, 2, "v2", absl::FailedPreconditionError("newer data")});
  for (bool supported : {true, false}) {
    SeedVerdict v = Judge(r, supported);
    EXPECT_EQ(v.outcome, SeedOutcome::kFail);
    EXPECT_FALSE(v.matches_policy);
    EXPECT_TRUE(absl::StrContains(v.reasons[0], "safety: 2 violation(s)")) << v.reasons[0];
    EXPECT_TRUE(absl::StrContains(v.first_violation, "durability")) << v.first_violation;
  }
  RunResult l = Clean();
  l.lin.linearizable = false;
  l.lin.detail = "key k3: no linearization";
  for (bool supported : {true, false}) {
    EXPECT_EQ(Judge(l, supported).outcome, SeedOutcome::kFail);
  }
  RunResult lost = Clean();
  lost.read_back_done = false;
  EXPECT_EQ(Judge(lost, false).outcome, SeedOutcome::kFail);
  EXPECT_TRUE(absl::StrContains(Judge(lost, true).reasons[0], "read-back incomplete"));
}

TEST(Judge, RefusalsMatchAnUnsupportedCellOnly) {
  RunResult r = Clean();
  r.refusals.push_back({1, 2, "v1", absl::UnimplementedError("snapshot format 2")});
  r.decode_errors[{"v2", "v1", "AppendEntries"}] = 3;
  r.steps.push_back(StepWith(StepKind::kCheck, StepResult::kStalled, "nothing committed"));
  SeedVerdict u = Judge(r, false);
  EXPECT_EQ(u.outcome, SeedOutcome::kRefused);
  EXPECT_TRUE(u.matches_policy);
  EXPECT_EQ(u.refusals.size(), 2u);
  EXPECT_TRUE(absl::StrContains(u.refusals[1], "3 message(s) rejected: v2 -> v1 AppendEntries"));
  // Stalls after a refusal are expected: a note, not a failure.
  EXPECT_TRUE(absl::StrContains(u.notes.back(), "stalled"));
  SeedVerdict s = Judge(r, true);
  EXPECT_EQ(s.outcome, SeedOutcome::kFail);
  EXPECT_TRUE(absl::StrContains(s.reasons[0], "refused although the policy supports it"));
}

TEST(Judge, ALivenessLossWithoutARefusalIsRedEitherWay) {
  RunResult r = Clean();
  r.steps.push_back(StepWith(StepKind::kCatchUp, StepResult::kStalled, "n3 applied 10 < 400"));
  SeedVerdict s = Judge(r, true);
  EXPECT_EQ(s.outcome, SeedOutcome::kFail);
  EXPECT_TRUE(absl::StrContains(s.reasons[0], "step 7 (catch_up) stalled"));
  SeedVerdict u = Judge(r, false);
  EXPECT_EQ(u.outcome, SeedOutcome::kFail);
  EXPECT_TRUE(absl::StrContains(u.reasons[0], "neither served nor refused"));
  RunResult l = Clean();
  l.liveness_violations = 1;
  l.violations.push_back({"liveness", 9'000'000, "no commit within 8s of healing", true});
  EXPECT_EQ(Judge(l, true).outcome, SeedOutcome::kFail);
}

TEST(Judge, AnExhaustedLinearizabilitySearchIsUnknownNeverAPass) {
  RunResult r = Clean();
  r.lin.unknown = true;
  r.lin.detail = "unknown, 900 ops over 8 keys; budget exhausted: key \"k3\": state budget exhausted";
  SeedVerdict s = Judge(r, /*supported=*/true);
  EXPECT_EQ(s.outcome, SeedOutcome::kUnknown);
  EXPECT_FALSE(s.matches_policy);
  ASSERT_FALSE(s.reasons.empty());
  EXPECT_TRUE(absl::StrContains(s.reasons[0], "linearizability unknown")) << s.reasons[0];
  EXPECT_TRUE(absl::StrContains(s.reasons[0], "key \"k3\"")) << s.reasons[0];
  ASSERT_FALSE(s.notes.empty());
  EXPECT_TRUE(absl::StrContains(s.notes[0], "would be: pass")) << s.notes[0];
  EXPECT_STREQ(SeedOutcomeName(s.outcome), "unknown");
  // A clean refusal of an unsupported cell is not "nothing lost" either.
  RunResult refused = r;
  refused.refusals.push_back({1, 2, "v1", absl::UnimplementedError("snapshot format 2")});
  EXPECT_EQ(Judge(refused, false).outcome, SeedOutcome::kUnknown);
  // Nor is a green one a proof that the policy is stale.
  EXPECT_EQ(Judge(r, false).outcome, SeedOutcome::kUnknown);
  // Red stays red.
  RunResult red = r;
  red.safety_violations = 1;
  red.violations.push_back({"durability", 1'000, "acknowledged write lost", false});
  EXPECT_EQ(Judge(red, true).outcome, SeedOutcome::kFail);
  // Not checked at all (--lin=false) is not unknown: nothing was attempted.
  RunResult off = r;
  off.lin.checked = false;
  EXPECT_EQ(Judge(off, true).outcome, SeedOutcome::kPass);
}

TEST(Aggregate, AnUnknownSeedMakesTheCellUnknownUnlessSomethingIsRed) {
  SeedVerdict pass, refused, green, fail, unknown;
  refused.outcome = SeedOutcome::kRefused;
  green.outcome = SeedOutcome::kGreen;
  green.matches_policy = false;
  fail.outcome = SeedOutcome::kFail;
  fail.matches_policy = false;
  unknown.outcome = SeedOutcome::kUnknown;
  unknown.matches_policy = false;
  CellVerdict c = Aggregate({pass, unknown, pass}, true);
  EXPECT_EQ(c.status, CellStatus::kUnknown);
  EXPECT_EQ(c.matching, 2);
  EXPECT_FALSE(CellOk(c.status)) << "UNKNOWN never matches the policy";
  EXPECT_STREQ(CellStatusName(c.status), "UNKNOWN");
  EXPECT_EQ(Aggregate({unknown, fail}, true).status, CellStatus::kFail);
  EXPECT_EQ(Aggregate({refused, unknown}, false).status, CellStatus::kUnknown);
  EXPECT_EQ(Aggregate({refused, unknown, green}, false).status, CellStatus::kUnexpectedGreen);
  EXPECT_EQ(Aggregate({unknown, refused}, true).status, CellStatus::kFail);
}

TEST(ExitCode, UnknownHasItsOwnNonZeroStatusBelowAMismatch) {
  EXPECT_EQ(ExitCodeFor({CellStatus::kPass, CellStatus::kRefused}), kExitOk);
  EXPECT_EQ(ExitCodeFor({CellStatus::kPass, CellStatus::kUnknown}), kExitUnknown);
  EXPECT_EQ(ExitCodeFor({CellStatus::kUnknown, CellStatus::kFail}), kExitMismatch);
  EXPECT_EQ(ExitCodeFor({CellStatus::kUnexpectedGreen, CellStatus::kUnknown}), kExitMismatch);
  EXPECT_NE(kExitUnknown, kExitOk);
  EXPECT_NE(kExitUnknown, kExitMismatch);
  EXPECT_NE(kExitUnknown, kExitUsage);
  EXPECT_EQ(ExitCodeFor({}), kExitOk);
}

TEST(Aggregate, FoldsSeedsIntoCellStatuses) {
  SeedVerdict pass, refused, green, fail;
  refused.outcome = SeedOutcome::kRefused;
  green.outcome = SeedOutcome::kGreen;
  green.matches_policy = false;
  fail.outcome = SeedOutcome::kFail;
  fail.matches_policy = false;
  CellVerdict c = Aggregate({pass, pass, pass}, true);
  EXPECT_EQ(c.status, CellStatus::kPass);
  EXPECT_EQ(c.matching, 3);
  c = Aggregate({pass, fail, pass}, true);
  EXPECT_EQ(c.status, CellStatus::kFail);
  EXPECT_EQ(c.matching, 2);
  refused.matches_policy = true;
  EXPECT_EQ(Aggregate({refused, refused}, false).status, CellStatus::kRefused);
  EXPECT_EQ(Aggregate({refused, green}, false).status, CellStatus::kUnexpectedGreen);
  EXPECT_EQ(Aggregate({refused, green, fail}, false).status, CellStatus::kFail);
  EXPECT_TRUE(CellOk(CellStatus::kRefused));
  EXPECT_FALSE(CellOk(CellStatus::kUnexpectedGreen));
  EXPECT_STREQ(CellStatusName(CellStatus::kRefused), "REFUSED-as-expected");
}

}  // namespace
}  // namespace raftlog::runner
