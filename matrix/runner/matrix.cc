#include "matrix/runner/matrix.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matrix/runner/shrink.h"

namespace raftlog::runner {

void RunOnThreads(int jobs, const std::function<void()>& worker) {
  if (jobs <= 1) {
    worker();
    return;
  }
  std::vector<std::thread> threads;
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
}

std::vector<std::pair<std::string, std::string>> PairsOf(const std::vector<std::string>& tags) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < tags.size(); ++i) {
    for (size_t j = i; j < tags.size(); ++j) out.emplace_back(tags[i], tags[j]);
  }
  return out;
}

std::string ReproduceCommand(const CellKey& key, uint64_t seed, Mode mode) {
  // A canary tag ("v3+vote") is linked only into the canary runner.
  const bool canary = absl::StrContains(key.from, '+') || absl::StrContains(key.to, '+');
  return absl::StrCat("bazel run //matrix:", canary ? "canary_runner" : "runner",
                      " -- --scenarios=", key.scenario,
                      " --pairs=", key.from, ":", key.to, " --seed=", seed,
                      mode == Mode::kFull ? " --mode=full" : "");
}

bool MatrixResult::ok() const {
  for (const CellResult& c : cells) {
    if (!CellOk(c.verdict.status)) return false;
  }
  return true;
}

int MatrixResult::exit_code() const {
  std::vector<CellStatus> statuses;
  for (const CellResult& c : cells) statuses.push_back(c.verdict.status);
  return ExitCodeFor(statuses);
}

uint64_t MatrixResult::lin_unknown_seeds() const {
  uint64_t n = 0;
  for (const CellResult& c : cells) n += c.telemetry.lin_unknown_seeds;
  return n;
}

uint64_t MatrixResult::lin_max_search_states() const {
  uint64_t n = 0;
  for (const CellResult& c : cells) n = std::max(n, c.telemetry.lin_max_search_states);
  return n;
}

const CellResult* MatrixResult::Find(const std::string& scenario, const std::string& from,
                                     const std::string& to) const {
  for (const CellResult& c : cells) {
    if (c.key.scenario == scenario && c.key.from == from && c.key.to == to) return &c;
  }
  return nullptr;
}

namespace {

// Counts add up; peaks ("... peak", "... max_held") keep the highest.
void AddFaultSteps(std::map<std::string, uint64_t>& to,
                   const std::map<std::string, uint64_t>& from) {
  for (const auto& [k, v] : from) {
    const bool peak = absl::EndsWith(k, "_peak") || absl::EndsWith(k, "max_held");
    to[k] = peak ? std::max(to[k], v) : to[k] + v;
  }
}

void AddCohort(sim::CohortStats& a, const sim::CohortStats& b) {
  a.ops += b.ops;
  a.ok += b.ok;
  a.fail += b.fail;
  a.info += b.info;
  a.attempts += b.attempts;
  a.retries += b.retries;
  a.timeouts += b.timeouts;
  a.not_leader += b.not_leader;
  a.overloaded += b.overloaded;
}

uint64_t Counter(const RunResult& r, const char* name) {
  auto it = r.release_counters.find(name);
  return it == r.release_counters.end() ? 0 : it->second;
}

constexpr size_t kMaxRollbackTriggers = 5;

void Merge(Telemetry& a, const Telemetry& b) {
  a.runs += b.runs;
  a.sim_time_us += b.sim_time_us;
  a.elections += b.elections;
  a.leader_changes += b.leader_changes;
  a.snapshot_installs += b.snapshot_installs;
  a.snapshots_sent += b.snapshots_sent;
  a.compactions += b.compactions;
  a.overloaded += b.overloaded;
  a.auth_failures += b.auth_failures;
  a.unknown_messages += b.unknown_messages;
  a.start_refusals += b.start_refusals;
  a.safety_violations += b.safety_violations;
  a.liveness_violations += b.liveness_violations;
  a.ops_completed += b.ops_completed;
  a.acked_writes += b.acked_writes;
  a.faults_fired += b.faults_fired;
  a.faults_skipped += b.faults_skipped;
  a.crashes += b.crashes;
  a.crashes_in_sync += b.crashes_in_sync;
  a.upgrades += b.upgrades;
  a.rollbacks += b.rollbacks;
  for (const std::string& t : b.rollback_triggers) {
    if (a.rollback_triggers.size() < kMaxRollbackTriggers) a.rollback_triggers.push_back(t);
  }
  a.messages_delivered += b.messages_delivered;
  a.messages_dropped += b.messages_dropped;
  for (const auto& [k, v] : b.steps) a.steps[k] += v;
  for (const auto& [k, v] : b.cohorts) AddCohort(a.cohorts[k], v);
  for (const auto& [k, v] : b.decode_errors) a.decode_errors[k] += v;
  for (const auto& [k, v] : b.installs) a.installs[k] += v;
  a.lin_unknown_seeds += b.lin_unknown_seeds;
  a.lin_max_search_states = std::max(a.lin_max_search_states, b.lin_max_search_states);
  for (const auto& [tag, counters] : b.counters_by_release) {
    for (const auto& [k, v] : counters) a.counters_by_release[tag][k] += v;
  }
  AddFaultSteps(a.fault_steps, b.fault_steps);
  for (const auto& [latency, n] : b.latency_counts) a.latency_counts[latency] += n;
  a.answered_ops += b.answered_ops;
  if (a.config_history.empty() && a.version_history.empty()) {
    a.history_seed = b.history_seed;
    a.config_history = b.config_history;
    a.version_history = b.version_history;
  }
}

// Records the latency of every answered operation of `history` (see
// Telemetry::latency_counts).
void AddLatencies(const lin::History& history, Telemetry& t) {
  for (const lin::Operation& op : history.ops()) {
    if (!op.complete_time.has_value() || *op.complete_time < op.invoke_time) continue;
    const bool answered = op.outcome == lin::Outcome::kOk ||
                          (op.outcome == lin::Outcome::kFail && op.kind == lin::OpKind::kCas);
    if (answered) t.AddLatency(static_cast<uint64_t>(*op.complete_time - op.invoke_time));
  }
}

}  // namespace

