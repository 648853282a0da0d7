// A recorded choice sequence (the bounded exploration writes one for every
// violation it finds; //matrix/explore:explore_main --replay and
// //matrix/sim:simulate --choices read it): what a violation needs to be
// reproduced exactly (the tags, how many nodes bootstrap as voters, the
// election timeout) and its choices, as a text file (choice.h's line format
// after three header lines):
//
//   % state_machine_safety @12000us: ...      (comments: the violation)
//   tags v1,v1,v1
//   voters 3
//   election_ticks 2
//   tick 1
//   deliver 1->2 #... % RequestVote
//
// Replaying needs no budgets: the choices themselves are the bound.
#ifndef RAFTLOG_MATRIX_SIM_CHOICE_RECORDING_H_
#define RAFTLOG_MATRIX_SIM_CHOICE_RECORDING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/check/checker.h"
#include "matrix/sim/choice.h"
#include "matrix/sim/choice_world.h"

namespace raftlog::sim {

struct Recording {
  std::vector<std::string> tags;
  int voters = 0;
  int election_ticks = 2;
  std::vector<Choice> choices;
  std::vector<std::string> comments;  // header comment lines, without '%'
};

// The file text. Message choices carry their type as a comment when `types`
// (one per choice, "" for none) is given.
std::string FormatRecording(const Recording& r, const std::vector<std::string>& types = {});
// InvalidArgument (with the line number) for a malformed file.
absl::StatusOr<Recording> ParseRecording(absl::string_view text);

// ChoiceBounds that let every recorded choice through (replay is not bounded by
// budgets, only by its own choices).
ChoiceBounds ReplayBounds(const Recording& r);

struct ReplayResult {
  int applied = 0;                      // choices applied
  int first_violation_at = 0;           // 1-based choice number, 0 if none
  std::vector<check::Violation> violations;
  std::string trace;                    // per choice: the choice, events, node table
  std::vector<std::string> types;       // message type of each choice ("" if none)
  std::vector<Choice> resolved;         // the choices, messages named by digest
  // With `trace`, the simulator's view (//matrix/sim:simulate --choices): its
  // trace lines (sim::Trace, time = choice number in milliseconds), their
  // digest, the state table before the first choice, right after the first
  // violation and at the end, and the checkers' verdicts.
  uint64_t trace_digest = 0;
  uint64_t trace_events = 0;
  std::vector<std::string> trace_lines;
  std::string initial_state_table;
  std::string violation_state_table;
  std::string final_state_table;
  std::string verdicts;
};

// Re-executes `r` from the start. An unknown tag or a choice that is not
// enabled where the file puts it is an error (the file does not fit this
// build). With `trace`, ReplayResult::trace describes every state.
absl::StatusOr<ReplayResult> Replay(const Recording& r, bool trace);

// The simulator's report of a traced replay of the recording read from
// `source`: tags, trace digest, every trace line, the final state table, the
// verdicts and the safety violations, then PASS, or FAIL with the state right
// after the first violation (//matrix/sim:simulate --choices prints it).
std::string SimulatorReport(absl::string_view source, const Recording& r,
                            const ReplayResult& result);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_CHOICE_RECORDING_H_
