// The driver's private header: the class that runs one ScenarioPlan on
// matrix/sim (driver.h says what a run does and returns). Only the
// driver's own files include it.
//
// The driver is a step machine. StartStep(i) records step i and calls
// BeginStep, which looks up the step kind's StepHandler (HandlerFor) and
// calls its `begin`; a step that waits is polled every kPollUs through its
// `poll` until it finishes. Every handler keeps the same contract:
//   begin  does the step's action, then either calls Finish (the step is
//          over; the next one is scheduled) or Wait(deadline) (the step
//          holds back the ones after it until `poll` finishes it). What it
//          schedules for later (a restart, a heal, a cut, a watch) may
//          outlive the step; a late refusal or wrong outcome is written to
//          the step's record (records_[step]) directly;
//   poll   looks at the cluster, and returns true once it called Finish
//          (it must, at the latest when the deadline has passed).
//
// The handlers live in files by concern:
//   driver.cc             the run, the hooks, the cluster views, the step
//                         machine and its dispatch table, the result;
//   driver_rollout.cc     releases: start, join, upgrade, crash-upgrade,
//                         downgrade procedure, observe/gate windows, checks
//                         (with the cross-release probe);
//   driver_membership.cc  administrative requests (finalize, add, promote,
//                         remove), joint consensus, learner promotion while
//                         cut off, catch-up (by snapshot where needed);
//   driver_leadership.cc  elections, split votes, a deposed leader's reads;
//   driver_faults.cc      crashes, partitions, clocks, lag, compaction,
//                         pause, overload;
//   driver_adversary.cc   the adversary on the links.
#ifndef RAFTLOG_MATRIX_RUNNER_DRIVER_INTERNAL_H_
#define RAFTLOG_MATRIX_RUNNER_DRIVER_INTERNAL_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "matrix/check/checker_set.h"
#include "matrix/check/membership_durability.h"
#include "matrix/runner/adversary.h"
#include "matrix/runner/driver.h"
#include "matrix/runner/gate.h"
#include "matrix/runner/overload.h"
#include "matrix/runner/sampler.h"
#include "matrix/runner/scenario.h"
#include "matrix/sim/simulation.h"
#include "versions/api/node.h"

namespace raftlog::runner::driver_internal {

inline std::string Secs(uint64_t us) { return absl::StrFormat("%.3fs", us / 1e6); }

// A waiting step looks at the cluster this often.
constexpr uint64_t kPollUs = 20'000;
// The client operations a red cell's timeline draws: around the first
// violation (or the end of the run), at most this many.
constexpr uint64_t kOpBarsBeforeUs = 3'000'000, kOpBarsAfterUs = 1'000'000;
constexpr size_t kMaxOpBars = 300;
// A request without an answer is sent again after kAdminResendUs; one
// answered with a retryable error after kAdminRetryUs.
constexpr uint64_t kAdminResendUs = 1'000'000;
constexpr uint64_t kAdminRetryUs = 100'000;

class Driver;

// How the driver runs one kind of step (the contract: the header comment).
struct StepHandler {
  void (Driver::*begin)() = nullptr;
  bool (Driver::*poll)() = nullptr;  // null: the step never waits
};

class Driver : public sim::SimulationHooks {
 public:
  Driver(const ScenarioPlan& p, const ExecOptions& o);

  // The whole run: steps and background faults, heal, liveness, drain,
  // read-back, then the checkers' verdicts.
  RunResult Run();

 private:
  static sim::SimOptions SimOptionsFor(const ScenarioPlan& p, const ExecOptions& o);

  // ---- hooks (sim::SimulationHooks), driver.cc ----------------------------
  void AfterEvent() override;
  void OnAck(const check::Ack& ack) override;
  bool Excluded(api::NodeId id) const override { return Removed(id); }
  const char* SkipFault(sim::FaultKind kind) const override;
  void OnFaultBand(uint64_t duration_us, api::NodeId node, const std::string& label) override;
  bool Restart(api::NodeId node, const std::string& want, int step) override;
  void BeforeHeal() override;

