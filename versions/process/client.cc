#include "versions/process/client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "versions/process/convert.h"
#include "versions/process/frame.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {
namespace {

uint64_t DeadlineAfter(int timeout_ms) {
  return MonotonicMicros() + static_cast<uint64_t>(timeout_ms) * 1000;
}

// Milliseconds left until `deadline_us`, at least 0.
int MsLeft(uint64_t deadline_us) {
  uint64_t now = MonotonicMicros();
  return now >= deadline_us ? 0 : static_cast<int>((deadline_us - now + 999) / 1000);
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeClient>> NodeClient::Connect(int port, const Hello& hello,
                                                                int timeout_ms,
                                                                HelloReply* refusal) {
  const uint64_t deadline = DeadlineAfter(timeout_ms);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  std::unique_ptr<NodeClient> client(new NodeClient(fd));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only, by construction
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(absl::StrCat("connect 127.0.0.1:", port, ": ", strerror(errno)));
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, MsLeft(deadline)) <= 0) {
      return absl::UnavailableError(absl::StrCat("connect 127.0.0.1:", port, ": timed out"));
    }
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      return absl::UnavailableError(absl::StrCat("connect 127.0.0.1:", port, ": ", strerror(err)));
    }
  }
  Frame f;
  *f.mutable_hello() = hello;
  absl::Status s = client->SendFrame(f, MsLeft(deadline));
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("handshake: ", s.message()));
  absl::StatusOr<Frame> reply = client->ReadFrame(MsLeft(deadline));
  if (!reply.ok()) return absl::UnavailableError(absl::StrCat("handshake: ", reply.status().message()));
  if (!reply->has_hello_reply()) return absl::DataLossError("handshake: the answer is no HelloReply");
  client->hello_reply_ = reply->hello_reply();
  if (!client->hello_reply_.accepted()) {
    if (refusal != nullptr) *refusal = client->hello_reply_;
    return absl::PermissionDeniedError(
        absl::StrCat("handshake refused: ", client->hello_reply_.reason()));
  }
  return client;
}

absl::StatusOr<std::unique_ptr<NodeClient>> NodeClient::Connect(int port,
                                                                const std::string& cluster_id,
                                                                bool admin, int timeout_ms) {
  Hello hello;
  hello.set_node_protocol(NODE_PROTOCOL_V1);
  hello.set_role(admin ? ROLE_ADMIN : ROLE_CLIENT);
  hello.set_cluster_id(cluster_id);
  return Connect(port, hello, timeout_ms);
}

NodeClient::~NodeClient() { Shut(); }

void NodeClient::Shut() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

absl::Status NodeClient::SendFrame(const Frame& frame, int timeout_ms) {
  absl::StatusOr<std::string> bytes = EncodeFrame(frame);
  if (!bytes.ok()) return bytes.status();
  return SendRaw(*bytes, timeout_ms);
}

absl::Status NodeClient::SendRaw(absl::string_view bytes, int timeout_ms) {
  if (fd_ < 0) return absl::FailedPreconditionError("connection closed");
  const uint64_t deadline = DeadlineAfter(timeout_ms);
  absl::string_view rest = bytes;
  while (!rest.empty()) {
    ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n > 0) {
      rest.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, MsLeft(deadline)) > 0) continue;
      Shut();
      return absl::DeadlineExceededError("send timed out");
    }
    int err = errno;
    Shut();
    return absl::UnavailableError(absl::StrCat("send: ", strerror(err)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Frame> NodeClient::ReadFrame(int timeout_ms) {
  if (fd_ < 0) return absl::FailedPreconditionError("connection closed");
  const uint64_t deadline = DeadlineAfter(timeout_ms);
  while (true) {
    absl::StatusOr<std::optional<Frame>> frame = TakeFrame(&in_);
    if (!frame.ok()) {
      Shut();
      return frame.status();
    }
    if (frame->has_value()) return std::move(**frame);
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, MsLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      Shut();
      return absl::DeadlineExceededError("no answer in time");
    }
    char buf[1 << 16];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      Shut();
      return absl::UnavailableError("connection closed by the node");
    }
    in_.append(buf, static_cast<size_t>(n));
  }
}

bool NodeClient::ClosedByPeer(int timeout_ms) {
  absl::StatusOr<Frame> f = ReadFrame(timeout_ms);
  // Frames still in flight are skipped, a bounded number of them.
  for (int skipped = 0; f.ok() && skipped < 1000; ++skipped) f = ReadFrame(timeout_ms);
  return f.status().code() == absl::StatusCode::kUnavailable ||
         f.status().code() == absl::StatusCode::kFailedPrecondition;
}

absl::StatusOr<api::Reply> NodeClient::Call(const api::Request& request, int timeout_ms) {
  const uint64_t deadline = DeadlineAfter(timeout_ms);
  Frame f;
  *f.mutable_request() = ToProto(request);
  absl::Status s = SendFrame(f, MsLeft(deadline));
  if (!s.ok()) return s;
  while (true) {
    absl::StatusOr<Frame> reply = ReadFrame(MsLeft(deadline));
    if (!reply.ok()) return reply.status();
    if (!reply->has_reply()) continue;  // not ours (a state reply cannot be pending here)
    api::Reply r = FromProto(reply->reply());
    if (r.client_id == request.client_id && r.sequence == request.sequence) return r;
  }
}

absl::StatusOr<NodeState> NodeClient::State(int timeout_ms) {
  Frame f;
  f.mutable_state_request();
  const uint64_t deadline = DeadlineAfter(timeout_ms);
  absl::Status s = SendFrame(f, MsLeft(deadline));
  if (!s.ok()) return s;
  while (true) {
    absl::StatusOr<Frame> reply = ReadFrame(MsLeft(deadline));
    if (!reply.ok()) return reply.status();
    if (reply->has_state_reply()) return StateFromJson(reply->state_reply().json());
  }
}

}  // namespace raftlog::process