void Telemetry::AddLatency(uint64_t latency_us) {
  uint64_t scale = 1;
  while (latency_us / scale >= 1000) scale *= 10;
  ++latency_counts[latency_us / scale * scale];
  ++answered_ops;
}

uint64_t Telemetry::LatencyPercentile(double p) const {
  if (answered_ops == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(p * static_cast<double>(answered_ops) + 0.999999);
  rank = std::clamp<uint64_t>(rank, 1, answered_ops);
  uint64_t seen = 0;
  for (const auto& [latency, n] : latency_counts) {
    seen += n;
    if (seen >= rank) return latency;
  }
  return latency_counts.rbegin()->first;
}

void Telemetry::Add(const RunResult& r) {
  ++runs;
  AddLatencies(r.history, *this);
  sim_time_us += r.sim_time_us;
  elections += Counter(r, api::kCounterElections);
  leader_changes += r.cluster.leader_changes;
  snapshot_installs += Counter(r, api::kCounterSnapshotsInstalled);
  snapshots_sent += Counter(r, api::kCounterSnapshotsSent);
  compactions += Counter(r, api::kCounterCompactions);
  overloaded += Counter(r, api::kCounterOverloaded);
  auth_failures += Counter(r, api::kCounterAuthFailures);
  unknown_messages += Counter(r, api::kCounterUnknownMessages);
  start_refusals += r.refusals.size();
  safety_violations += r.safety_violations;
  liveness_violations += r.liveness_violations;
  ops_completed += r.ops_completed;
  acked_writes += r.acked_writes;
  faults_fired += r.faults_fired;
  faults_skipped += r.faults_skipped;
  crashes += r.cluster.crashes;
  crashes_in_sync += r.cluster.crashes_in_sync;
  upgrades += r.cluster.upgrades;
  rollbacks += r.rollbacks.size();
  for (const std::string& t : r.rollbacks) {
    if (rollback_triggers.size() < kMaxRollbackTriggers) {
      rollback_triggers.push_back(absl::StrCat("seed ", r.seed, ": ", t));
    }
  }
  messages_delivered += r.cluster.delivered;
  messages_dropped += r.network.dropped_random + r.network.dropped_partition + r.cluster.dropped_down;
  for (const StepRecord& s : r.steps) ++steps[s.result];
  AddFaultSteps(fault_steps, r.fault_telemetry);
  for (const auto& [k, v] : r.cohorts) AddCohort(cohorts[k], v);
  for (const auto& [k, v] : r.decode_errors) decode_errors[k] += v;
  for (const auto& [k, v] : r.installs) installs[k] += v;
  if (r.lin.checked && r.lin.unknown) ++lin_unknown_seeds;
  lin_max_search_states = std::max(lin_max_search_states, r.lin.max_search_states);
  for (const auto& [tag, counters] : r.release_counters_by_tag) {
    for (const auto& [k, v] : counters) counters_by_release[tag][k] += v;
  }
  if (config_history.empty() && version_history.empty()) {
    history_seed = r.seed;
    config_history = r.config_history;
    version_history = r.version_history;
  }
}

namespace {

struct Item {
  size_t cell = 0;
  uint64_t seed = 0;
  bool first = false;  // the cell's first seed: keeps its histories and chart
  SeedVerdict verdict;
  Chart chart;
  SeedSummary summary;
  Telemetry telemetry;
  double wall_s = 0;
};

std::string UnsupportedWhy(const CellResult& c) {
  return absl::StrCat(c.declared.Missing(c.required).ToString(), " for ", c.key.from, " -> ",
                      c.key.to);
}

ExecOptions ExecFor(const MatrixOptions& o) {
  ExecOptions e;
  e.find_release = o.find_release;
  e.lin_check = o.lin;
  e.lin_max_states = o.lin_max_states;
  return e;
}

void RunItem(const MatrixOptions& o, const CellResult& cell, Item& item) {
  const double t0 = o.wall_clock ? o.wall_clock() : 0;
  item.summary.seed = item.seed;
  auto plan = Compile(cell.key.scenario, cell.key.from, cell.key.to, item.seed, o.mode);
  if (!plan.ok()) {
    item.verdict.outcome = SeedOutcome::kFail;
    item.verdict.matches_policy = false;
    item.verdict.reasons.push_back(absl::StrCat("cannot compile the plan: ", plan.status().ToString()));
  } else {
    // The verdict and the telemetry need no trace lines (the digest does not
    // depend on them; formatting a line per delivery was a tenth of the
    // run). A cell's artifact reruns its seed with them.
    ExecOptions e = ExecFor(o);
    e.trace_keep = 0;
    RunResult r = Execute(*plan, e);
    item.verdict = Judge(r, cell.supported, UnsupportedWhy(cell));
    if (o.seed_done) o.seed_done(cell.key, item.seed, r, item.verdict);
    item.summary.digest = r.digest;
    item.summary.sim_time_us = r.sim_time_us;
    if (!item.first) {
      r.config_history.clear();
      r.version_history.clear();
    } else {
      item.chart = BuildChart(r, item.seed);
    }
    item.telemetry.Add(r);
  }
  item.summary.outcome = item.verdict.outcome;
  item.summary.matches_policy = item.verdict.matches_policy;
  if (!item.verdict.reasons.empty()) item.summary.reason = item.verdict.reasons.front();
  item.wall_s = o.wall_clock ? o.wall_clock() - t0 : 0;
}

// The end of the trace window for a failure that is not a safety violation:
// shortly after the first refused or stalled step, or the first refusal.
uint64_t WindowEnd(const RunResult& r) {
  uint64_t t = UINT64_MAX;
  for (const StepRecord& s : r.steps) {
    if (s.result == StepResult::kRefused || s.result == StepResult::kStalled) {
      t = std::min(t, s.end_us);
      break;
    }
  }
  for (const sim::Refusal& x : r.refusals) t = std::min(t, x.time_us);
  return t;
}

std::string LastLines(const std::string& text, size_t n) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  size_t from = lines.size() > n ? lines.size() - n : 0;
  std::string out;
  for (size_t i = from; i < lines.size(); ++i) absl::StrAppend(&out, lines[i], "\n");
  return out;
}

// The kept trace lines ("<time_us> <kind> <detail>") around time `t`: up to
// `before` lines at or before it, a marker line, up to `after` lines past it.
std::string Window(const std::string& text, uint64_t t, const std::string& marker,
                   size_t before = 150, size_t after = 40) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  size_t split = lines.size();  // first line after t
  for (size_t i = 0; i < lines.size(); ++i) {
    uint64_t at = 0;
    absl::string_view head = lines[i].substr(0, lines[i].find(' '));
    if (absl::SimpleAtoi(head, &at) && at > t) {
      split = i;
      break;
    }
  }
  std::string out;
  for (size_t i = split > before ? split - before : 0; i < split; ++i) absl::StrAppend(&out, lines[i], "\n");
  absl::StrAppend(&out, "=== ", marker, "\n");
  for (size_t i = split; i < lines.size() && i < split + after; ++i) absl::StrAppend(&out, lines[i], "\n");
  return out;
}