  // ---- cluster views and shared actions, driver.cc ------------------------
  bool Up(api::NodeId n) const { return n != 0 && cluster_.status(n) == sim::NodeStatus::kUp; }
  bool Removed(api::NodeId n) const { return removed_.count(n) > 0; }
  std::vector<api::NodeId> Members() const;    // every node ever started, not removed
  uint64_t MaxCommit() const;                  // the highest commit index of a node up
  uint32_t MaxClusterVersion() const;          // the highest a member up reports
  std::string Who(api::NodeId n) const;        // "n2@v3"; "none" for 0
  std::vector<NodeRow> Rows() const;           // the state table of every node
  CounterSample Sample() const;                // what a gate window measures (gate.h)
  bool PlanHas(StepKind kind) const;
  // `n`, or the leader when `n` is 0; 0 when absent or removed.
  api::NodeId Resolve(api::NodeId n) const;
  // A fault band on the report's timeline, from now, `duration_us` long.
  void Band(uint64_t duration_us, api::NodeId node, std::string label);
  void RefreshClients() { workload_.set_nodes(Members()); }
  // Starts `n` with `tag`; on a refusal puts it back on its last good release.
  // Returns the refusal, OK otherwise.
  absl::Status StartOrRollBack(api::NodeId n, const std::string& tag);
  void ScheduleRestart(api::NodeId n, uint64_t after_us, std::string tag, int step);
  void ScheduleHeal(int pid, uint64_t after_us);
  // Feeds every administrative reply not seen yet to the membership checker.
  void ScanAdminReplies();

  // ---- the step machine, driver.cc ----------------------------------------
  StepRecord& Rec() { return records_[current_]; }
  const Step& Cur() const { return p_.steps[current_]; }
  static StepHandler HandlerFor(StepKind kind);
  void StartStep(size_t i);
  void BeginStep();
  void Finish(StepResult result, std::string detail);
  void Wait(uint64_t deadline_us);
  void SchedulePoll();
  void Poll();

  // ---- releases, driver_rollout.cc ----------------------------------------
  void BeginStart();
  void BeginJoin();
  void BeginUpgrade();
  void BeginCrashUpgrade();
  void BeginDowngrade();
  void BeginAwaitDowngraded();
  bool PollDowngraded();
  void BeginWindow();  // kObserve, kGate
  bool PollWindow();
  void FinishWindow();
  void BeginCheck();
  bool PollCheck();

  // A kCheck right after an upgrade step (or a crash-upgrade) in a cluster
  // with both releases up writes a fresh key through the leader, waits until
  // a node of the release left and one of the release arrived have applied
  // it, and reads it back through the leader (below cluster version 3 only
  // the leader answers a Get): the written value must be what it reads.
  struct ProbeState {
    bool applies = false;
    int phase = 0;               // 0: put, 1: both applied, 2: get, 3: done
    std::string key, value;
    api::NodeId old_node = 0, new_node = 0;
    uint64_t index = 0;
    size_t seen = 0;
    uint64_t sent_us = 0;
    bool in_flight = false;
    std::string detail;
  };
  enum class ProbeStatus { kPassed, kWorking, kFinished };
  void StartProbe();
  void SendProbe(api::Op op);
  ProbeStatus CrossReleaseProbe();

  // ---- administrative requests and features, driver_membership.cc ---------
  struct AdminState {
    api::Request request;
    size_t seen = 0;         // admin replies already looked at
    bool in_flight = false;
    uint64_t sent_us = 0;
    uint64_t next_try_us = 0;
    int attempts = 0;
    std::string last;        // last answer that was not a success
    std::string refusal;     // last refusal by a leader (kFailedPrecondition ...)
  };
  void BeginAdminRequest();  // kFinalize, kAddVoter, kAddLearner, kPromote, kRemove
  bool PollAdmin();          // also kDowngrade's request
  bool AdminReplyFinished(const sim::AdminReply& a);
  void FinishAdminAtDeadline();
  void SendAdminRequest();
  void BeginAddVoterCut();
  void Cut(api::NodeId node, uint64_t duration_us);
  void BeginAddVotersAtOnce();
  void BeginCatchUp();
  bool PollCatchUp();
  void NoteSnapshotNeed(api::NodeId n);
  bool SnapshotNeedUnmet(const api::ProtocolState& st, uint64_t installs);

