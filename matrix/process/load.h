// Client load and state sampling for process-mode tests, over the node
// protocol (versions/process/client.h).
//
// ClientLoad: `clients` threads, each one Jepsen process at a time, appending
// unique tokens to a few keys and reading them back, with timeouts. A
// redirect (not the leader) or any other refusal is certain: the request is
// retried, same (client, sequence), at the hinted node. A timeout or a lost
// connection after the request was sent is indeterminate: the operation is
// recorded :info and the thread continues as a NEW client id (a new session),
// so no later request can be mistaken for its answer.
//
// StateSampler: one thread polling every node's admin state, recording what
// the invariant checks need.
#ifndef RAFTLOG_MATRIX_PROCESS_LOAD_H_
#define RAFTLOG_MATRIX_PROCESS_LOAD_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "matrix/lin/history.h"
#include "versions/api/node.h"

namespace raftlog::process {

struct LoadOptions {
  std::string cluster_id;
  std::map<api::NodeId, int> ports;  // every node's port
  int clients = 4;
  int keys = 8;
  int call_timeout_ms = 500;     // one request to one node
  int op_timeout_ms = 3000;      // one operation, redirects and refusals included
  int pause_between_ops_us = 2000;
  int read_percent = 30;
  uint64_t max_ops_per_client = 20000;  // a bound, whatever the run's length
  uint64_t seed = 1;
};

struct LoadStats {
  uint64_t ops = 0;          // operations recorded
  uint64_t ok = 0;
  uint64_t info = 0;         // indeterminate
  uint64_t acked_writes = 0;
  uint64_t redirects = 0;
  uint64_t retries = 0;
};

class ClientLoad {
 public:
  explicit ClientLoad(LoadOptions options) : options_(std::move(options)) {}
  ~ClientLoad() { Stop(); }
  void Start();
  // Signals the threads and joins them (each finishes its operation first,
  // bounded by op_timeout_ms).
  void Stop();

  // Valid after Stop(): the merged history (invocation order), and for each
  // key the tokens whose append was acknowledged, in acknowledgement order.
  lin::History history() const;
  std::map<std::string, std::vector<std::string>> acked_appends() const;
  // Tokens acknowledged so far (safe while running).
  std::map<std::string, std::vector<std::string>> AckedSoFar() const;
  LoadStats stats() const;
  // Adds an operation made outside the load's threads (a probe) to the
  // history. Its process id must be one no load thread uses.
  void Record(lin::Operation op);

 private:
  void RunClient(int index);

  LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  mutable std::mutex mu_;
  std::vector<lin::Operation> ops_;
  std::map<std::string, std::vector<std::string>> acked_;
  LoadStats stats_;
  int64_t start_us_ = 0;
};

struct StateSample {
  int64_t time_us = 0;
  api::NodeId node = 0;
  uint64_t pid = 0;  // which process of that node answered (server_counters "pid")
  std::string release;
  uint64_t term = 0;
  std::string role;
  api::NodeId leader = 0;
  uint64_t commit_index = 0;
  uint64_t applied_index = 0;
  uint32_t cluster_version = 0;
};

class StateSampler {
 public:
  StateSampler(std::string cluster_id, std::map<api::NodeId, int> ports, int period_ms)
      : cluster_id_(std::move(cluster_id)), ports_(std::move(ports)), period_ms_(period_ms) {}
  ~StateSampler() { Stop(); }
  void Start();
  void Stop();
  std::vector<StateSample> samples() const;

 private:
  void Run();
  std::string cluster_id_;
  std::map<api::NodeId, int> ports_;
  int period_ms_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<StateSample> samples_;
};

// The invariants a sampled run must keep, each violation one line:
//  - at most one leader per term (election safety);
//  - per node incarnation, commit and applied index never go back;
//  - per node, the term never goes back, across restarts too (it is durable).
std::vector<std::string> CheckSampledInvariants(const std::vector<StateSample>& samples);

}  // namespace raftlog::process

#endif  // RAFTLOG_MATRIX_PROCESS_LOAD_H_
