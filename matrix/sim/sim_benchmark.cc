// sim_benchmark: throughput of the simulator with a real release (protobuf
// encode/decode on every message) and every checker on. Not a test: prints
//  1. delivered messages per wall second (one thread, so per core), under a
//     saturating client load;
//  2. simulated-to-wall time ratio for 5 nodes at 200 client operations per
//     simulated second (the shape of a matrix cell).
// Wall time is measured here only; nothing of it reaches the simulation.
//
//   bazel run -c opt //matrix/sim:sim_benchmark -- --tag=v1
#include <chrono>
#include <ctime>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "matrix/sim/linearizability.h"
#include "matrix/sim/releases.h"
#include "matrix/sim/simulation.h"

ABSL_FLAG(std::string, tag, "v1", "release every node runs");
ABSL_FLAG(int, nodes, 5, "cluster size");
ABSL_FLAG(double, seconds, 60, "simulated seconds per measurement");
ABSL_FLAG(uint64_t, seed, 1, "seed");
ABSL_FLAG(int, repeat, 3, "measurements per figure (the best is reported)");
ABSL_FLAG(bool, checks, true, "run every invariant checker after every step");
ABSL_FLAG(bool, lin, false, "also time the linearizability check of the history");
ABSL_FLAG(uint64_t, load_rate, 20000, "offered ops per simulated second for figure 1");
ABSL_FLAG(int, load_clients, 200, "clients for figure 1");

namespace raftlog::sim {
namespace {

struct Measure {
  double wall_s = 0;
  double cpu_s = 0;  // this process's CPU time: per core, whatever else runs
  SimResult result;
};

Measure Run(const SimOptions& o) {
  Plan plan = MakePlan(o);
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  SimResult r = Simulate(o, plan);
  std::clock_t cpu_end = std::clock();
  auto end = std::chrono::steady_clock::now();
  return Measure{std::chrono::duration<double>(end - start).count(),
                 static_cast<double>(cpu_end - cpu_start) / CLOCKS_PER_SEC, std::move(r)};
}

SimOptions Base() {
  SimOptions o;
  o.seed = absl::GetFlag(FLAGS_seed);
  o.cluster.tags.assign(absl::GetFlag(FLAGS_nodes), absl::GetFlag(FLAGS_tag));
  o.cluster.find_release = &FindSimRelease;
  o.cluster.max_drift_ppm = 20'000;
  o.duration_us = static_cast<uint64_t>(absl::GetFlag(FLAGS_seconds) * 1e6);
  o.liveness_us = 0;
  o.read_back = false;
  o.drain_us = 2'000'000;
  o.checks_enabled = absl::GetFlag(FLAGS_checks);
  o.trace_keep = 0;
  if (absl::GetFlag(FLAGS_lin)) o.lin_check = [](const lin::History& h) { return CheckHistory(h); };
  return o;
}

int Main() {
  const int repeat = std::max(1, absl::GetFlag(FLAGS_repeat));
  std::cout << absl::StrFormat("release %s, %d nodes, %.0f simulated s per run, checks %s\n",
                               absl::GetFlag(FLAGS_tag), absl::GetFlag(FLAGS_nodes),
                               absl::GetFlag(FLAGS_seconds),
                               absl::GetFlag(FLAGS_checks) ? "on" : "off");
  // 1. Message throughput under saturating load.
  {
    SimOptions o = Base();
    o.workload.clients = absl::GetFlag(FLAGS_load_clients);
    o.workload.keys = 64;
    o.workload.ops_per_sec = absl::GetFlag(FLAGS_load_rate);
    double best_wall = 0, best_cpu = 0;
    Measure m;
    for (int i = 0; i < repeat; ++i) {
      m = Run(o);
      best_wall = std::max(best_wall, m.result.cluster.delivered / m.wall_s);
      best_cpu = std::max(best_cpu, m.result.cluster.delivered / m.cpu_s);
    }
    std::cout << absl::StrFormat(
        "figure 1: %.0f delivered messages per CPU second (one core); %.0f per wall second "
        "(%d delivered, %d steps, %d client ops, digest %016x)\n",
        best_cpu, best_wall, m.result.cluster.delivered, m.result.loop_steps,
        m.result.ops_completed, m.result.digest);
  }
  // 2. Simulated-to-wall ratio at 200 client ops per simulated second.
  {
    SimOptions o = Base();
    o.workload.clients = 10;
    o.workload.ops_per_sec = 200;
    double best_wall = 0, best_cpu = 0;
    Measure m;
    for (int i = 0; i < repeat; ++i) {
      m = Run(o);
      best_wall = std::max(best_wall, (m.result.sim_time_us / 1e6) / m.wall_s);
      best_cpu = std::max(best_cpu, (m.result.sim_time_us / 1e6) / m.cpu_s);
    }
    std::cout << absl::StrFormat(
        "figure 2: simulated/CPU time ratio %.0fx, simulated/wall %.0fx, at 200 ops per simulated "
        "second (%.1f simulated s; %d delivered, %d ticks, %d client ops; %.0f delivered per CPU s)\n",
        best_cpu, best_wall, m.result.sim_time_us / 1e6, m.result.cluster.delivered,
        m.result.cluster.ticks, m.result.ops_completed, m.result.cluster.delivered / m.cpu_s);
    std::cout << "safety violations: " << m.result.safety_violations
              << (m.result.lin.checked
                      ? (m.result.lin.linearizable ? ", linearizable" : ", NOT linearizable")
                      : "")
              << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace raftlog::sim

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return raftlog::sim::Main();
}