  struct FeatureState {
    api::Request request;
    size_t seen = 0;                   // admin replies already looked at
    bool resolved = false;             // kChangeConfig: the target set is fixed
    std::vector<api::NodeId> old_voters;
    bool in_flight = false;
    uint64_t sent_us = 0, first_sent_us = 0, next_try_us = 0;
    int attempts = 0;
    int behind_refusals = 0;           // kPromoteCut: kUnavailable while the learner is behind
    bool accepted = false;
    std::string accepted_detail;
    bool disturbed = false;            // the crash or partition of a kChangeConfig happened
    std::string promoted_behind;       // kPromoteCut: the leader promoted a learner behind
    std::string last;
  };
  void BeginFeatureRequest();  // kChangeConfig, kPromoteCut
  void ResolveVoters(api::NodeId leader);
  bool SendFeatureRequest();
  void DisturbJointChange(api::NodeId leader);
  std::optional<StepResult> FeatureReply(std::string* detail);
  void FinishNotAccepted(StepResult r, const std::string& detail);
  bool PollChangeConfig();
  std::vector<std::string> ConfigPending(const std::vector<api::NodeId>& voters);
  std::string StopDroppedVoters(const std::vector<api::NodeId>& voters);
  bool PollPromoteCut();

  // ---- leadership, driver_leadership.cc -----------------------------------
  struct ElectState {
    int rounds = 0;
    int pid = -1;
    uint64_t round_end = 0;
    uint64_t next_round = 0;
  };
  void BeginElect();
  bool PollElect();

  struct VoteState {
    bool armed = false;
    bool fired = false;
    api::NodeId a = 0, b = 0;
    uint64_t term = 0;  // highest term before the campaign
    std::string detail;
  };
  void BeginSplitVote();
  bool PollSplitVote();
  void VoteTrigger();

  // While deposed: once another node leads a newer term and has committed
  // in it while the deposed node still believes it leads, a linearizable
  // Get goes to the deposed node. Answering it successfully is a wrong
  // outcome (it cannot know it still leads: thesis 6.4); refusing it or not
  // answering is right.
  struct DeposeWatch {
    size_t step = 0;
    api::NodeId node = 0;
    uint64_t term = 0;       // the deposed leader's term
    uint64_t until_us = 0;   // the heal
    bool asked = false;
    size_t seen = 0;         // admin replies before the read
    std::string why;         // who led meanwhile
  };
  void BeginDepose();
  void WatchDeposed(DeposeWatch w);

  // ---- faults, driver_faults.cc -------------------------------------------
  void BeginCrash();
  void BeginIsolate();
  void BeginHalves();
  void BeginClockJump();
  void BeginLag();
  void BeginRejoin();
  void HealLag(api::NodeId n);
  void BeginCompact();
  void BeginPause();
  void ResumePaused(api::NodeId n);

  struct OverloadState {
    int phase = 0;  // 0 baseline, 1 storm, 2 recovery
    CounterSample start;
    uint64_t phase_end = 0;
    uint64_t storm_end = 0;
    OverloadFigures f;
    api::NodeId slow = 0, noisy = 0;
    sim::DiskFaults disk_before;
    int64_t drift_before = 0;
    uint64_t overloaded_before = 0;
    sim::CohortStats clients_before;
  };
  void BeginOverload();
  bool PollOverload();
  void StartStorm();
  void EndStorm();
  void FinishOverload();
  sim::CohortStats ClientTotals() const;
  uint64_t OverloadedReplies() const;

