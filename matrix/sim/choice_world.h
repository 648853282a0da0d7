// The system the bounded exploration (matrix/explore) explores, and the
// simulator replays (//matrix/sim:simulate --choices): N real release nodes
// (any mix of tags) over in-memory file systems, a multiset of in-flight
// messages, and the invariant checkers, advanced one Choice at a time.
//
// No simulated clock and no network model: every nondeterministic event is a
// Choice the search makes. Time is abstracted: "tick n" ticks node n until it
// emits a message or changes role (its election timeout or its heartbeat
// fired), at most kMaxTicksPerTimeout ticks. The nodes' own timer counters are
// therefore not part of the explored state; two paths that differ only in how
// far a timer has run are the same state to the digest.
//
// A ChoiceWorld is built once per path and never copied: the search
// re-executes a choice sequence from the start (stateless search), so
// everything here is a deterministic function of (bounds, tags, choices). The checkers are fed the
// NodeStep contract of matrix/check/checker.h after every input a node
// handles, with a logical time (the number of choices applied, in
// milliseconds), an Ack for every successful client put, and OnSubmit /
// OnReply for every request. Beyond the standard set, reads are judged by
// check::ReadFreshness: here a request reaches its node the moment it is
// chosen and its reply is seen the moment it is emitted, so "acknowledged
// before the read arrived" is real-time order for the client too; and
// check::AdmissionBound holds every node whose release has admission control
// (it exports api::kCounterOverloaded) to ChoiceBounds::admission_limit,
// judged after every choice (OnTime).
#ifndef RAFTLOG_MATRIX_SIM_CHOICE_WORLD_H_
#define RAFTLOG_MATRIX_SIM_CHOICE_WORLD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "matrix/check/admission_bound.h"
#include "matrix/check/checker_set.h"
#include "matrix/sim/choice.h"
#include "matrix/sim/trace.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"

namespace raftlog::sim {

// What the search may do, and how often, along one path.
struct ChoiceBounds {
  std::vector<std::string> tags;  // node i+1 runs tags[i]
  int voters = 0;                 // nodes 1..voters bootstrap as voters (0: all)
  int depth = 12;                 // choices per path
  int timeouts = 4;               // ticks of a non-leader (election timeouts)
  int heartbeats = 2;             // ticks of a leader (heartbeats)
  int crashes = 0;
  int drops = 0;
  int duplicates = 0;
  int client_ops = 1;
  int membership = 0;             // add / remove / joint changes
  int upgrades = 0;               // restarts on the next tag
  int finalizes = 0;
  int reads = 0;                  // linearizable gets, at a node that believes it leads
  int compactions = 0;            // snapshot-and-truncate at any node
  int learners = 0;               // learner adds and promotions (at cluster version >= 2)
  int downgrades = 0;             // cluster version lowered by one (at a leader, cv >= 2)
  int rollbacks = 0;              // restarts on the previous tag
  int election_ticks = 2;         // NodeOptions::election_ticks
  int admission_limit = 2;        // NodeOptions::max_inflight_requests (0: none)
  // How Digest() names a node: by what it shows (false: ProtocolState, log,
  // files; the spec'd abstraction, which merges states that differ only in a
  // node's volatile internals such as votes received or a leader's progress
  // per peer), or by exactly what it is (true: its files when it started and
  // the sequence of inputs since, which determine the node entirely, so a
  // merge is never wrong; coarser merging, more states).
  bool exact_digest = false;
};

// Budgets spent along the current path.
struct ChoiceSpent {
  int timeouts = 0, heartbeats = 0, crashes = 0, drops = 0, duplicates = 0;
  int client_ops = 0, membership = 0, upgrades = 0, finalizes = 0;
  int reads = 0, compactions = 0, learners = 0, downgrades = 0, rollbacks = 0;
};

struct InFlightMessage {
  api::NodeId from = 0;
  api::NodeId to = 0;
  uint64_t digest = 0;  // Fnv1a64(bytes)
  std::string type;     // the sender's name for it (traces only)
  std::string bytes;
};

// Finds a release by tag: registered, the simulator's fakes (FindSimRelease),
// or a canary linked into the binary (versions/canaries/registry.h).
const api::ReleaseInfo* FindAnyRelease(absl::string_view tag);
// The tag a node running `tag` is upgraded to: the registered release after
// its base ("v1+x" -> "v2"), or "" if none.
std::string NextTag(absl::string_view tag);
// The tag it is rolled back to: the registered release before its base
// ("v3+x" -> "v2"), or "" if none.
std::string PreviousTag(absl::string_view tag);

class ChoiceWorld {
 public:
  static constexpr int kMaxTicksPerTimeout = 64;

  // Starts every node. InvalidArgument for an unknown tag; a node whose Start
  // fails is an error too (bootstrap must work).
  static absl::StatusOr<std::unique_ptr<ChoiceWorld>> Create(const ChoiceBounds& bounds);
  ~ChoiceWorld();
  ChoiceWorld(const ChoiceWorld&) = delete;
  ChoiceWorld& operator=(const ChoiceWorld&) = delete;

