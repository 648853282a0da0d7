// A cluster of node-server processes on this machine (process mode): real
// binaries, real data directories, loopback TCP only.
//
// Safety contract (every test of matrix/process relies on it):
//  - Ports come from the kernel: the harness binds one listening socket per
//    node on 127.0.0.1:0 when the cluster is created and hands it to every
//    incarnation of that node as fd 3 (--listen_fd=3). No port is ever
//    guessed, so two tests never collide, and a node keeps its address
//    across restarts.
//  - Every child dies with the harness: it runs with PR_SET_PDEATHSIG=SIGKILL
//    in its own process group, the destructor SIGKILLs and reaps every child,
//    and SIGTERM/SIGINT/SIGHUP/SIGABRT to the harness kill every child before
//    the harness dies. Children are forked from the thread that created the
//    cluster (PDEATHSIG follows the forking thread).
//  - Every wait is bounded by a timeout.
#ifndef RAFTLOG_MATRIX_PROCESS_PROCESS_CLUSTER_H_
#define RAFTLOG_MATRIX_PROCESS_PROCESS_CLUSTER_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "versions/api/node.h"
#include "versions/process/node_protocol.pb.h"

namespace raftlog::process {

struct ProcessClusterOptions {
  std::string base_dir;                         // data directories and logs go here
  std::string cluster_id = "process-smoke";
  std::map<std::string, std::string> binaries;  // release tag -> node binary
  std::vector<api::NodeId> ids = {1, 2, 3};     // every node the cluster may start
  std::vector<api::NodeId> bootstrap_voters;    // empty: all of `ids`
  std::vector<api::NodeId> joiners;             // start without bootstrap: join a leader
  int tick_ms = 10;
  int election_ticks = 10;
  uint64_t snapshot_threshold = 100000;
  std::vector<std::string> extra_flags;  // appended to every node's flags
};

class ProcessCluster {
 public:
  static absl::StatusOr<std::unique_ptr<ProcessCluster>> Create(ProcessClusterOptions options);
  // SIGKILLs and reaps every child still running.
  ~ProcessCluster();
  ProcessCluster(const ProcessCluster&) = delete;
  ProcessCluster& operator=(const ProcessCluster&) = delete;

  // Starts node `id` running release `tag` on its data directory.
  absl::Status Start(api::NodeId id, const std::string& tag);
  // SIGTERM, then waits up to `timeout_ms` for the exit; returns the exit
  // code. On timeout the node is SIGKILLed and the result is an error.
  absl::StatusOr<int> Stop(api::NodeId id, int timeout_ms = 5000);
  // SIGSTOP / SIGCONT: a process pause (a long GC or a stalled VM); the node
  // resumes with the view it had.
  absl::Status Pause(api::NodeId id);
  absl::Status Resume(api::NodeId id);
  // SIGKILL (kill -9) and reap.
  absl::Status Kill(api::NodeId id);
  // Reaps a node that exited on its own; true when it is (still) running.
  bool Running(api::NodeId id);

  // From the next start of `from` on, it dials `port` to reach `to` (a
  // fault proxy's port) instead of `to`'s own.
  void SetPeerPort(api::NodeId from, api::NodeId to, int port) { peer_ports_[{from, to}] = port; }

  int port(api::NodeId id) const;
  pid_t pid(api::NodeId id) const;
  const std::string& tag(api::NodeId id) const;
  int incarnation(api::NodeId id) const;
  std::string log_path(api::NodeId id) const;
  std::string data_dir(api::NodeId id) const;
  const std::vector<api::NodeId>& ids() const { return options_.ids; }
  const std::string& cluster_id() const { return options_.cluster_id; }

  // The node's protocol state over a fresh admin connection.
  absl::StatusOr<NodeState> State(api::NodeId id, int timeout_ms = 500) const;
  // Polls every running node's state until `ok` holds for the map of states
  // (only nodes that answered), or `timeout_ms` passes.
  absl::Status WaitFor(const std::string& what,
                       const std::function<bool(const std::map<api::NodeId, NodeState>&)>& ok,
                       int timeout_ms);
  // The leader the running nodes agree on (the highest term's leader that
  // reports itself as leader), or 0.
  api::NodeId Leader();

 private:
  struct Child {
    int listen_fd = -1;
    int port = 0;
    pid_t pid = 0;
    std::string tag;
    int incarnation = 0;
  };
  explicit ProcessCluster(ProcessClusterOptions options) : options_(std::move(options)) {}
  Child& child(api::NodeId id);
  const Child& child(api::NodeId id) const;
  void Forget(Child& c);

  ProcessClusterOptions options_;
  std::map<api::NodeId, Child> children_;
  std::map<std::pair<api::NodeId, api::NodeId>, int> peer_ports_;
};

// Runs `argv` (argv[0] the binary) to its exit, under the same safety as a
// node (PDEATHSIG, own process group, registered for the signal handlers),
// output appended to `log_path`. Returns the exit code; DeadlineExceeded
// (after SIGKILL and reaping) when it runs longer than `timeout_ms`.
absl::StatusOr<int> RunToExit(const std::vector<std::string>& argv, const std::string& log_path,
                              int timeout_ms);

// Sends SIGKILL to every child any ProcessCluster of this process started
// and has not reaped. Async-signal-safe (the harness's signal handlers call it).
void KillAllChildren();

}  // namespace raftlog::process

#endif  // RAFTLOG_MATRIX_PROCESS_PROCESS_CLUSTER_H_
