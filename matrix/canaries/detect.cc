#include "matrix/canaries/detect.h"

#include <algorithm>
#include <atomic>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "matrix/runner/matrix.h"
#include "matrix/runner/scenario.h"
#include "matrix/runner/shrink.h"
#include "matrix/sim/ddmin.h"
#include "matrix/sim/plan.h"
#include "matrix/sim/releases.h"
#include "wire/compat/checker.h"
#include "wire/compat/schema.h"

namespace raftlog::canaries {

using runner::RunResult;
using runner::SeedOutcome;
using runner::SeedVerdict;

std::string Classify(const RunResult& r, const SeedVerdict& v) {
  for (const check::Violation& x : r.violations) {
    if (!x.liveness) return x.checker;
  }
  if (r.lin_failed()) return "linearizability";
  if (r.hit_step_bound) return "livelock";
  if (!r.read_back_done) return "read_back";
  // A step whose outcome the releases got wrong (a deposed leader answered a
  // read, a learner behind was promoted): red whatever the policy says.
  for (const runner::StepRecord& st : r.steps) {
    if (st.result == runner::StepResult::kWrongOutcome) return "wrong_outcome";
  }
  if (v.matches_policy && v.outcome == SeedOutcome::kPass) return "";
  if (v.outcome == SeedOutcome::kUnknown) return "lin_unknown";  // not shown red, nor green
  if (!r.decode_errors.empty()) return "wire";
  // A node's own recovery finding its data inconsistent (kDataLoss) is a
  // durability finding, told apart from a clean version refusal.
  for (const sim::Refusal& x : r.refusals) {
    if (x.status.code() == absl::StatusCode::kDataLoss) return "data_loss_on_restart";
  }
  if (!v.refusals.empty()) return "refusal";
  return "liveness";
}

bool Accepted(const std::string& cls, const std::string& expected) {
  for (absl::string_view e : absl::StrSplit(expected, '|')) {
    if (e == cls) return true;
  }
  return false;
}

const api::ReleaseInfo* FindAnyRelease(absl::string_view tag) {
  if (const api::ReleaseInfo* r = FindCanaryRelease(tag)) return r;
  return sim::FindSimRelease(tag);
}

std::vector<DetectCell> DefaultCells(const Canary& c, const std::vector<std::string>& tags) {
  std::vector<DetectCell> out;
  for (const runner::Scenario& s : runner::AllScenarios()) {
    for (const std::string& t : tags) {
      out.push_back({s.name, t});
      if (t == c.base) break;
    }
  }
  return out;
}

std::vector<DetectCell> RegisteredCells(const Canary& c) {
  std::vector<DetectCell> out;
  for (absl::string_view s : absl::StrSplit(c.cells, ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(s, ':');
    if (parts.size() == 2) out.push_back({parts[0], parts[1]});
  }
  return out;
}

namespace {

struct Run {
  size_t cell = 0;
  runner::ScenarioPlan plan;
  RunResult result;
  SeedVerdict verdict;
  std::string cls;
  bool compiled = false;
};

bool IsShrinkable(const RunResult& r) { return r.safety_failed() || r.lin_failed(); }

struct ClassShrink {
  bool reproduced = false;
  size_t before = 0, after = 0;
  uint64_t trace_events = 0;
};

// Delta debugging (complements only, as runner/shrink.cc) over the plan's
// background events for a failure the runner's shrinker does not take (a
// wire break, a refusal, a restart that finds its data inconsistent): a
// smaller plan still fails when its run has the same diagnosis class. Runs
// are whole (no early stop: the read-back is part of the class).
ClassShrink ShrinkByClass(const runner::ScenarioPlan& plan, const runner::ExecOptions& exec,
                          const std::string& cls, int max_runs) {
  ClassShrink out;
  runner::ExecOptions o = exec;
  o.lin_check = cls == "linearizability";
  out.before = out.after = plan.background.size();
  int runs = 0;
  auto fails = [&](const std::vector<size_t>& keep, uint64_t* events) {
    runner::ScenarioPlan p = plan;
    p.background = sim::SubPlan(plan.background, keep);
    RunResult r = runner::Execute(p, o);
    ++runs;
    if (Classify(r, runner::Judge(r, true)) != cls) return false;
    *events = r.trace_events;
    return true;
  };
  std::vector<size_t> keep(out.before);
  for (size_t i = 0; i < keep.size(); ++i) keep[i] = i;
  if (!fails(keep, &out.trace_events)) return out;
  out.reproduced = true;
  if (runs < max_runs && fails({}, &out.trace_events)) {  // the steps alone
    out.after = 0;
    return out;
  }
  keep = sim::DdminComplements(
      std::move(keep), [&] { return runs < max_runs; },
      [&](const std::vector<size_t>& candidate) { return fails(candidate, &out.trace_events); });
  out.after = keep.size();
  return out;
}

}  // namespace

runner::CanaryRow Detect(const Canary& c, const std::vector<DetectCell>& cells,
                         const DetectOptions& o) {
  runner::CanaryRow row;
  row.tag = c.tag;
  row.base = c.base;
  row.expected = c.diagnosis;
  row.expected_undetected = c.expected_undetected;
  runner::ExecOptions exec;
  exec.find_release = &FindAnyRelease;
  // Only cells whose base must pass (declared supported for from -> base).
  std::vector<DetectCell> usable;
  std::vector<bool> supported;
  for (const DetectCell& cell : cells) {
    const runner::Scenario* sc = runner::FindScenario(cell.scenario);
    if (sc == nullptr) {
      row.other.push_back(absl::StrCat("unknown scenario in cell ", cell.scenario, ":", cell.from));
      continue;
    }
    if (!o.policy->For(cell.from, c.base).HasAll(sc->requires)) continue;
    usable.push_back(cell);
  }
  std::set<std::string> other_seen;
  for (int seed = o.first_seed; seed <= o.seeds && !row.detected; ++seed) {
    std::vector<Run> runs(usable.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next.fetch_add(1); i < runs.size(); i = next.fetch_add(1)) {
        Run& run = runs[i];
        run.cell = i;
        auto plan = runner::Compile(usable[i].scenario, usable[i].from, c.tag, seed, o.mode);
        if (!plan.ok()) continue;
        run.compiled = true;
        run.plan = *plan;
        run.result = runner::Execute(run.plan, exec);
        run.verdict = runner::Judge(run.result, /*supported=*/true);
        run.cls = Classify(run.result, run.verdict);
      }
    };
    runner::RunOnThreads(std::max(1, std::min<int>(o.jobs, static_cast<int>(runs.size()))),
                         worker);
    for (Run& run : runs) {
      ++row.runs;
      const DetectCell& cell = usable[run.cell];
      const std::string name = absl::StrCat(cell.scenario, " ", cell.from, "->", c.tag);
      if (!run.compiled) {
        row.other.push_back(absl::StrCat(name, ": the plan does not compile"));
        continue;
      }
      if (run.cls.empty()) continue;
      const std::string why = run.verdict.reasons.empty() ? "" : run.verdict.reasons.front();
      if (!Accepted(run.cls, c.diagnosis)) {
        if (other_seen.insert(name).second) {
          row.other.push_back(absl::StrCat("red with another class: ", name, " seed ", seed, ": ",
                                           run.cls, ": ", why.substr(0, 200)));
        }
        continue;
      }
      if (row.detected) continue;  // the earliest cell of this seed is the row's
      row.detected = true;
      row.cell = name;
      row.seeds_to_first = seed;
      row.diagnosis = run.cls;
      row.reason = !run.verdict.first_violation.empty() ? run.verdict.first_violation : why;
      row.reproduce = absl::StrCat("bazel run //matrix:canary_runner -- --canaries --only=", c.tag,
                                   " --scenarios=", cell.scenario, " --pairs=", cell.from, ":",
                                   c.tag, " --seed=", seed,
                                   o.mode == runner::Mode::kFull ? " --mode=full" : "");
      if (o.progress) o.progress(absl::StrCat(c.tag, ": caught by ", name, " seed ", seed, " (",
                                              run.cls, ")"));
      // The base must stay green on the same cell and seeds.
      if (o.control) {
        for (int b = o.first_seed; b <= seed; ++b) {
          auto bp = runner::Compile(cell.scenario, cell.from, c.base, b, o.mode);
          if (!bp.ok()) continue;
          RunResult br = runner::Execute(*bp, exec);
          SeedVerdict bv = runner::Judge(br, true);
          if (!bv.matches_policy || bv.outcome != SeedOutcome::kPass) {
            row.control_red = true;
            row.other.push_back(absl::StrCat(
                "control ", cell.scenario, " ", cell.from, "->", c.base, " seed ", b, " is red (",
                Classify(br, bv), "): ", bv.reasons.empty() ? "" : bv.reasons.front(),
                "; the canary's red cannot be credited to its patch"));
          }
        }
      }
      row.shrinkable = true;
      row.shrunk_steps = run.plan.steps.size();
      if (o.shrink_runs > 0 && IsShrinkable(run.result)) {
        runner::ShrinkOutcome so = runner::ShrinkPlan(run.plan, exec, o.shrink_runs);
        row.shrunk = so.reproduced;
        row.shrunk_from = so.events_before;
        row.shrunk_to = so.events_after;
        row.shrunk_trace = so.result.trace_events;
      } else if (o.shrink_runs > 0) {
        ClassShrink cs = ShrinkByClass(run.plan, exec, run.cls, o.shrink_runs);
        row.shrunk = cs.reproduced;
        row.shrunk_from = cs.before;
        row.shrunk_to = cs.after;
        row.shrunk_trace = cs.trace_events;
      }
    }
    if (!row.detected && o.progress) {
      o.progress(absl::StrCat(c.tag, ": seed ", seed, " of ", usable.size(), " cell(s): not caught"));
    }
  }
  return row;
}

namespace {

// The serialized FileDescriptorSet of a generated file and its imports.
std::string DescriptorSet(const google::protobuf::FileDescriptor* file) {
  google::protobuf::FileDescriptorSet set;
  std::set<std::string> seen;
  std::vector<const google::protobuf::FileDescriptor*> stack = {file};
  std::vector<const google::protobuf::FileDescriptor*> order;
  while (!stack.empty()) {
    const google::protobuf::FileDescriptor* f = stack.back();
    stack.pop_back();
    if (!seen.insert(f->name()).second) continue;
    order.push_back(f);
    for (int i = 0; i < f->dependency_count(); ++i) stack.push_back(f->dependency(i));
  }
  // Imports first.
  std::reverse(order.begin(), order.end());
  for (const google::protobuf::FileDescriptor* f : order) f->CopyTo(set.add_file());
  return set.SerializeAsString();
}

}  // namespace

std::string SchemaCheck(const Canary& c, const std::vector<std::string>& older) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const std::string mine = absl::StrCat("versions/canaries/", c.base, "_", c.name, "/raft.proto");
  const google::protobuf::FileDescriptor* nf = pool->FindFileByName(mine);
  if (nf == nullptr) return absl::StrCat("(", mine, " is not linked in)");
  auto ns = wire::compat::Schema::FromBytes(DescriptorSet(nf));
  if (!ns.ok()) return absl::StrCat("(cannot load ", mine, ": ", ns.status().message(), ")");
  std::vector<std::string> parts;
  for (const std::string& t : older) {
    const google::protobuf::FileDescriptor* of =
        pool->FindFileByName(absl::StrCat("wire/", t, "/raft.proto"));
    if (of == nullptr) continue;
    auto os = wire::compat::Schema::FromBytes(DescriptorSet(of));
    if (!os.ok()) continue;
    wire::compat::CheckResult r = wire::compat::CheckCompatibility(**os, **ns);
    if (r.compatible()) continue;
    std::vector<std::string> errors;
    for (const wire::compat::Finding& f : r.findings) {
      if (f.severity != wire::compat::Severity::kError) continue;
      errors.push_back(absl::StrCat(f.rule_id, " ", f.message, " ", f.field, ": ", f.why));
    }
    parts.push_back(absl::StrCat(t, " -> ", c.tag, ": ", absl::StrJoin(errors, "; ")));
  }
  return absl::StrJoin(parts, " | ");
}

}  // namespace raftlog::canaries