  // ---- the adversary, driver_adversary.cc ---------------------------------
  static constexpr size_t kCaptureKeep = 512;     // latest messages kept
  static constexpr size_t kEarlierAppendsKeep = 64;
  static constexpr size_t kCandidates = 16;       // latest messages to a target to pick from
  static constexpr int kAdversaryRounds = 3;      // rounds of altered messages per step
  // Recent AppendEntries replayed to every target this often, the latest
  // few with entries each time: duplicates and reorderings of the moment
  // (a follower whose commit index has not passed them yet).
  static constexpr uint64_t kReplayEveryUs = 100'000;
  static constexpr size_t kReplaysPerRound = 3;

  struct Captured {
    uint64_t time_us = 0;
    api::NodeId from = 0, to = 0;
    std::string type, bytes;
  };
  void SetUpAdversary();
  void Tally(const std::string& key, uint64_t n = 1);
  std::string StepTally() const;
  void BeginAdversary();
  bool PollAdversary();
  std::vector<api::NodeId> AdversaryTargets() const;
  void AdversaryRound(int round);
  void ReplayRound();
  void InjectAltered(api::NodeId t, api::SeededRandom& r);
  void InjectOldReplay(api::NodeId t, api::SeededRandom& r);
  void InjectOne(api::NodeId t, api::NodeId sender, Injection kind, const std::string& bytes,
                 const std::string& type);

  // ---- the result, driver.cc ----------------------------------------------
  RunResult Result(bool read_back_done, uint64_t heal_at);
  void CopyStepRecords(RunResult& r);
  static std::string WithoutSamplerVerdict(absl::string_view verdicts);
  void FaultTelemetry(RunResult& r);

  // ---- state --------------------------------------------------------------
  const ScenarioPlan& p_;
  const ExecOptions& o_;
  const sim::SimOptions so_;
  sim::Simulation sim_;  // the run loop, background faults and heal
  sim::Trace& trace_;
  check::CheckerSet& checkers_;
  lin::History& history_;
  sim::Cluster& cluster_;
  sim::Workload& workload_;
  Sampler* sampler_ = nullptr;
  uint64_t downgrade_index_ = 0;  // index of the accepted downgrade request (0: none)
  check::MembershipDurability* membership_ = nullptr;  // owned by checkers_
  size_t admin_scanned_ = 0;
  CounterSample window_start_;    // kObserve, kGate: the counters at the window's start
  WindowSignals gate_baseline_;
  bool have_baseline_ = false;
  std::vector<std::string> rollbacks_;  // "@t n2 v2->v1; rollback triggered by: ..."
  std::map<api::NodeId, std::string> good_tag_;
  std::set<api::NodeId> removed_;
  std::map<api::NodeId, int> lag_;
  std::map<api::NodeId, uint64_t> lag_since_;
  std::vector<FaultBand> bands_;
  // The step machine.
  std::vector<StepRecord> records_;
  size_t current_ = 0;
  bool steps_done_ = false;
  bool waiting_ = false;
  uint64_t deadline_ = 0;
  uint64_t baseline_ = 0;
  uint64_t installs_before_ = 0;
  bool rollout_stopped_ = false;
  ElectState elect_;
  AdminState admin_;
  VoteState vote_;
  AdversaryChecker* adversary_ = nullptr;  // owned by checkers_; null without kAdversary
  std::deque<Captured> captured_;
  std::vector<Captured> earlier_appends_;
  std::map<std::string, uint64_t> fault_telemetry_;  // RunResult::fault_telemetry
  std::map<std::string, uint64_t> step_tally_;       // the current step's share of it
  OverloadState overload_;
  FeatureState feature_;          // kChangeConfig, kPromoteCut
  ProbeState probe_;              // kCheck: the cross-release write and read
  bool needs_snapshot_ = false;   // kCatchUp: only a snapshot can close the node's gap
  uint64_t snapshot_before_ = 0;  // kCatchUp: the node's snapshot index at the start
};

}  // namespace raftlog::runner::driver_internal

#endif  // RAFTLOG_MATRIX_RUNNER_DRIVER_INTERNAL_H_