std::string FirstLines(const std::string& text, size_t n) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  std::string out;
  for (size_t i = 0; i < lines.size() && i < n; ++i) absl::StrAppend(&out, lines[i], "\n");
  if (lines.size() > n) absl::StrAppend(&out, "... (", lines.size() - n, " more lines)\n");
  return out;
}

Artifact BuildArtifact(const MatrixOptions& o, const CellResult& cell, uint64_t seed) {
  Artifact a;
  a.seed = seed;
  a.reproduce = ReproduceCommand(cell.key, seed, o.mode);
  auto plan = Compile(cell.key.scenario, cell.key.from, cell.key.to, seed, o.mode);
  if (!plan.ok()) {
    a.first_violation = plan.status().ToString();
    return a;
  }
  a.plan_text = plan->ToString();
  ExecOptions e = ExecFor(o);
  RunResult r = Execute(*plan, e);
  a.verdict = Judge(r, cell.supported, UnsupportedWhy(cell));
  a.first_violation = !a.verdict.first_violation.empty() ? a.verdict.first_violation
                      : !a.verdict.reasons.empty()       ? a.verdict.reasons.front()
                                                         : "";
  a.steps = r.steps;
  a.final_rows = r.final_rows;
  a.verdicts = r.verdicts;
  a.lin_detail = r.lin.detail;
  a.timeline = r.timeline;
  a.bands = r.bands;
  a.op_bars = r.op_bars;
  a.sim_time_us = r.sim_time_us;
  a.heal_us = r.heal_us;
  // The window: the same run again, stopped shortly after the first
  // violation (or refusal, or stall), with more trace lines kept.
  uint64_t at = UINT64_MAX;
  std::string marker;
  for (const check::Violation& v : r.violations) {
    if (!v.liveness) {
      at = v.time_us;
      marker = absl::StrCat("first violation: ", check::ViolationString(v));
      break;
    }
  }
  if (at == UINT64_MAX && (at = WindowEnd(r)) != UINT64_MAX) {
    marker = absl::StrCat("first refusal or stall: ", a.first_violation);
  }
  if (at == UINT64_MAX && !r.decode_errors.empty()) {
    // Rejected messages carry no time in the result: find the first in a
    // full trace of the same run.
    ExecOptions w = e;
    w.trace_keep = SIZE_MAX;
    w.lin_check = false;
    const std::string full = Execute(*plan, w).trace_tail;
    for (absl::string_view line : absl::StrSplit(full, '\n', absl::SkipEmpty())) {
      std::vector<absl::string_view> f = absl::StrSplit(line, absl::MaxSplits(' ', 2));
      uint64_t t = 0;
      if (f.size() == 3 && f[1] == "decode_error" && absl::SimpleAtoi(f[0], &t)) {
        at = t;
        marker = absl::StrCat("first rejected message: ", f[2]);
        break;
      }
    }
  }
  if (at != UINT64_MAX) {
    ExecOptions w = e;
    w.stop_after_us = at + 30'000;
    w.trace_keep = 4000;
    w.lin_check = false;
    a.trace_window = Window(Execute(*plan, w).trace_tail, at,
                            absl::StrFormat("@%.6fs %s", at / 1e6, marker));
  } else {
    a.trace_window = LastLines(r.trace_tail, 200);
  }
  if (o.shrink_runs > 0 && (r.safety_failed() || r.lin_failed())) {
    ShrinkOutcome s = ShrinkPlan(*plan, e, o.shrink_runs);
    a.shrunk = s.reproduced;
    a.shrunk_from = s.events_before;
    a.shrunk_to = s.events_after;
    a.shrink_runs = s.runs;
    a.shrunk_plan = FirstLines(s.plan.ToString(/*ops_in_full=*/true), 400);
    a.shrunk_trace = LastLines(s.result.trace_tail, 200);
  }
  return a;
}

}  // namespace

