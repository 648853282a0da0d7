// simulate: one deterministic simulated run of a (mixed-version) cluster.
//
//   bazel run //matrix/sim:simulate -- --tags=v1,v1,v1 --seed=7 --duration=20
//
// Prints progress, the plan, the trace digest (same seed => same digest),
// counters, every checker's verdict and the linearizability verdict. Exit
// status: 0 when safe and linearizable, 1 on a safety or linearizability
// failure (liveness is reported apart and fails only with
// --fail_on_liveness), 2 on bad flags, 3 when nothing failed but the
// linearizability search ran out of budget (unknown: never a pass, as in the
// runner). --shrink reduces a failing run to a
// short plan and prints it with its trace.
//
//   bazel run //matrix/sim:simulate -- --choices=FILE
//
// replays a choice sequence recorded by the bounded exploration
// (matrix/sim/choice_recording.h; //matrix:explore writes one per violation)
// instead of a seeded run: every trace line, the trace digest, the state
// table, the checkers' verdicts. Exit 0 no safety violation, 1 a violation,
// 2 a file that cannot be read or does not fit this build (an unknown tag,
// a choice not enabled where the file puts it).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "matrix/sim/choice_recording.h"
#include "matrix/sim/linearizability.h"
#include "matrix/sim/releases.h"
#include "matrix/sim/shrink.h"
#include "matrix/sim/simulation.h"
#include "util/user_path.h"
#include "util/flag_help.h"

ABSL_FLAG(std::string, tags, "v1,v1,v1", "release tag per node, comma separated");
ABSL_FLAG(uint64_t, seed, 1, "the seed of the whole run");
ABSL_FLAG(double, duration, 10, "simulated seconds of the fault phase");
ABSL_FLAG(double, liveness, 5, "simulated seconds after healing (liveness phase)");
ABSL_FLAG(int, clients, 5, "clients");
ABSL_FLAG(int, keys, 8, "keys");
ABSL_FLAG(double, zipf, 1.0, "Zipf exponent of key popularity (0 = uniform)");
ABSL_FLAG(uint64_t, rate, 200, "offered client operations per simulated second");
ABSL_FLAG(double, timeout_ms, 300, "client attempt timeout (simulated ms)");
ABSL_FLAG(int, attempts, 6, "client retry budget (attempts per operation)");
ABSL_FLAG(int, cohorts, 3, "client cohorts (cohort = client id % cohorts)");
// Fault intensity.
ABSL_FLAG(double, intensity, 1.0, "multiplies every fault rate below");
ABSL_FLAG(double, crashes, 4, "crashes per simulated minute");
ABSL_FLAG(double, stops, 1, "graceful stops per simulated minute");
ABSL_FLAG(double, partitions, 4, "partitions per simulated minute");
ABSL_FLAG(double, clock_jumps, 2, "clock jumps per simulated minute");
ABSL_FLAG(double, clock_drifts, 2, "clock drift episodes per simulated minute");
ABSL_FLAG(double, slow_disks, 2, "slow-fsync episodes per simulated minute");
ABSL_FLAG(double, storms, 1, "network storms (heavy loss/dup/reorder) per simulated minute");
ABSL_FLAG(double, membership, 0, "remove-then-re-add voter episodes per simulated minute");
ABSL_FLAG(double, compactions, 0, "explicit compactions per simulated minute");
ABSL_FLAG(double, upgrades, 0, "in-place restarts with another tag per simulated minute");
ABSL_FLAG(std::string, upgrade_tags, "", "tags restarts and upgrades may switch to");
ABSL_FLAG(double, leader_target, 0.5, "share of node faults aimed at the current leader");
ABSL_FLAG(double, drop, 0.01, "per-message drop probability");
ABSL_FLAG(double, dup, 0.01, "per-message duplicate probability");
ABSL_FLAG(double, reorder, 0.02, "per-message reorder probability");
ABSL_FLAG(double, bit_flips, 0, "per-Read bit flip probability");
ABSL_FLAG(int64_t, drift_ppm, 20000, "max clock drift per node (ppm)");
// Timing of the releases.
ABSL_FLAG(double, tick_ms, 10, "simulated milliseconds per tick");
ABSL_FLAG(int, election_ticks, 10, "election timeout in ticks");
ABSL_FLAG(uint64_t, snapshot_threshold, 1000, "compact when the log holds this many entries");
ABSL_FLAG(double, liveness_bound, 10, "seconds after healing within which a commit must happen");
// Outputs.
ABSL_FLAG(std::string, history_out, "", "write the client history as EDN here");
ABSL_FLAG(std::string, trace_out, "", "write the kept trace lines here");
ABSL_FLAG(int, trace_keep, 400, "trace lines kept (the failure window)");
ABSL_FLAG(bool, progress, true, "print progress every simulated second");
ABSL_FLAG(bool, print_plan, false, "print the full plan (with every client operation)");
ABSL_FLAG(bool, lin, true, "check linearizability of the history");
ABSL_FLAG(uint64_t, lin_max_states, 2'000'000, "linearizability search budget per key");
ABSL_FLAG(bool, shrink, false, "on failure, shrink the plan to a short failing one");
ABSL_FLAG(int, shrink_runs, 300, "simulations the shrinker may spend");
ABSL_FLAG(bool, stop_at_violation, false, "stop at the first safety violation");
ABSL_FLAG(bool, fail_on_liveness, false, "exit 1 on a liveness violation too");
ABSL_FLAG(bool, digest_only, false, "print only the trace digest line");
ABSL_FLAG(std::string, choices, "",
          "replay this recorded choice sequence (the bounded exploration's format) instead of a "
          "seeded run");