  // The choices enabled now, in a fixed order (deterministic search).
  std::vector<Choice> Enabled() const;
  // A message named by type becomes the oldest in-flight message of that
  // type on that edge (NotFound if none); any other choice is returned as is.
  absl::StatusOr<Choice> Resolve(const Choice& c) const;
  // Applies `c`. FailedPrecondition when it is not enabled (a replayed file
  // that does not fit this run). The search, whose choices come from
  // Enabled(), skips that check (`checked` false).
  absl::Status Apply(const Choice& c, bool checked = true);
  // Resolve, then a checked Apply: a choice as a recording names it.
  // Returns the choice applied (messages named by digest).
  absl::StatusOr<Choice> ApplyNamed(const Choice& named);

  // A digest of the whole cluster state: per node its status, tag,
  // ProtocolState, log entries over [first, last] (EntryAt), its files both
  // as they are and as a crash would leave them; the multiset of in-flight
  // messages; the budgets spent; and what the checkers remember (leaders per
  // term, entries seen applied, acknowledged writes), so that a state reached
  // twice with different histories is not merged.
  std::pair<uint64_t, uint64_t> Digest() const;

  const check::CheckerSet& checkers() const { return checkers_; }
  bool HasViolation() const { return checkers_.safety_violations() > 0; }
  const ChoiceSpent& spent() const { return spent_; }
  // The last observed state of node `id` (of its last incarnation), or null
  // while it is down or for no such node.
  const api::ProtocolState* state(api::NodeId id) const;
  // The release counters of node `id`'s running incarnation (empty while it
  // is down): what it did (api::kCounterSnapshotsInstalled etc.).
  std::map<std::string, uint64_t> Counters(api::NodeId id) const;
  const std::vector<InFlightMessage>& in_flight() const { return in_flight_; }
  int choices_applied() const { return applied_; }

  // One line per node plus the in-flight messages (for traces).
  std::string Describe() const;
  // One line per node in the columns of Cluster::StateTable (the simulator's
  // report).
  std::string StateTable() const;
  // From now on every choice applied, and what it caused (starts, refusals,
  // new leaders, replies, violations), is added to `trace` in the simulator's
  // line format, at the logical time of the choice. Null: none (the search).
  void set_trace(Trace* trace) { trace_ = trace; }
  // "AppendEntries" etc. for the message `c` names, or "".
  std::string MessageType(const Choice& c) const;
  // Trace lines the last Apply produced (replies, refusals).
  const std::vector<std::string>& last_events() const { return events_; }

 private:
  struct Member;
  class LogView;
  explicit ChoiceWorld(const ChoiceBounds& bounds);

  absl::Status StartNode(Member& m, const std::string& tag);
  void AfterStep(Member& m);
  void Down(Member& m, bool crash);
  void Submit(Member& m, const api::Request& r);
  // The request a choice submits (client put or get, or admin), numbered.
  api::Request RequestFor(const Choice& c);
  // Membership choices a leader `at` offers (add, remove, joint, learner,
  // promote), appended to `out`.
  void AddMembershipChoices(const Member& leader, const Choice& at,
                            std::vector<Choice>* out) const;
  // The simulator's trace line(s) of `c`, applied to `m` (set_trace).
  void TraceChoice(const Choice& c, const Member& m, const InFlightMessage* message, int ticks);
  void TraceNewViolations();
  // Returns the ticks it took.
  int TickToTimeout(Member& m);
  // Joint changes (at a v3 leader, cluster version >= 3) that replace one
  // voter of `config` by one non-voter, appended to `out`.
  void AddReplacements(const Choice& at, const api::Config& config,
                       std::vector<Choice>* out) const;
  int FindMessage(const Choice& c) const;
  Member* Up(api::NodeId id) const;
  bool IsLeader(const Member& m) const;
  uint64_t NowUs() const { return static_cast<uint64_t>(applied_) * 1000; }

  ChoiceBounds bounds_;
  std::vector<std::unique_ptr<Member>> members_;  // index = id - 1
  std::vector<InFlightMessage> in_flight_;
  check::CheckerSet checkers_;
  check::AdmissionBound* admission_ = nullptr;  // owned by checkers_
  ChoiceSpent spent_;
  int applied_ = 0;
  uint64_t next_sequence_ = 0;  // client and admin requests
  std::set<std::pair<uint64_t, api::NodeId>> leaders_seen_;  // (term, id)
  std::set<std::pair<uint64_t, uint64_t>> applied_seen_;     // (index, entry hash)
  std::set<std::pair<uint64_t, uint64_t>> acked_;            // (index, entry hash)
  struct OpenRequest {
    api::NodeId node = 0;
    api::Op op = api::Op::kGet;
    uint64_t acked_floor = 0;  // the highest acknowledged index when it was submitted
  };
  std::map<uint64_t, OpenRequest> open_;  // by sequence: submitted, not yet answered
  std::vector<std::string> events_;
  Trace* trace_ = nullptr;
  size_t violations_traced_ = 0;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_CHOICE_WORLD_H_
