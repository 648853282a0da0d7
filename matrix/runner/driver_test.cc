// The driver on real releases (v1 through the registry) and on matrix/sim's
// fakes: a refusing release and a broken one (acknowledges before
// durability).
#include "matrix/runner/driver.h"

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "matrix/runner/shrink.h"
#include "matrix/runner/verdict.h"
#include "matrix/sim/releases.h"

namespace raftlog::runner {
namespace {

ExecOptions Options() {
  ExecOptions o;
  o.find_release = &sim::FindSimRelease;
  return o;
}

ScenarioPlan Plan(const char* scenario, const char* from, const char* to, uint64_t seed) {
  auto p = Compile(scenario, from, to, seed, Mode::kFast);
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

const StepRecord* FirstOf(const RunResult& r, StepKind kind) {
  for (const StepRecord& s : r.steps) {
    if (s.step.kind == kind) return &s;
  }
  return nullptr;
}

// v2's explicit procedure after finalize: the request is accepted at an
// index, every node rewrites its data (cluster version 1, format 1, snapshot
// over the request) before the first v1 binary starts, and v1 then serves.
TEST(Driver, DowngradeProcedureFromV2BringsTheClusterBackToV1) {
  ScenarioPlan p = Plan("downgrade_procedure", "v1", "v2", 1);
  RunResult r = Execute(p, Options());
  const StepRecord* d = FirstOf(r, StepKind::kDowngrade);
  const StepRecord* w = FirstOf(r, StepKind::kAwaitDowngraded);
  ASSERT_NE(d, nullptr);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(d->result, StepResult::kOk) << d->detail;
  EXPECT_TRUE(absl::StrContains(d->detail, "done by")) << d->detail;
  EXPECT_EQ(w->result, StepResult::kOk) << w->detail;
  for (const StepRecord& s : r.steps) {
    if (s.step.kind == StepKind::kUpgrade && s.step.tag == "v1") {
      EXPECT_EQ(s.result, StepResult::kOk) << s.number << ": " << s.detail;
      EXPECT_GE(s.start_us, w->end_us) << "a v1 binary started before the data was rewritten";
    }
  }
  SeedVerdict v = Judge(r, /*supported=*/true);
  EXPECT_EQ(v.outcome, SeedOutcome::kPass) << absl::StrJoin(v.reasons, "; ");
  ASSERT_FALSE(r.version_history.empty());
}

// v1 has no downgrade operation: on a cluster at cluster version 1 there is
// nothing to lower, so the step is a no-op, never a request v1 would refuse.
TEST(Driver, DowngradeProcedureIsANoOpWhereNothingWasRaised) {
  RunResult r = Execute(Plan("downgrade_procedure", "v1", "v1", 2), Options());
  const StepRecord* d = FirstOf(r, StepKind::kDowngrade);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->result, StepResult::kOk);
  EXPECT_TRUE(absl::StrContains(d->detail, "nothing to lower")) << d->detail;
}

// A first stage whose node floods its peers with bytes nobody decodes: the
// gate sees decode errors the baseline did not have, rolls the node back at
// once, stops the rollout, and the cluster goes on committing on <from>.
TEST(Driver, StagedRolloutRollsBackWhenTheFirstStageDegrades) {
  ScenarioPlan p = Plan("staged_rollout", "fake", "fake_noisy", 1);
  RunResult r = Execute(p, Options());
  const StepRecord* gate = FirstOf(r, StepKind::kGate);
  ASSERT_NE(gate, nullptr);
  EXPECT_EQ(gate->result, StepResult::kRefused) << gate->detail;
  EXPECT_TRUE(absl::StrContains(gate->detail, "rollback triggered by: decode errors"))
      << gate->detail;
  ASSERT_EQ(r.rollbacks.size(), 1u);
  EXPECT_TRUE(absl::StrContains(r.rollbacks[0], "fake_noisy->fake")) << r.rollbacks[0];
  bool after_gate = false;
  for (const StepRecord& s : r.steps) {
    if (&s == gate) {
      after_gate = true;
      continue;
    }
    if (!after_gate) continue;
    if (s.step.rollout) EXPECT_EQ(s.result, StepResult::kSkipped) << s.number;
    if (s.step.kind == StepKind::kCheck) EXPECT_EQ(s.result, StepResult::kOk) << s.detail;
  }
  for (const NodeRow& row : r.final_rows) EXPECT_EQ(row.release, "fake") << row.id;
  EXPECT_EQ(r.safety_violations, 0u) << r.verdicts;
  // Declared supported: red; declared unsupported: refused cleanly.
  EXPECT_EQ(Judge(r, /*supported=*/true).outcome, SeedOutcome::kFail);
  EXPECT_EQ(Judge(r, /*supported=*/false).outcome, SeedOutcome::kRefused);
}

TEST(Driver, StagedRolloutOfAHealthyReleaseGoesOn) {
  RunResult r = Execute(Plan("staged_rollout", "v1", "v2", 1), Options());
  const StepRecord* gate = FirstOf(r, StepKind::kGate);
  ASSERT_NE(gate, nullptr);
  EXPECT_EQ(gate->result, StepResult::kOk) << gate->detail;
  EXPECT_TRUE(absl::StartsWith(gate->detail, "healthy: ")) << gate->detail;
  EXPECT_TRUE(r.rollbacks.empty());
  EXPECT_EQ(Judge(r, /*supported=*/true).outcome, SeedOutcome::kPass);
}

TEST(Driver, RollingUpgradeOfV1PassesEveryCheckAndIsDeterministic) {
  ScenarioPlan p = Plan("rolling_upgrade", "v1", "v1", 1);
  RunResult a = Execute(p, Options());
  RunResult b = Execute(p, Options());
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.safety_violations, 0u) << a.verdicts;
  EXPECT_TRUE(a.lin.checked);
  EXPECT_TRUE(a.lin.linearizable) << a.lin.detail;
  EXPECT_TRUE(a.read_back_done);
  ASSERT_EQ(a.steps.size(), p.steps.size());
  for (const StepRecord& s : a.steps) {
    EXPECT_TRUE(s.result == StepResult::kOk || s.result == StepResult::kNotSupported)
        << s.number << ". " << StepString(s.step) << ": " << StepResultName(s.result) << " "
        << s.detail;
    if (s.number > 1) EXPECT_FALSE(s.before.empty()) << s.number;
    EXPECT_FALSE(s.after.empty()) << s.number;
    EXPECT_LE(s.start_us, s.end_us);
  }
  // v1 has no cluster version: finalize is a reported no-op.
  EXPECT_EQ(a.Count(StepResult::kNotSupported), 1u);
  SeedVerdict v = Judge(a, /*supported=*/true);
  EXPECT_EQ(v.outcome, SeedOutcome::kPass);
  EXPECT_TRUE(v.matches_policy);
  ASSERT_FALSE(v.notes.empty());
  EXPECT_TRUE(absl::StrContains(v.notes[0], "not supported by v1/v1")) << v.notes[0];
  EXPECT_FALSE(a.timeline.empty());
  EXPECT_FALSE(a.config_history.empty());
  // The simulation's outcome: the plan's seed, the loop's count, every
  // checker's verdict line but the telemetry sampler's.
  EXPECT_EQ(a.seed, p.seed);
  EXPECT_GT(a.loop_steps, a.trace_events / 2);
  EXPECT_FALSE(a.hit_step_bound);
  EXPECT_FALSE(a.cohorts.empty());
  EXPECT_TRUE(absl::StrContains(a.verdicts, "replica_agreement")) << a.verdicts;
  EXPECT_FALSE(absl::StrContains(a.verdicts, Sampler::kName)) << a.verdicts;
  EXPECT_EQ(a.version_history.size(), 1u);  // cluster version 1 throughout
  // The same plan, declared unsupported: an unexpected green.
  SeedVerdict g = Judge(a, /*supported=*/false, "rolling_upgrade for v1 -> v1");
  EXPECT_EQ(g.outcome, SeedOutcome::kGreen);
  EXPECT_FALSE(g.matches_policy);
  EXPECT_TRUE(absl::StrContains(g.reasons[0], "rolling_upgrade for v1 -> v1")) << g.reasons[0];
}

TEST(Driver, ARefusedUpgradeStopsTheRolloutAndRollsTheNodeBack) {
  ScenarioPlan p = Plan("rolling_upgrade", "v1", "fake_refuse", 2);
  RunResult r = Execute(p, Options());
  EXPECT_EQ(r.safety_violations, 0u) << r.verdicts;
  EXPECT_TRUE(r.read_back_done);
  EXPECT_TRUE(r.rollout_stopped);
  ASSERT_FALSE(r.refusals.empty());
  EXPECT_EQ(r.refusals[0].status.code(), absl::StatusCode::kFailedPrecondition);
  int refused = 0, skipped = 0;
  for (const StepRecord& s : r.steps) {
    if (s.step.kind != StepKind::kUpgrade) continue;
    if (s.result == StepResult::kRefused) {
      ++refused;
      EXPECT_TRUE(absl::StrContains(s.detail, "back on v1")) << s.detail;
    }
    if (s.result == StepResult::kSkipped) ++skipped;
  }
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(skipped, p.nodes - 1);
  for (const NodeRow& row : r.final_rows) {
    EXPECT_EQ(row.release, "v1") << "n" << row.id;
    EXPECT_EQ(row.status, "up") << "n" << row.id;
  }
  SeedVerdict unsupported = Judge(r, false);
  EXPECT_EQ(unsupported.outcome, SeedOutcome::kRefused);
  EXPECT_TRUE(unsupported.matches_policy);
  SeedVerdict supported = Judge(r, true);
  EXPECT_EQ(supported.outcome, SeedOutcome::kFail);
  EXPECT_TRUE(absl::StrContains(supported.reasons[0], "refused although the policy supports it"))
      << supported.reasons[0];
}

// The broken fake acknowledges writes before they are durable: a crash of
// every node loses acknowledged writes. Red whatever the policy says, and
// the shrinker keeps it failing with fewer events.
TEST(Driver, ALostAcknowledgedWriteIsRedWhateverThePolicySays) {
  bool found = false;
  for (uint64_t seed = 1; seed <= 6 && !found; ++seed) {
    ScenarioPlan p = Plan("crash_mid_upgrade", "fake_broken", "fake_broken", seed);
    RunResult r = Execute(p, Options());
    if (!r.safety_failed() && !r.lin_failed()) continue;
    found = true;
    for (bool supported : {true, false}) {
      SeedVerdict v = Judge(r, supported);
      EXPECT_EQ(v.outcome, SeedOutcome::kFail);
      EXPECT_FALSE(v.matches_policy);
    }
    ShrinkOutcome s = ShrinkPlan(p, Options(), 40);
    EXPECT_TRUE(s.reproduced);
    EXPECT_LT(s.events_after, s.events_before);
    EXPECT_TRUE(s.result.safety_failed() || s.result.lin_failed());
    EXPECT_EQ(s.plan.steps.size(), p.steps.size()) << "steps are what the cell is; kept";
  }
  EXPECT_TRUE(found) << "no seed of the broken fake failed";
}

TEST(Driver, MembershipChangesShowInTheConfigurationHistory) {
  ScenarioPlan p = Plan("membership_mixed", "v1", "v1", 3);
  RunResult r = Execute(p, Options());
  EXPECT_EQ(r.safety_violations, 0u) << r.verdicts;
  bool four = false;
  for (const HistoryEvent& e : r.config_history) {
    EXPECT_GT(e.index, 0u) << e.what;
    if (absl::StrContains(e.what, "voters={1,2,3,4}")) four = true;
  }
  EXPECT_TRUE(four);
  int removed = 0;
  for (const NodeRow& row : r.final_rows) removed += row.status == "removed";
  EXPECT_EQ(removed, 2);
  EXPECT_EQ(r.final_rows.size(), 10u);  // n1..n3, n4..n8 joined, n9 and n10 added at once
}

TEST(Driver, ElectionsReachTheAskedTopology) {
  int ok = 0, total = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    RunResult r = Execute(Plan("topologies_3", "v1", "v1", seed), Options());
    for (const StepRecord& s : r.steps) {
      if (s.step.kind != StepKind::kElect) continue;
      ++total;
      ok += s.result == StepResult::kOk;
      if (s.result == StepResult::kOk) {
        // The node asked for leads when the step ends.
        bool leads = false;
        for (const NodeRow& row : s.after) leads |= row.id == s.step.node && row.role == "leader";
        EXPECT_TRUE(leads) << StepString(s.step);
      }
    }
  }
  EXPECT_EQ(total, 12);
  EXPECT_GE(ok, 11);
}

