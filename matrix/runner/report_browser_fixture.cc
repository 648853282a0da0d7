// Writes report.md, report.json and report.html of a synthetic matrix into
// the directory given as the only argument, for report_browser_test.sh: one
// cell of every status, two of them red (FAIL) with full artifacts, so the
// browser test can open a red cell that is not the one the page opens by
// itself. The cells' contents are made up; what is real is the report code
// that renders them.
#include <cstdio>
#include <string>

#include "matrix/runner/report.h"

namespace raftlog::runner {
namespace {

CellResult Cell(const std::string& scenario, const std::string& from, const std::string& to,
                CellStatus status, bool supported) {
  CellResult c;
  c.key = {scenario, from, to};
  c.required = {policy::Capability::kRollingUpgrade};
  c.declared = supported ? policy::Capabilities{policy::Capability::kRollingUpgrade} : policy::Capabilities{};
  c.supported = supported;
  const bool ok = CellOk(status);
  c.verdict.status = status;
  c.verdict.seeds = 2;
  c.verdict.matching = ok ? 2 : 1;
  SeedOutcome good = status == CellStatus::kRefused ? SeedOutcome::kRefused : SeedOutcome::kPass;
  for (uint64_t seed : {1, 2}) {
    SeedSummary s;
    s.seed = seed;
    s.outcome = good;
    s.matches_policy = true;
    s.digest = seed == 1 ? 0xabc : 0xdef;
    s.sim_time_us = 5'000'000;
    c.seeds.push_back(s);
  }
  if (!ok) {
    c.seeds[1].outcome = status == CellStatus::kFail      ? SeedOutcome::kFail
                         : status == CellStatus::kUnknown ? SeedOutcome::kUnknown
                                                          : SeedOutcome::kGreen;
    c.seeds[1].matches_policy = false;
    c.seeds[1].reason = "see the artifact";
  }
  c.telemetry.runs = 2;
  c.telemetry.sim_time_us = 10'000'000;
  c.telemetry.history_seed = 1;
  HistoryEvent config;
  config.time_us = 0;
  config.node = 1;
  config.index = 1;
  config.what = "voters={1,2,3} learners={}";
  c.telemetry.config_history.push_back(config);
  HistoryEvent version;
  version.time_us = 2'000'000;
  version.node = 1;
  version.index = 7;
  version.what = "cluster version 2";
  c.telemetry.version_history.push_back(version);
  c.telemetry.cohorts[0].ops = 100;
  c.telemetry.cohorts[0].retries = 3;
  c.telemetry.steps[StepResult::kOk] = 4;
  // Feature paths: elections everywhere, compactions only where the cell is
  // not a plain v1 one; the rest stays unexercised in the run.
  c.telemetry.counters_by_release[from]["elections_started"] = 4;
  c.telemetry.counters_by_release[to]["elections_started"] = 3;
  if (to != "v1") c.telemetry.counters_by_release[to]["compactions"] = 2;
  if (status == CellStatus::kUnknown) c.telemetry.lin_unknown_seeds = 1;
  if (status == CellStatus::kRefused) {
    c.telemetry.start_refusals = 1;
    c.telemetry.decode_errors[{to, from, "AppendEntries"}] = 5;
  }
  return c;
}

NodeRow Row(api::NodeId id, const std::string& release, uint64_t term, const std::string& role,
            uint64_t commit) {
  NodeRow r;
  r.id = id;
  r.status = "up";
  r.release = release;
  r.cluster_version = 1;
  r.term = term;
  r.role = role;
  r.leader = 1;
  r.commit = commit;
  r.applied = commit;
  r.last = commit;
  r.snapshot = 0;
  r.config = "voters={1,2,3}";
  return r;
}

Artifact RedArtifact(const CellKey& key, uint64_t seed, const std::string& invariant) {
  Artifact a;
  a.seed = seed;
  a.verdict.outcome = SeedOutcome::kFail;
  a.verdict.matches_policy = false;
  a.first_violation = invariant;
  a.verdict.first_violation = invariant;
  a.verdict.reasons = {"safety: 1 violation(s), first: " + invariant};
  a.verdict.notes = {"step 3 (elect n2) not achieved"};
  a.reproduce = ReproduceCommand(key, seed, Mode::kFast);
  a.plan_text = "scenario " + key.scenario + ": " + key.from + " -> " + key.to + ", seed " +
                std::to_string(seed) + ", mode fast\n  1. upgrade n1\n  2. upgrade n2\n  3. elect n2\n";
  a.trace_window = "1.000000 crash n2\n1.500000 " + invariant + "\n";
  a.verdicts = "election_safety: ok\ndurability: 1 violation\n";
  a.shrunk = true;
  a.shrunk_from = 12;
  a.shrunk_to = 2;
  a.shrink_runs = 9;
  a.shrunk_plan = "  1. upgrade n1\n";
  a.shrunk_trace = "1.500000 " + invariant + "\n";
  for (size_t i = 1; i <= 3; ++i) {
    StepRecord s;
    s.number = i;
    s.step.kind = StepKind::kUpgrade;
    s.step.node = i;
    s.step.from_tag = key.from;
    s.step.tag = key.to;
    s.start_us = i * 1'000'000;
    s.end_us = i * 1'000'000 + 400'000;
    s.result = i == 3 ? StepResult::kStalled : StepResult::kOk;
    s.detail = i == 3 ? "no commit within 2s" : "";
    for (api::NodeId n = 1; n <= 3; ++n) {
      s.before.push_back(Row(n, n < i ? key.to : key.from, i, n == 1 ? "leader" : "follower", 10 * i));
      s.after.push_back(Row(n, n <= i ? key.to : key.from, i, n == 1 ? "leader" : "follower", 10 * i + 5));
    }
    a.steps.push_back(s);
  }
  a.final_rows = a.steps.back().after;
  for (api::NodeId n = 1; n <= 3; ++n) {
    // Every node: on <from> until its upgrade, down for 0.2s, then on <to>.
    Segment before;
    before.node = n;
    before.from_us = 0;
    before.to_us = n * 1'000'000;
    before.release = key.from;
    before.role = n == 1 ? "leader" : "follower";
    before.term = 1;
    Segment down = before;
    down.from_us = before.to_us;
    down.to_us = down.from_us + 200'000;
    down.release = "";
    down.role = "down";
    Segment after = before;
    after.from_us = down.to_us;
    after.to_us = 5'000'000;
    after.release = key.to;
    after.role = n == 2 ? "leader" : "follower";
    after.term = 2;
    a.timeline.insert(a.timeline.end(), {before, down, after});
  }
  FaultBand crash;
  crash.from_us = 1'000'000;
  crash.to_us = 1'300'000;
  crash.node = 2;
  crash.label = "crash (tear)";
  a.bands.push_back(crash);
  FaultBand partition;
  partition.from_us = 2'500'000;
  partition.to_us = 3'000'000;
  partition.node = 0;
  partition.label = "partition {1} | {2,3}";
  a.bands.push_back(partition);
  a.sim_time_us = 5'000'000;
  a.heal_us = 4'000'000;
  return a;
}

// Every cell's chart, built by the real chart code from one made-up run
// whose plan is: upgrade n1, n2, n3 (at 1, 2 and 3 s), finalize (at 3.5 s);
// two faults (a crash of n2, a partition); n1 leads in term 1, n2 from its
// upgrade in term 2; the cluster version goes from 1 to 2 at the finalize;
// a client operation every 50 ms, one in ten timed out. Its markers: 3
// upgrades, 1 finalize, 2 faults, 2 elections.
Chart FixtureChart(const CellKey& key) {
  RunResult run;
  run.from = key.from;
  run.to = key.to;
  run.sim_time_us = 5'000'000;
  for (size_t i = 1; i <= 4; ++i) {
    StepRecord s;
    s.number = i;
    s.step.kind = i <= 3 ? StepKind::kUpgrade : StepKind::kFinalize;
    s.step.node = i <= 3 ? i : 0;
    s.step.from_tag = key.from;
    s.step.tag = key.to;
    s.start_us = i <= 3 ? i * 1'000'000 : 3'500'000;
    s.end_us = s.start_us + 400'000;
    run.steps.push_back(s);
  }
  for (api::NodeId n = 1; n <= 3; ++n) {
    Segment before{n, 0, n * 1'000'000, key.from, n == 1 ? "leader" : "follower", 1, 1};
    Segment down{n, before.to_us, before.to_us + 200'000, "", "down", 1, 0};
    Segment after{n, down.to_us, 3'500'000, key.to, n == 2 ? "leader" : "follower", 2, 1};
    Segment finalized{n, 3'500'000, 5'000'000, key.to, after.role, 2, 2};
    run.timeline.insert(run.timeline.end(), {before, down, after, finalized});
  }
  run.bands.push_back(FaultBand{1'000'000, 1'300'000, 2, "crash (tear)"});
  run.bands.push_back(FaultBand{2'500'000, 3'000'000, 0, "partition {1} | {2,3}"});
  for (int i = 0; i < 100; ++i) {
    const int64_t t = i * 50'000;
    size_t op = run.history.Invoke(i % 5, lin::OpKind::kPut, lin::Value::Str("k"),
                                   lin::Value::Int(i), t);
    run.history.Complete(op, i % 10 == 9 ? lin::Outcome::kInfo : lin::Outcome::kOk,
                         t + 2'000 + 1'000 * (i % 7));
  }
  return BuildChart(run, 1, 50);
}

MatrixResult Sample() {
  MatrixResult m;
  m.mode = Mode::kFast;
  m.pairs = {{"v1", "v1"}, {"v1", "v2"}, {"v1", "v3"}};
  m.scenarios = {"rolling_upgrade", "skip_version", "leader_flaps"};
  m.policy_file = "versions/policy.txt";
  m.seeds_run = 12;
  m.wall_s = 3;
  m.jobs = 1;
  CellResult fail1 = Cell("rolling_upgrade", "v1", "v2", CellStatus::kFail, true);
  // The violation text carries markup: it must show as text, not run.
  fail1.artifact = RedArtifact(fail1.key, 2, "SAFETY durability @1500000us: acknowledged write lost </script><b>x</b>");
  CellResult fail2 = Cell("skip_version", "v1", "v2", CellStatus::kFail, true);
  fail2.artifact = RedArtifact(fail2.key, 7, "SAFETY log_matching @2250000us: n2 and n3 differ at index 14");
  CellResult green = Cell("rolling_upgrade", "v1", "v3", CellStatus::kUnexpectedGreen, false);
  green.artifact = RedArtifact(green.key, 2, "policy is stale: skip_version v1 -> v3 passed");
  green.artifact->verdict.outcome = SeedOutcome::kGreen;
  m.cells = {
      Cell("rolling_upgrade", "v1", "v1", CellStatus::kPass, true),
      fail1,
      green,
      Cell("skip_version", "v1", "v1", CellStatus::kPass, true),
      fail2,
      Cell("skip_version", "v1", "v3", CellStatus::kRefused, false),
      Cell("leader_flaps", "v1", "v1", CellStatus::kUnknown, true),
  };
  for (CellResult& c : m.cells) c.chart = FixtureChart(c.key);
  m.lin_max_states = 2'000'000;
  return m;
}

}  // namespace
}  // namespace raftlog::runner

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  absl::Status s = raftlog::runner::WriteReports(raftlog::runner::Sample(), argv[1]);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
