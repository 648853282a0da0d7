// A frame-level fault proxy for process mode: one loopback listener per
// directed peer link (from -> to). Node `from` is told to dial the proxy's
// port for `to` (ProcessCluster::SetPeerPort); the proxy dials `to` and
// forwards. Frames (PROTOCOL.md, "Framing") from the dialer are the unit of
// fault: after the handshake frame, which always passes, each frame is
// forwarded, dropped (a cut link, or with a probability) or held back for a
// delay (order kept). Bytes back to the dialer (the HelloReply) pass as they
// are. A cut link is a partition: connections stay up, messages vanish.
//
// One thread; every wait in it is bounded (poll with a 5 ms timeout); the
// destructor stops and joins it and closes every socket.
#ifndef RAFTLOG_MATRIX_PROCESS_FAULT_PROXY_H_
#define RAFTLOG_MATRIX_PROCESS_FAULT_PROXY_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "versions/api/node.h"

namespace raftlog::process {

struct LinkFault {
  bool cut = false;
  int drop_percent = 0;  // 0..100
  int delay_ms = 0;
};

class FaultProxy {
 public:
  // `node_ports`: every node's real port. Listens on a kernel-chosen
  // 127.0.0.1 port for every ordered pair of distinct nodes.
  static absl::StatusOr<std::unique_ptr<FaultProxy>> Create(
      const std::map<api::NodeId, int>& node_ports, uint64_t seed);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // The port node `from` must dial to reach `to` through the proxy.
  int port(api::NodeId from, api::NodeId to) const;
  void SetFault(api::NodeId from, api::NodeId to, LinkFault fault);
  // Cuts every link between `side` and the other nodes, both directions.
  void Partition(const std::set<api::NodeId>& side);
  // Every link back to no fault.
  void Heal();

  struct Stats {
    uint64_t forwarded = 0;
    uint64_t dropped = 0;
    uint64_t delayed = 0;
    uint64_t connections = 0;
  };
  Stats stats() const;

 private:
  struct Link;
  struct Pipe;
  FaultProxy() = default;
  void Run();
  void Accept(size_t link);
  // Moves whole frames from the dialer's buffer to the target, applying the
  // link's fault.
  void Route(Pipe& p, uint64_t now_us);

  std::vector<std::unique_ptr<Link>> links_;
  std::map<std::pair<api::NodeId, api::NodeId>, size_t> link_index_;
  std::vector<std::unique_ptr<Pipe>> pipes_;
  mutable std::mutex mu_;  // guards the faults and stats
  Stats stats_;
  uint64_t random_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace raftlog::process

#endif  // RAFTLOG_MATRIX_PROCESS_FAULT_PROXY_H_
