#include "matrix/sim/choice_recording.h"

#include <climits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace raftlog::sim {

std::string FormatRecording(const Recording& r, const std::vector<std::string>& types) {
  std::string out;
  for (const std::string& c : r.comments) absl::StrAppend(&out, "% ", c, "\n");
  absl::StrAppend(&out, "tags ", absl::StrJoin(r.tags, ","), "\n");
  absl::StrAppend(&out, "voters ", r.voters, "\n");
  absl::StrAppend(&out, "election_ticks ", r.election_ticks, "\n");
  for (size_t i = 0; i < r.choices.size(); ++i) {
    absl::StrAppend(&out, ChoiceString(r.choices[i]));
    if (i < types.size() && !types[i].empty()) absl::StrAppend(&out, " % ", types[i]);
    absl::StrAppend(&out, "\n");
  }
  return out;
}

absl::StatusOr<Recording> ParseRecording(absl::string_view text) {
  Recording r;
  bool have_tags = false;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (absl::ConsumePrefix(&stripped, "%")) {
      if (r.choices.empty()) r.comments.emplace_back(absl::StripAsciiWhitespace(stripped));
      continue;
    }
    absl::string_view body = stripped.substr(0, std::min(stripped.find('%'), stripped.size()));
    body = absl::StripAsciiWhitespace(body);
    if (body.empty()) continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", why));
    };
    if (absl::ConsumePrefix(&body, "tags ")) {
      r.tags = absl::StrSplit(absl::StripAsciiWhitespace(body), ',', absl::SkipEmpty());
      if (r.tags.empty()) return bad("no tags");
      have_tags = true;
      continue;
    }
    if (absl::ConsumePrefix(&body, "voters ")) {
      if (!absl::SimpleAtoi(body, &r.voters) || r.voters < 0) return bad("bad voters");
      continue;
    }
    if (absl::ConsumePrefix(&body, "election_ticks ")) {
      if (!absl::SimpleAtoi(body, &r.election_ticks) || r.election_ticks < 1) {
        return bad("bad election_ticks");
      }
      continue;
    }
    absl::StatusOr<Choice> c = ParseChoice(body);
    if (!c.ok()) return bad(c.status().message());
    r.choices.push_back(*std::move(c));
  }
  if (!have_tags) return absl::InvalidArgumentError("no 'tags' line: not a recorded path");
  return r;
}

ChoiceBounds ReplayBounds(const Recording& r) {
  ChoiceBounds b;
  b.tags = r.tags;
  b.voters = r.voters;
  b.election_ticks = r.election_ticks;
  b.depth = INT_MAX;
  b.timeouts = b.heartbeats = b.crashes = b.drops = b.duplicates = INT_MAX;
  b.client_ops = b.membership = b.upgrades = b.finalizes = INT_MAX;
  b.reads = b.compactions = b.learners = b.downgrades = b.rollbacks = INT_MAX;
  return b;
}

absl::StatusOr<ReplayResult> Replay(const Recording& r, bool trace) {
  absl::StatusOr<std::unique_ptr<ChoiceWorld>> w = ChoiceWorld::Create(ReplayBounds(r));
  if (!w.ok()) return w.status();
  ChoiceWorld& world = **w;
  ReplayResult out;
  Trace sim_trace(trace ? SIZE_MAX : 0);
  if (trace) {
    absl::StrAppend(&out.trace, "initial state\n", world.Describe());
    out.initial_state_table = world.StateTable();
    world.set_trace(&sim_trace);
  }
  for (const Choice& named : r.choices) {
    absl::StatusOr<Choice> resolved = world.Resolve(named);
    if (!resolved.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("choice ", out.applied + 1, ": ", resolved.status().message()));
    }
    const Choice& c = *resolved;
    out.resolved.push_back(c);
    std::string type = world.MessageType(c);
    out.types.push_back(type);
    if (absl::Status s = world.Apply(c); !s.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("choice ", out.applied + 1, ": ", s.message()));
    }
    ++out.applied;
    if (out.first_violation_at == 0 && world.HasViolation()) {
      out.first_violation_at = out.applied;
      if (trace) out.violation_state_table = world.StateTable();
    }
    if (!trace) continue;
    absl::StrAppend(&out.trace, "#", out.applied, " ", ChoiceString(c),
                    type.empty() ? "" : absl::StrCat(" (", type, ")"), "\n");
    for (const std::string& e : world.last_events()) absl::StrAppend(&out.trace, "  > ", e, "\n");
    absl::StrAppend(&out.trace, world.Describe());
    if (out.first_violation_at == out.applied) {
      for (const check::Violation& v : world.checkers().Violations()) {
        if (!v.liveness) absl::StrAppend(&out.trace, "  VIOLATION ", check::ViolationString(v), "\n");
      }
    }
  }
  for (const check::Violation& v : world.checkers().Violations()) {
    if (!v.liveness) out.violations.push_back(v);
  }
  if (trace) {
    out.trace_digest = sim_trace.digest();
    out.trace_events = sim_trace.events();
    out.trace_lines = sim_trace.Lines();
    out.final_state_table = world.StateTable();
    out.verdicts = world.checkers().Verdicts();
  }
  return out;
}

std::string SimulatorReport(absl::string_view source, const Recording& r,
                            const ReplayResult& result) {
  std::string s = absl::StrCat("tags=", absl::StrJoin(r.tags, ","), " choices=", source, " (",
                               result.applied, " choices, voters ", r.voters, ", election_ticks ",
                               r.election_ticks, ")\n");
  for (const std::string& c : r.comments) absl::StrAppend(&s, "recorded: ", c, "\n");
  absl::StrAppend(&s, "initial state:\n", result.initial_state_table);
  absl::StrAppend(&s, absl::StrFormat("trace digest %016x (%d events)\n", result.trace_digest,
                                      result.trace_events));
  absl::StrAppend(&s, "trace:\n");
  for (const std::string& line : result.trace_lines) absl::StrAppend(&s, "  ", line, "\n");
  absl::StrAppend(&s, "final state:\n", result.final_state_table, result.verdicts);
  for (const check::Violation& v : result.violations) {
    absl::StrAppend(&s, check::ViolationString(v), "\n");
  }
  if (result.first_violation_at == 0) {
    absl::StrAppend(&s, "PASS\n");
    return s;
  }
  absl::StrAppend(&s, "FAIL: first safety violation at choice ", result.first_violation_at,
                  "; reproduce with: bazel run //matrix/sim:simulate -- --choices=", source,
                  "\nstate right after the first violation:\n", result.violation_state_table);
  return s;
}

}  // namespace raftlog::sim
