// One step of a choice-driven run, as text: the vocabulary of the bounded
// exhaustive exploration (matrix/explore), kept here so that the simulator
// replays its recordings (//matrix/sim:simulate --choices=FILE).
//
// Time and faults are abstracted into choices: the next thing that happens to
// the cluster is one of the kinds below, picked by the explorer's search (or
// read back from a file to replay a path). A message is named by sender,
// receiver and the Fnv1a64 digest of its bytes, never by a position in a
// queue: identical copies are interchangeable, and a name stays valid in every
// state that still holds such a message.
//
// Text form, one choice per line (the file --replay reads):
//   deliver 1->2 #0123456789abcdef      hand the message to its receiver
//   drop 1->2 #0123456789abcdef         lose it
//   dup 1->2 #0123456789abcdef          put a second copy in flight
//   tick 2                              tick node 2 until its timer fires
//   crash 2 / restart 2 / upgrade 2     process faults and restart on the next tag
//   put 1                               a client put submitted to node 1
//   add 1 4 / remove 1 3                membership change submitted to node 1
//   joint 1 1,2,4                       joint change to voters {1,2,4} (v3, cv >= 3):
//                                       one voter more, one less, or one replaced
//   finalize 1                          raise the cluster version, via node 1
//   read 1                              a linearizable get of the client's key at node 1
//   compact 2                           node 2 snapshots its applied state, truncates its log
//   learner 1 4 / promote 1 4           add node 4 as a learner, make learner 4 a voter
//   downgrade 1                         lower the cluster version by one, via node 1
//   rollback 2                          node 2 stops and restarts on the previous tag
// Anything after '%' on a line is a comment (the trace writes message types there).
// In a hand-written file a message may be named by type instead of digest,
// "deliver 1->2 RequestVote": World::Resolve picks the oldest such message.
#ifndef RAFTLOG_MATRIX_SIM_CHOICE_H_
#define RAFTLOG_MATRIX_SIM_CHOICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "versions/api/node.h"

namespace raftlog::sim {

enum class ChoiceKind {
  kDeliver,
  kDrop,
  kDuplicate,
  kTick,
  kCrash,
  kRestart,
  kPut,
  kAddVoter,
  kRemoveVoter,
  kJoint,
  kUpgrade,
  kFinalize,
  kRead,
  kCompact,
  kAddLearner,
  kPromote,
  kDowngrade,
  kRollback,
};

struct Choice {
  ChoiceKind kind = ChoiceKind::kTick;
  api::NodeId node = 0;    // receiver (messages) or the node acted on
  api::NodeId from = 0;    // messages: sender
  uint64_t digest = 0;     // messages: Fnv1a64 of the bytes
  std::string type;        // messages named by type (digest 0) until resolved
  api::NodeId target = 0;  // add / remove / learner / promote
  std::vector<api::NodeId> voters;  // joint
  bool operator==(const Choice& o) const {
    return kind == o.kind && node == o.node && from == o.from && digest == o.digest &&
           target == o.target && voters == o.voters && type == o.type;
  }
};

// The one-line text form (see above), without a comment.
std::string ChoiceString(const Choice& c);
// A stable 64-bit key of the choice (for sleep sets).
uint64_t ChoiceKey(const Choice& c);

// Parses one line; comments and surrounding blanks are ignored.
// InvalidArgument names what is wrong.
absl::StatusOr<Choice> ParseChoice(absl::string_view line);
// Parses a whole file's text: one choice a line, blank and comment-only lines
// skipped. The error names the line number.
absl::StatusOr<std::vector<Choice>> ParseChoices(absl::string_view text);

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_CHOICE_H_
