// Clients of the simulated cluster, recorded as a matrix/lin History.
//
// N clients over K keys with Zipf skew (key k has weight 1/(k+1)^s: hot keys
// dominate); operations get, put, append, cas. Each client has one operation
// outstanding at a time (as the history requires) and follows a script of
// operations at absolute times whose spacing sets the offered rate; a client
// that falls behind issues the next one as soon as the previous ends. A client:
//  - finds the leader from reply hints that carry a term, ignoring a hint older
//    than the newest term it has seen;
//  - times out and retries with the SAME (client_id, sequence), so the
//    cluster's sessions can apply it at most once, with exponential backoff
//    and jitter, within a retry budget. Earlier attempts stay in flight: retries
//    amplify load exactly when the cluster is weakest;
//  - records an operation whose budget ran out as indeterminate (kInfo);
//    kFail only when it certainly had no effect (a cas that did not match, or a
//    definite refusal of the very first attempt).
// Retries, timeouts and outcomes are counted per cohort (client_id % cohorts).
//
// Client <-> node traffic has its own latency but no loss: a request to a node
// that is down when it arrives is lost, which the client sees as a timeout.
// Everything is driven from the workload's random stream and a script of
// operations generated up front (so the shrinker can remove operations).
#ifndef RAFTLOG_MATRIX_SIM_WORKLOAD_H_
#define RAFTLOG_MATRIX_SIM_WORKLOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "matrix/check/checker.h"
#include "matrix/lin/history.h"
#include "matrix/sim/random.h"
#include "matrix/sim/timed_queue.h"
#include "matrix/sim/trace.h"
#include "versions/api/node.h"

namespace raftlog::sim {

struct WorkloadOptions {
  int clients = 5;
  int keys = 8;
  double zipf_s = 1.0;            // 0 = uniform
  uint64_t ops_per_sec = 200;     // offered rate of all clients together
  int get_weight = 40;
  int put_weight = 25;
  int append_weight = 20;
  int cas_weight = 15;
  uint64_t timeout_us = 300'000;  // per attempt
  uint64_t backoff_base_us = 20'000;
  uint64_t backoff_max_us = 1'000'000;
  int max_attempts = 6;           // retry budget per operation (attempts, not retries)
  uint64_t latency_min_us = 100;  // client <-> node, one way
  uint64_t latency_max_us = 500;
  int cohorts = 3;
  // Share of Gets (parts per million) that ask for a stale read
  // (Request::stale_read_ok): sent first to a random member, kept OUT of the
  // linearizability history (a stale read promises less) and recorded as
  // observations for the stale-read checker (matrix/sim/stale_reads.h). A
  // client keeps a floor, the highest reply index it has seen, and retries a
  // stale answer read from an applied index below it (counted), so that
  // monotonic reads is a promise the client can hold the cluster to.
  uint32_t stale_read_ppm = 0;
};

// One operation of a client's script. Values are unique per operation, so a
// history names which write a read saw.
struct ClientOp {
  uint64_t client = 0;  // 1-based
  api::Op op = api::Op::kGet;
  uint32_t key = 0;
  std::string value;    // put/append/cas: the new value
  // Issued at this simulated time, or as soon as the client's previous
  // operation ends if that is later. Absolute, so removing an operation (the
  // shrinker does) does not shift the ones after it.
  uint64_t at_us = 0;
  bool stale = false;   // kGet: asks for a stale read (WorkloadOptions::stale_read_ppm)
};

// What a client learned from one successful operation, in completion order:
// the input of the stale-read checker.
struct Observation {
  enum class Kind { kWrite, kRead, kStaleRead };
  Kind kind = Kind::kRead;
  uint64_t client = 0;
  uint32_t key = 0;
  uint64_t time_us = 0;   // when the client learned it
  api::NodeId node = 0;   // who answered
  uint64_t index = 0;     // Reply::index (write: applied at; read: read from)
  std::string written;    // kWrite: the operation's unique value
  bool found = false;     // reads (a failed cas counts as a read of its current value)
  std::string value;      // reads: the value returned
};

// The scripts of all clients, drawn from `seed`, long enough to keep every
// client busy for `duration_us` at the offered rate (and then some).
std::vector<ClientOp> GenerateOps(uint64_t seed, const WorkloadOptions& options,
                                  uint64_t duration_us);
std::string KeyName(uint32_t key);
std::string ClientOpString(const ClientOp& op);

// Zipf sampler over [0, n) with exponent s, from an integer CDF table.
class Zipf {
 public:
  Zipf(uint32_t n, double s);
  uint32_t Sample(api::Random& r) const;

