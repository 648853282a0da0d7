// A node server of process mode: one release's api::Node behind loopback TCP
// (matrix/process/PROTOCOL.md is the contract). Single-threaded: one poll()
// loop delivers peer bytes, client requests and timer ticks to the node, and
// after every input drains its Ready exactly as the simulator does
// (matrix/sim/cluster.cc, AfterStep): messages go to peers, replies to the
// connection that asked, applied entries and audit events to the log.
//
// The Env is the real one (posix_env.h). Every release syncs before an input
// returns (versions/api/node.h), so whatever a reply or a message depends on
// is on disk before it leaves the process: a SIGKILL loses only what no one
// was told.
#ifndef RAFTLOG_VERSIONS_PROCESS_SERVER_H_
#define RAFTLOG_VERSIONS_PROCESS_SERVER_H_

#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "versions/api/node.h"
#include "versions/process/node_protocol.pb.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {

// Exit codes of a node server (PROTOCOL.md, "Exit codes").
inline constexpr int kExitClean = 0;        // stopped by SIGTERM or SIGINT
inline constexpr int kExitInternal = 1;     // an unexpected failure while running
inline constexpr int kExitUsage = 2;        // bad flags
inline constexpr int kExitDataRefused = 3;  // Node::Start refused the data directory
inline constexpr int kExitIo = 4;           // data directory, lock, socket or port file

struct ServerOptions {
  api::NodeId id = 0;
  std::string data_dir;
  std::string cluster_id;
  std::string cluster_key;  // default: cluster_id
  std::map<api::NodeId, std::pair<std::string, int>> peers;  // id -> (127.0.0.1, port)
  std::vector<api::NodeId> bootstrap_voters;
  int listen_fd = -1;  // an inherited listening socket; else `port` is bound
  int port = -1;       // 0: the kernel picks (see port_file)
  std::string port_file;
  int tick_ms = 10;
  int election_ticks = 10;
  int heartbeat_ticks = 1;
  uint64_t snapshot_threshold = 1000;
  uint64_t max_inflight_requests = 1000;
  bool auto_finalize = false;
  uint64_t seed = 0;  // 0: derived from the id, the pid and the clock
};

// Parses --flag=value arguments (PROTOCOL.md, "Start-up flags").
// InvalidArgument names the bad flag.
absl::StatusOr<ServerOptions> ParseServerFlags(int argc, char** argv);

class Server {
 public:
  Server(ServerOptions options, const api::ReleaseInfo& release);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens and locks the data directory, listens, starts the node. On error
  // `*exit_code` says which exit code the failure maps to.
  absl::Status Init(int* exit_code);
  // Serves until `*stop` is set (by a signal handler). Returns an exit code.
  int Run(const volatile std::sig_atomic_t* stop);

 private:
  struct Conn;
  void Log(const std::string& line);
  void Count(const std::string& name, uint64_t n = 1) { counters_[name] += n; }

  absl::Status Listen();
  void DialPeers(uint64_t now_us);
  void AcceptAll();
  void OnReadable(Conn& c);
  void OnWritable(Conn& c);
  void OnConnected(Conn& c);
  void HandleFrame(Conn& c, Frame frame);
  void HandleHello(Conn& c, const Hello& hello);
  void HandleHelloReply(Conn& c, const HelloReply& reply);
  void HandleRequest(Conn& c, const Request& request);
  // Empty when the peer's Raft protocol range fits this node's window.
  std::string WindowProblem(uint32_t min_protocol, uint32_t max_protocol) const;
  void Send(Conn& c, const Frame& frame);
  void Close(Conn& c, const std::string& why);
  void SweepClosed();
  // Drains the node's Ready after an input (the simulator's AfterStep).
  void AfterInput();
  void SendToPeer(api::NodeId to, api::Outbound message);
  void RunDueTicks(uint64_t now_us);
  NodeState StateProto() const;

  ServerOptions options_;
  const api::ReleaseInfo& release_;
  std::unique_ptr<PosixFileSystem> fs_;
  MonotonicClock clock_;
  std::unique_ptr<Splitmix64> random_;
  std::unique_ptr<api::Node> node_;
  int lock_fd_ = -1;
  int listen_fd_ = -1;
  uint64_t next_serial_ = 1;
  std::map<uint64_t, std::unique_ptr<Conn>> conns_;  // by serial
  std::map<api::NodeId, uint64_t> peer_out_;         // peer -> serial of our dialed conn
  std::map<api::NodeId, uint64_t> next_dial_us_;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> pending_;  // (client, seq) -> serial
  std::map<std::string, uint64_t> counters_;
  uint64_t next_tick_us_ = 0;
  api::Role last_role_ = api::Role::kFollower;
  uint64_t last_term_ = 0;
};

// main() of a node binary: parses flags, installs SIGTERM/SIGINT handlers,
// runs the server over `release`. Returns the exit code.
int ServerMain(int argc, char** argv, const api::ReleaseInfo& release);

}  // namespace raftlog::process

#endif  // RAFTLOG_VERSIONS_PROCESS_SERVER_H_
