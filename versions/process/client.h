// A blocking client of the node protocol (matrix/process/PROTOCOL.md): one
// TCP connection to one node over loopback, every call bounded by a timeout.
// After a timeout or an I/O error the connection is closed (a late reply
// must never be taken for the answer to a later request): reconnect.
#ifndef RAFTLOG_VERSIONS_PROCESS_CLIENT_H_
#define RAFTLOG_VERSIONS_PROCESS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "versions/api/node.h"
#include "versions/process/node_protocol.pb.h"

namespace raftlog::process {

class NodeClient {
 public:
  // Connects to 127.0.0.1:port and performs the handshake as `hello`
  // describes (cluster_id, role, ...). kUnavailable when the node is not
  // there or does not answer in time; kPermissionDenied with the node's
  // reason when it refuses the handshake (the reply is in `*refusal`).
  static absl::StatusOr<std::unique_ptr<NodeClient>> Connect(int port, const Hello& hello,
                                                             int timeout_ms,
                                                             HelloReply* refusal = nullptr);
  // Shorthand for a client (or admin) connection of `cluster_id`.
  static absl::StatusOr<std::unique_ptr<NodeClient>> Connect(int port,
                                                             const std::string& cluster_id,
                                                             bool admin, int timeout_ms);
  ~NodeClient();

  // Sends `request` and waits for the reply with its (client_id, sequence).
  // kDeadlineExceeded on timeout (the outcome is unknown).
  absl::StatusOr<api::Reply> Call(const api::Request& request, int timeout_ms);
  // The node's protocol state.
  absl::StatusOr<NodeState> State(int timeout_ms);
  // Raw frames and bytes, for conformance checks.
  absl::Status SendFrame(const Frame& frame, int timeout_ms);
  absl::Status SendRaw(absl::string_view bytes, int timeout_ms);
  absl::StatusOr<Frame> ReadFrame(int timeout_ms);
  // True when the node closed the connection within `timeout_ms`.
  bool ClosedByPeer(int timeout_ms);

  const HelloReply& hello_reply() const { return hello_reply_; }

 private:
  explicit NodeClient(int fd) : fd_(fd) {}
  void Shut();
  int fd_ = -1;
  std::string in_;
  HelloReply hello_reply_;
};

}  // namespace raftlog::process

#endif  // RAFTLOG_VERSIONS_PROCESS_CLIENT_H_