MatrixResult RunMatrix(const MatrixOptions& o) {
  MatrixResult m;
  m.mode = o.mode;
  m.pairs = o.pairs;
  m.scenarios = o.scenarios;
  m.policy_file = o.policy ? o.policy->filename() : "";
  m.jobs = std::max(1, o.jobs);
  m.lin = o.lin;
  m.lin_max_states = o.lin ? o.lin_max_states : 0;
  const double t0 = o.wall_clock ? o.wall_clock() : 0;
  for (const std::string& s : o.scenarios) {
    const Scenario* sc = FindScenario(s);
    for (const auto& [from, to] : o.pairs) {
      CellResult c;
      c.key = CellKey{s, from, to};
      if (sc != nullptr) c.required = sc->requires;
      if (o.policy != nullptr) {
        c.declared = o.policy_tag ? o.policy->For(o.policy_tag(from), o.policy_tag(to))
                                  : o.policy->For(from, to);
      }
      c.supported = c.declared.HasAll(c.required);
      m.cells.push_back(std::move(c));
    }
  }
  std::vector<uint64_t> seeds;
  const int shards = std::max(1, o.shard_count);
  for (size_t i = 0; i < o.seeds.size(); ++i) {
    if (static_cast<int>(i % shards) == o.shard_index) seeds.push_back(o.seeds[i]);
  }
  std::vector<Item> items;
  for (size_t c = 0; c < m.cells.size(); ++c) {
    for (size_t j = 0; j < seeds.size(); ++j) {
      Item it;
      it.cell = c;
      it.seed = seeds[j];
      it.first = j == 0;
      items.push_back(std::move(it));
    }
  }
  std::vector<size_t> remaining(m.cells.size(), seeds.size());
  std::mutex mu;
  MatrixOptions::Progress progress;
  progress.cells_total = m.cells.size();
  progress.seeds_total = items.size();
  std::atomic<size_t> next{0};
  auto worker = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= items.size()) return;
      Item& it = items[i];
      RunItem(o, m.cells[it.cell], it);
      std::lock_guard<std::mutex> lock(mu);
      ++progress.seeds_done;
      if (--remaining[it.cell] == 0) ++progress.cells_done;
      progress.elapsed_s = o.wall_clock ? o.wall_clock() - t0 : 0;
      progress.last = absl::StrCat(m.cells[it.cell].key.Name(), " seed ", it.seed, ": ",
                                   SeedOutcomeName(it.verdict.outcome));
      if (o.progress) o.progress(progress);
    }
  };
  RunOnThreads(std::min<int>(m.jobs, std::max<size_t>(1, items.size())), worker);
  // Fold in a fixed order.
  std::vector<std::vector<SeedVerdict>> verdicts(m.cells.size());
  for (Item& it : items) {
    CellResult& c = m.cells[it.cell];
    c.seeds.push_back(it.summary);
    Merge(c.telemetry, it.telemetry);
    if (it.first) c.chart = std::move(it.chart);
    c.wall_s += it.wall_s;
    verdicts[it.cell].push_back(std::move(it.verdict));
  }
  m.seeds_run = items.size();
  for (size_t c = 0; c < m.cells.size(); ++c) {
    CellResult& cell = m.cells[c];
    cell.verdict = Aggregate(verdicts[c], cell.supported);
    if (CellOk(cell.verdict.status)) {
      if (o.artifacts_for_all && !cell.seeds.empty()) {
        cell.artifact = BuildArtifact(o, cell, cell.seeds.front().seed);
      }
      continue;
    }
    for (const SeedSummary& s : cell.seeds) {
      if (!s.matches_policy) {
        cell.artifact = BuildArtifact(o, cell, s.seed);
        break;
      }
    }
  }
  m.wall_s = o.wall_clock ? o.wall_clock() - t0 : 0;
  return m;
}

}  // namespace raftlog::runner