namespace raftlog::sim {
namespace {

uint64_t Us(double seconds) { return static_cast<uint64_t>(seconds * 1e6 + 0.5); }

std::vector<std::string> SplitTags(const std::string& s) {
  std::vector<std::string> out;
  for (absl::string_view t : absl::StrSplit(s, ',', absl::SkipEmpty())) out.emplace_back(t);
  return out;
}

std::string Reproduce(int argc, char** argv) {
  std::string s = "bazel run //matrix/sim:simulate --";
  for (int i = 1; i < argc; ++i) absl::StrAppend(&s, " ", argv[i]);
  return s;
}

// --choices=FILE: the recorded sequence replayed, reported the simulator's way.
int ReplayChoices(const std::string& path) {
  std::ifstream in(util::ResolveUserPath(path));
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Recording> recording = ParseRecording(text.str());
  if (!recording.ok()) {
    std::cerr << path << ": " << recording.status() << "\n";
    return 2;
  }
  absl::StatusOr<ReplayResult> result = Replay(*recording, /*trace=*/true);
  if (!result.ok()) {
    std::cerr << path << " does not replay on this build: " << result.status() << "\n";
    for (const std::string& tag : recording->tags) {
      if (FindAnyRelease(tag) != nullptr) continue;
      if (tag.find('+') != std::string::npos) {
        std::cerr << "canaries (" << tag << ") are linked only into the explorer: "
                  << "bazel run //matrix:explore -- --replay=" << path << "\n";
        break;
      }
    }
    return 2;
  }
  std::cout << SimulatorReport(path, *recording, *result);
  return result->first_violation_at > 0 ? 1 : 0;
}

int Main(int argc, char** argv) {
  if (const std::string choices = absl::GetFlag(FLAGS_choices); !choices.empty()) {
    return ReplayChoices(choices);
  }
  SimOptions o;
  o.seed = absl::GetFlag(FLAGS_seed);
  o.duration_us = Us(absl::GetFlag(FLAGS_duration));
  o.liveness_us = Us(absl::GetFlag(FLAGS_liveness));
  o.cluster.tags = SplitTags(absl::GetFlag(FLAGS_tags));
  if (o.cluster.tags.empty()) {
    std::cerr << "--tags is empty\n";
    return 2;
  }
  for (const auto& t : o.cluster.tags) {
    if (FindSimRelease(t) == nullptr) {
      std::cerr << "unknown tag '" << t << "' (known: " << SimReleaseTags() << ")\n";
      return 2;
    }
  }
  o.cluster.find_release = &FindSimRelease;
  o.cluster.tick_interval_us = Us(absl::GetFlag(FLAGS_tick_ms) / 1000);
  o.cluster.election_ticks = absl::GetFlag(FLAGS_election_ticks);
  o.cluster.snapshot_threshold = absl::GetFlag(FLAGS_snapshot_threshold);
  o.cluster.max_drift_ppm = absl::GetFlag(FLAGS_drift_ppm);
  o.cluster.network.defaults.drop = ToPpm(absl::GetFlag(FLAGS_drop));
  o.cluster.network.defaults.duplicate = ToPpm(absl::GetFlag(FLAGS_dup));
  o.cluster.network.defaults.reorder = ToPpm(absl::GetFlag(FLAGS_reorder));
  o.cluster.disk.read_bit_flip = ToPpm(absl::GetFlag(FLAGS_bit_flips));
  o.workload.clients = absl::GetFlag(FLAGS_clients);
  o.workload.keys = absl::GetFlag(FLAGS_keys);
  o.workload.zipf_s = absl::GetFlag(FLAGS_zipf);
  o.workload.ops_per_sec = absl::GetFlag(FLAGS_rate);
  o.workload.timeout_us = Us(absl::GetFlag(FLAGS_timeout_ms) / 1000);
  o.workload.max_attempts = absl::GetFlag(FLAGS_attempts);
  o.workload.cohorts = absl::GetFlag(FLAGS_cohorts);
  FaultOptions& f = o.faults;
  f.intensity = absl::GetFlag(FLAGS_intensity);
  f.crashes_per_min = absl::GetFlag(FLAGS_crashes);
  f.stops_per_min = absl::GetFlag(FLAGS_stops);
  f.partitions_per_min = absl::GetFlag(FLAGS_partitions);
  f.clock_jumps_per_min = absl::GetFlag(FLAGS_clock_jumps);
  f.clock_drifts_per_min = absl::GetFlag(FLAGS_clock_drifts);
  f.slow_disks_per_min = absl::GetFlag(FLAGS_slow_disks);
  f.storms_per_min = absl::GetFlag(FLAGS_storms);
  f.membership_per_min = absl::GetFlag(FLAGS_membership);
  f.compactions_per_min = absl::GetFlag(FLAGS_compactions);
  f.upgrades_per_min = absl::GetFlag(FLAGS_upgrades);
  f.upgrade_tags = SplitTags(absl::GetFlag(FLAGS_upgrade_tags));
  for (const auto& t : f.upgrade_tags) {
    if (FindSimRelease(t) == nullptr) {
      std::cerr << "unknown upgrade tag '" << t << "'\n";
      return 2;
    }
  }
  f.leader_target = absl::GetFlag(FLAGS_leader_target);
  o.checks.liveness_bound_us = Us(absl::GetFlag(FLAGS_liveness_bound));
  o.trace_keep = std::max(0, absl::GetFlag(FLAGS_trace_keep));
  if (!absl::GetFlag(FLAGS_trace_out).empty()) o.trace_keep = SIZE_MAX;
  o.stop_at_violation = absl::GetFlag(FLAGS_stop_at_violation);
  const bool quiet = absl::GetFlag(FLAGS_digest_only);
  if (absl::GetFlag(FLAGS_progress) && !quiet) {
    o.progress = [](const std::string& line) { std::cout << "progress " << line << "\n" << std::flush; };
  }
  if (absl::GetFlag(FLAGS_lin)) {
    uint64_t budget = absl::GetFlag(FLAGS_lin_max_states);
    o.lin_check = [budget](const lin::History& h) { return CheckHistory(h, budget); };
  }

  Plan plan = MakePlan(o);
  if (!quiet) {
    std::cout << "tags=" << absl::GetFlag(FLAGS_tags) << " seed=" << o.seed << "\nplan:\n"
              << plan.ToString(absl::GetFlag(FLAGS_print_plan));
  }
  SimResult r = Simulate(o, plan);
  std::cout << absl::StrFormat("trace digest %016x\n", r.digest);
  if (!absl::GetFlag(FLAGS_history_out).empty()) {
    std::ofstream out(absl::GetFlag(FLAGS_history_out));
    out << lin::ToEdn(r.history);
    if (!out) {
      std::cerr << "cannot write " << absl::GetFlag(FLAGS_history_out) << "\n";
      return 2;
    }
  }
  if (!absl::GetFlag(FLAGS_trace_out).empty()) {
    std::ofstream out(absl::GetFlag(FLAGS_trace_out));
    out << r.trace_tail;
  }
  const bool lin_unknown = r.lin.checked && r.lin.unknown;
  if (quiet) return r.failed() ? 1 : lin_unknown ? 3 : 0;
  std::cout << r.Summary() << "final state:\n" << r.state_table;
  bool liveness_failed = r.liveness_violations > 0 && absl::GetFlag(FLAGS_fail_on_liveness);
  if (!r.failed() && !liveness_failed) {
    if (lin_unknown) {
      std::cout << "UNKNOWN: the linearizability search ran out of budget (--lin_max_states)\n";
      return 3;
    }
    std::cout << "PASS\n";
    return 0;
  }
  std::cout << "FAIL: reproduce with: " << Reproduce(argc, argv) << "\n";
  if (r.failed()) {
    const bool at_violation = !r.violation_window.empty();
    if (at_violation) std::cout << "state right after the first violation:\n" << r.violation_state_table;
    std::cout << "trace window (last " << std::min<size_t>(o.trace_keep, 60) << " lines"
              << (at_violation ? " up to the first violation" : "") << "):\n";
    std::vector<std::string> lines = absl::StrSplit(
        at_violation ? r.violation_window : r.trace_tail, '\n', absl::SkipEmpty());
    size_t from = lines.size() > 60 ? lines.size() - 60 : 0;
    for (size_t i = from; i < lines.size(); ++i) std::cout << "  " << lines[i] << "\n";
  }
  if (r.failed() && absl::GetFlag(FLAGS_shrink)) {
    std::cout << "shrinking " << plan.size() << " events...\n";
    ShrinkResult s = Shrink(o, plan, absl::GetFlag(FLAGS_shrink_runs),
                            [](const std::string& l) { std::cout << l << "\n" << std::flush; });
    std::cout << "shrunk to " << s.plan.size() << " events in " << s.runs << " runs:\n"
              << s.plan.ToString(true) << s.result.Summary()
              << "trace of the shrunk run (deliveries and ticks left out but the last lines):\n"
              << s.story;
  }
  return 1;
}

}  // namespace
}  // namespace raftlog::sim

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("deterministic simulation of a mixed-version raftlog cluster");
  raftlog::util::ShowProjectFlagsInHelp();
  absl::ParseCommandLine(argc, argv);
  return raftlog::sim::Main(argc, argv);
}