TEST(Driver, ASplitVoteCrashesTheFirstVoterRightAfterItsVote) {
  int fired = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    RunResult r = Execute(Plan("leader_flaps", "v1", "v1", seed), Options());
    EXPECT_EQ(r.safety_violations, 0u) << r.verdicts;  // v1 persists its vote
    for (const StepRecord& s : r.steps) {
      if (s.step.kind != StepKind::kSplitVote || s.result != StepResult::kOk) continue;
      ++fired;
      EXPECT_TRUE(absl::StrContains(s.detail, "crashed and restarted at once: up")) << s.detail;
    }
  }
  EXPECT_GE(fired, 5);
}

TEST(Driver, StopAfterEndsTheRunEarly) {
  ExecOptions o = Options();
  o.stop_after_us = 1'000'000;
  o.lin_check = false;
  RunResult r = Execute(Plan("rolling_upgrade", "v1", "v1", 1), o);
  EXPECT_LE(r.sim_time_us, 1'100'000u);
  EXPECT_FALSE(r.read_back_done);
}

}  // namespace
}  // namespace raftlog::runner

namespace raftlog::runner {
namespace {

uint64_t Telemetry(const RunResult& r, const std::string& key) {
  auto it = r.fault_telemetry.find(key);
  return it == r.fault_telemetry.end() ? 0 : it->second;
}

// Before finalize the unauthenticated cluster accepts altered messages
// (reported); at cluster version 3 every one is refused and counted. Same
// seed, same trace.
TEST(DriverFaults, AdversaryIsJudgedAtClusterVersion3OnlyAndDeterministic) {
  ScenarioPlan p = Plan("adversary", "v2", "v3", 1);
  RunResult a = Execute(p, Options());
  RunResult b = Execute(p, Options());
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.fault_telemetry, b.fault_telemetry);
  EXPECT_EQ(a.safety_violations, 0u) << a.verdicts;
  EXPECT_TRUE(absl::StrContains(a.verdicts, "adversary_accepted: ok")) << a.verdicts;
  EXPECT_GT(Telemetry(a, "adversary below_cv3 stripped member accepted"), 0u);
  for (const char* kind : {"forged", "stripped", "older_claim"}) {
    for (const char* who : {"member", "non_member"}) {
      EXPECT_GT(Telemetry(a, absl::StrCat("adversary cv3 ", kind, " ", who, " refused")), 0u)
          << kind << " " << who;
      EXPECT_EQ(Telemetry(a, absl::StrCat("adversary cv3 ", kind, " ", who, " accepted")), 0u)
          << kind << " " << who;
    }
  }
  EXPECT_GT(Telemetry(a, "adversary replay member accepted"), 0u);
  EXPECT_GT(Telemetry(a, "adversary replay_old member accepted") +
                Telemetry(a, "adversary replay_old member refused"),
            0u);
  EXPECT_TRUE(Judge(a, /*supported=*/true).matches_policy);
}

TEST(DriverFaults, PausedNodesGetWhatArrivedLateAndTheRunIsDeterministic) {
  ScenarioPlan p = Plan("pause", "v3", "v3", 1);
  RunResult a = Execute(p, Options());
  RunResult b = Execute(p, Options());
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.safety_violations, 0u) << a.verdicts;
  const StepRecord* pause = FirstOf(a, StepKind::kPause);
  ASSERT_NE(pause, nullptr);
  EXPECT_EQ(pause->result, StepResult::kOk) << pause->detail;
  EXPECT_GT(Telemetry(a, "pause inputs handed late"), 0u);
  EXPECT_GT(Telemetry(a, "pause max_held"), 0u);
  EXPECT_GT(Telemetry(a, "pause leader"), 0u);
  EXPECT_TRUE(Judge(a, /*supported=*/true).matches_policy);
}

TEST(DriverFaults, OverloadKeepsQueuesWithinTheAdmissionLimit) {
  ScenarioPlan p = Plan("overload", "v2", "v3", 1);
  EXPECT_EQ(p.max_inflight_requests, 8u);
  RunResult a = Execute(p, Options());
  RunResult b = Execute(p, Options());
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.safety_violations, 0u) << a.verdicts;
  const StepRecord* storm = FirstOf(a, StepKind::kOverload);
  ASSERT_NE(storm, nullptr);
  EXPECT_EQ(storm->result, StepResult::kOk) << storm->detail;
  EXPECT_TRUE(absl::StrContains(storm->detail, "admission control yes")) << storm->detail;
  EXPECT_EQ(Telemetry(a, "overload judged ok"), 1u);
  EXPECT_LE(Telemetry(a, "overload queue_peak"), 8u);
  EXPECT_GT(Telemetry(a, "overload storm client_timeouts"), 0u);
  EXPECT_GT(Telemetry(a, "overload baseline ok_ops"), 0u);
}

}  // namespace
}  // namespace raftlog::runner