 private:
  std::vector<uint64_t> cdf_;  // cumulative weights scaled to 2^53
};

struct CohortStats {
  uint64_t ops = 0, ok = 0, fail = 0, info = 0;
  uint64_t attempts = 0, retries = 0, timeouts = 0;
  uint64_t not_leader = 0, overloaded = 0;
};

class Workload {
 public:
  // A request arriving at a node.
  struct Submission {
    api::NodeId node = 0;
    api::Request request;
  };
  using AckFn = std::function<void(const check::Ack&)>;

  Workload(uint64_t seed, const WorkloadOptions& options, const std::vector<ClientOp>& script,
           lin::History* history);

  void set_nodes(std::vector<api::NodeId> nodes) { nodes_ = std::move(nodes); }
  void set_ack_fn(AckFn fn) { ack_fn_ = std::move(fn); }
  // Client events (invoke, retry, timeout, complete) go to `trace` if set.
  void set_trace(Trace* trace) { trace_ = trace; }

  // Schedules every client's first operation (at its scripted time).
  void Begin(uint64_t now_us);
  // Earliest pending event, UINT64_MAX when none.
  uint64_t NextTime() const { return events_.empty() ? UINT64_MAX : events_.top().time_us; }
  // Handles the earliest event (REQUIRES: NextTime() == now_us). Returns the
  // request when the event is a request arriving at a node.
  std::optional<Submission> Step(uint64_t now_us);
  // A node emitted `reply`; `entry` is that node's entry at reply.index.
  void OnReply(uint64_t now_us, api::NodeId from, const api::Reply& reply,
               std::optional<api::EntryId> entry);

  // No new operations from now on (outstanding ones run to their end).
  void StopIssuing() { issuing_ = false; }
  // A final read of every key by a fresh client (id clients+1), with retries.
  void StartReadBack(uint64_t now_us);
  // No operation outstanding.
  bool Idle() const;
  bool ReadBackDone() const;

  const std::map<int, CohortStats>& cohorts() const { return cohorts_; }
  uint64_t late_replies() const { return late_replies_; }
  uint64_t stale_hints_ignored() const { return stale_hints_ignored_; }
  uint64_t acked_writes() const { return acked_writes_; }
  uint64_t completed() const { return completed_; }
  const std::vector<Observation>& observations() const { return observations_; }
  // Stale answers below the client's floor, retried.
  uint64_t stale_reads_behind() const { return stale_reads_behind_; }
  // "cohort 0: ops=.. ok=.. ..." lines.
  std::string StatsString() const;

 private:
  enum class Kind { kStart, kArrive, kDeadline, kRetry, kReply };
  struct Event {
    uint64_t time_us = 0;
    uint64_t seq = 0;
    Kind kind = Kind::kStart;
    size_t client = 0;      // index into clients_
    uint64_t token = 0;     // attempt token (kDeadline, kRetry)
    api::NodeId node = 0;   // kArrive: destination; kReply: sender
    api::Request request;   // kArrive
    api::Reply reply;       // kReply
    std::optional<api::EntryId> entry;  // kReply
  };
  struct Client {
    uint64_t id = 0;
    int cohort = 0;
    std::vector<ClientOp> script;
    size_t next = 0;
    bool read_back = false;
    bool busy = false;
    uint64_t sequence = 0;
    api::Request request;
    size_t history_index = 0;
    int attempts = 0;
    uint64_t token = 0;
    api::NodeId leader_guess = 0;
    uint64_t max_term_seen = 0;
    std::map<uint32_t, std::string> last_seen;  // key -> value last read or written
    uint32_t key = 0;
    bool stale = false;  // the current operation is a stale read (not in the history)
    uint64_t floor = 0;  // highest Reply::index of a success so far
  };

  void Push(Event e);
  uint64_t Latency();
  void ScheduleNext(size_t c, uint64_t now_us);
  void BeginOp(size_t c, uint64_t now_us);
  void Send(size_t c, uint64_t now_us);
  void Retry(size_t c, uint64_t now_us, uint64_t delay_us);
  void Finish(size_t c, uint64_t now_us, lin::Outcome outcome, lin::Value result = {});
  void HandleReply(size_t c, const Event& e);
  uint64_t Backoff(int attempts);

  api::SeededRandom random_;
  WorkloadOptions options_;
  lin::History* history_;
  AckFn ack_fn_;
  Trace* trace_ = nullptr;
  std::vector<api::NodeId> nodes_;
  std::vector<Client> clients_;
  TimedQueue<Event> events_;
  uint64_t next_seq_ = 0;
  bool issuing_ = true;
  std::map<int, CohortStats> cohorts_;
  uint64_t late_replies_ = 0;
  uint64_t stale_hints_ignored_ = 0;
  uint64_t acked_writes_ = 0;
  uint64_t completed_ = 0;
  std::vector<Observation> observations_;
  uint64_t stale_reads_behind_ = 0;
  void Observe(size_t c, const Event& e, Observation::Kind kind);
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_WORKLOAD_H_
