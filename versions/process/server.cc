#include "versions/process/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "versions/process/convert.h"
#include "versions/process/frame.h"

namespace raftlog::process {
namespace {

// Bounds of one loop iteration, so that no input source starves the others.
constexpr size_t kMaxReadPerWakeup = 1 << 20;
constexpr int kMaxTicksPerWakeup = 64;
constexpr size_t kMaxPeerQueueBytes = 16u << 20;    // then messages are dropped
constexpr size_t kMaxClientQueueBytes = 16u << 20;  // then the client is cut off
constexpr uint64_t kRedialAfterUs = 100'000;
constexpr uint64_t kRedialAfterRefusalUs = 1'000'000;
constexpr size_t kMaxConnections = 256;

bool SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void SetNoDelay(int fd) {
  int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

absl::StatusOr<std::pair<std::string, int>> ParseLoopbackAddress(absl::string_view text) {
  size_t colon = text.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(text.substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad address \"", text, "\" (want 127.0.0.1:PORT)"));
  }
  absl::string_view host = text.substr(0, colon);
  if (host != "127.0.0.1" && host != "localhost") {
    return absl::InvalidArgumentError(
        absl::StrCat("address \"", text, "\" is not loopback: only 127.0.0.1 is allowed"));
  }
  return std::make_pair(std::string("127.0.0.1"), port);
}

absl::StatusOr<std::vector<api::NodeId>> ParseIds(absl::string_view text) {
  std::vector<api::NodeId> ids;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    uint64_t id = 0;
    if (!absl::SimpleAtoi(part, &id) || id == 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad node id \"", part, "\""));
    }
    ids.push_back(id);
  }
  return ids;
}

bool IsLoopbackSocket(int fd, int* port) {
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
  if (addr.sin_family != AF_INET) return false;
  *port = ntohs(addr.sin_port);
  return ntohl(addr.sin_addr.s_addr) == INADDR_LOOPBACK;
}

}  // namespace

struct Server::Conn {
  int fd = -1;
  uint64_t serial = 0;
  bool outbound = false;     // we dialed it (a peer link we send on)
  bool connecting = false;   // non-blocking connect in progress
  bool hello_done = false;
  bool closed = false;
  bool close_after_flush = false;
  ConnectionRole role = ROLE_UNSPECIFIED;
  api::NodeId peer = 0;
  std::string in;
  std::string out;
};

absl::StatusOr<ServerOptions> ParseServerFlags(int argc, char** argv) {
  ServerOptions o;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg.substr(0, 2) != "--" || arg.find('=') == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("bad argument \"", arg, "\" (want --flag=value)"));
    }
    size_t eq = arg.find('=');
    absl::string_view name = arg.substr(2, eq - 2);
    absl::string_view value = arg.substr(eq + 1);
    bool ok = true;
    if (name == "id") {
      ok = absl::SimpleAtoi(value, &o.id) && o.id != 0;
    } else if (name == "data_dir") {
      o.data_dir = std::string(value);
    } else if (name == "cluster_id") {
      o.cluster_id = std::string(value);
    } else if (name == "cluster_key") {
      o.cluster_key = std::string(value);
    } else if (name == "peers") {
      for (absl::string_view entry : absl::StrSplit(value, ',', absl::SkipEmpty())) {
        size_t at = entry.find('=');
        uint64_t id = 0;
        if (at == absl::string_view::npos || !absl::SimpleAtoi(entry.substr(0, at), &id) || id == 0) {
          return absl::InvalidArgumentError(absl::StrCat("--peers: bad entry \"", entry, "\" (want ID=127.0.0.1:PORT)"));
        }
        auto address = ParseLoopbackAddress(entry.substr(at + 1));
        if (!address.ok()) return absl::InvalidArgumentError(absl::StrCat("--peers: ", address.status().message()));
        o.peers[id] = *address;
      }
    } else if (name == "bootstrap_voters") {
      auto ids = ParseIds(value);
      if (!ids.ok()) return absl::InvalidArgumentError(absl::StrCat("--bootstrap_voters: ", ids.status().message()));
      o.bootstrap_voters = *ids;
    } else if (name == "listen_fd") {
      ok = absl::SimpleAtoi(value, &o.listen_fd) && o.listen_fd >= 0;
    } else if (name == "port") {
      ok = absl::SimpleAtoi(value, &o.port) && o.port >= 0 && o.port <= 65535;
    } else if (name == "port_file") {
      o.port_file = std::string(value);
    } else if (name == "tick_ms") {
      ok = absl::SimpleAtoi(value, &o.tick_ms) && o.tick_ms > 0 && o.tick_ms <= 10'000;
    } else if (name == "election_ticks") {
      ok = absl::SimpleAtoi(value, &o.election_ticks) && o.election_ticks > 0;
    } else if (name == "heartbeat_ticks") {
      ok = absl::SimpleAtoi(value, &o.heartbeat_ticks) && o.heartbeat_ticks > 0;
    } else if (name == "snapshot_threshold") {
      ok = absl::SimpleAtoi(value, &o.snapshot_threshold) && o.snapshot_threshold > 0;
    } else if (name == "max_inflight_requests") {
      ok = absl::SimpleAtoi(value, &o.max_inflight_requests) && o.max_inflight_requests > 0;
    } else if (name == "auto_finalize") {
      ok = value == "true" || value == "false";
      o.auto_finalize = value == "true";
    } else if (name == "seed") {
      ok = absl::SimpleAtoi(value, &o.seed);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!ok) return absl::InvalidArgumentError(absl::StrCat("bad value for --", name, ": \"", value, "\""));
  }
  if (o.id == 0) return absl::InvalidArgumentError("--id is required");
  if (o.data_dir.empty()) return absl::InvalidArgumentError("--data_dir is required");
  if (o.cluster_id.empty()) return absl::InvalidArgumentError("--cluster_id is required");
  if ((o.listen_fd >= 0) == (o.port >= 0)) {
    return absl::InvalidArgumentError("exactly one of --listen_fd and --port is required");
  }
  if (o.peers.count(o.id)) o.peers.erase(o.id);  // a full address list may name us too
  if (o.cluster_key.empty()) o.cluster_key = o.cluster_id;
  return o;
}

Server::Server(ServerOptions options, const api::ReleaseInfo& release)
    : options_(std::move(options)), release_(release) {}

Server::~Server() {
  node_.reset();
  for (auto& [serial, c] : conns_) {
    if (c->fd >= 0) ::close(c->fd);
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void Server::Log(const std::string& line) {
  // One line per event on stderr: "node N (vX): ...".
  std::cerr << "node " << options_.id << " (" << release_.tag << "): " << line << std::endl;
}

absl::Status Server::Init(int* exit_code) {
  *exit_code = kExitIo;
  auto fs = PosixFileSystem::Open(options_.data_dir);
  if (!fs.ok()) return fs.status();
  fs_ = std::move(*fs);
  // One server per data directory: an exclusive lock on the directory itself
  // (no file is added to the release's layout).
  lock_fd_ = ::open(options_.data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_fd_ < 0 || flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", options_.data_dir, " is in use by another process: ",
                     strerror(errno)));
  }
  absl::Status s = Listen();
  if (!s.ok()) return s;
  uint64_t seed = options_.seed;
  if (seed == 0) seed = (options_.id << 32) ^ (uint64_t(::getpid()) << 16) ^ MonotonicMicros();
  random_ = std::make_unique<Splitmix64>(seed);
  api::NodeOptions o;
  o.id = options_.id;
  o.bootstrap_voters = options_.bootstrap_voters;
  o.env = api::Env{fs_.get(), &clock_, random_.get()};
  o.election_ticks = options_.election_ticks;
  o.heartbeat_ticks = options_.heartbeat_ticks;
  o.snapshot_threshold = options_.snapshot_threshold;
  o.max_inflight_requests = options_.max_inflight_requests;
  o.auto_finalize = options_.auto_finalize;
  o.cluster_key = options_.cluster_key;
  node_ = release_.make_node(o);
  s = node_->Start();
  if (!s.ok()) {
    *exit_code = kExitDataRefused;
    return absl::Status(s.code(), absl::StrCat("the release refused its data directory: ", s.message()));
  }
  AfterInput();
  if (!options_.port_file.empty()) {
    int port = 0;
    (void)IsLoopbackSocket(listen_fd_, &port);
    // Published whole or not at all: write a temporary file, then rename.
    std::string tmp = options_.port_file + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr || std::fprintf(f, "%d\n", port) < 0 || std::fclose(f) != 0 ||
        std::rename(tmp.c_str(), options_.port_file.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("cannot write the port file ", options_.port_file));
    }
  }
  api::ProtocolState st = node_->State();
  Log(absl::StrCat("started: term ", st.term, ", commit ", st.commit_index, ", cluster version ",
                   st.cluster_version, ", ", api::ConfigString(st.config)));
  *exit_code = kExitClean;
  return absl::OkStatus();
}

absl::Status Server::Listen() {
  int port = 0;
  if (options_.listen_fd >= 0) {
    listen_fd_ = options_.listen_fd;
    if (!IsLoopbackSocket(listen_fd_, &port)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--listen_fd=", listen_fd_, " is not a socket bound to 127.0.0.1"));
    }
    (void)fcntl(listen_fd_, F_SETFD, FD_CLOEXEC);
  } else {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
    int one = 1;
    (void)setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(options_.port));
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      return absl::UnavailableError(absl::StrCat("bind 127.0.0.1:", options_.port, ": ", strerror(errno)));
    }
  }
  if (::listen(listen_fd_, 64) != 0) return absl::InternalError(absl::StrCat("listen: ", strerror(errno)));
  if (!SetNonBlocking(listen_fd_)) return absl::InternalError("cannot make the listening socket non-blocking");
  (void)IsLoopbackSocket(listen_fd_, &port);
  Log(absl::StrCat("listening on 127.0.0.1:", port));
  return absl::OkStatus();
}

std::string Server::WindowProblem(uint32_t min_protocol, uint32_t max_protocol) const {
  const uint32_t cluster_version = node_->State().cluster_version;
  if (min_protocol > max_protocol || min_protocol == 0) {
    return absl::StrCat("malformed protocol range ", min_protocol, "..", max_protocol);
  }
  if (max_protocol < release_.min_protocol || min_protocol > release_.max_protocol) {
    return absl::StrCat("protocol ", min_protocol, "..", max_protocol, " is outside the window ",
                        release_.min_protocol, "..", release_.max_protocol);
  }
  if (max_protocol < cluster_version) {
    return absl::StrCat("protocol ", min_protocol, "..", max_protocol,
                        " is below the cluster version ", cluster_version);
  }
  return "";
}

void Server::DialPeers(uint64_t now_us) {
  for (const auto& [id, address] : options_.peers) {
    if (peer_out_.count(id) || now_us < next_dial_us_[id]) continue;
    if (conns_.size() >= kMaxConnections) return;
    next_dial_us_[id] = now_us + kRedialAfterUs;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) continue;
    SetNoDelay(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(address.second));
    Count("peer_dials");
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    if (rc != 0 && errno != EINPROGRESS) {
      ::close(fd);
      continue;
    }
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->serial = next_serial_++;
    c->outbound = true;
    c->connecting = rc != 0;
    c->role = ROLE_PEER;
    c->peer = id;
    peer_out_[id] = c->serial;
    Conn& ref = *c;
    conns_[c->serial] = std::move(c);
    if (!ref.connecting) OnConnected(ref);
  }
}

void Server::OnConnected(Conn& c) {
  c.connecting = false;
  Frame f;
  Hello* h = f.mutable_hello();
  h->set_node_protocol(NODE_PROTOCOL_V1);
  h->set_role(ROLE_PEER);
  h->set_cluster_id(options_.cluster_id);
  h->set_node_id(options_.id);
  h->set_release(release_.tag);
  h->set_min_protocol(release_.min_protocol);
  h->set_max_protocol(release_.max_protocol);
  Send(c, f);
}

void Server::AcceptAll() {
  for (int i = 0; i < 64; ++i) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (conns_.size() >= kMaxConnections) {
      Count("connections_refused_limit");
      ::close(fd);
      continue;
    }
    SetNoDelay(fd);
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->serial = next_serial_++;
    conns_[c->serial] = std::move(c);
    Count("connections_accepted");
  }
}

void Server::Send(Conn& c, const Frame& frame) {
  if (c.closed) return;
  absl::StatusOr<std::string> bytes = EncodeFrame(frame);
  if (!bytes.ok()) {
    Count("frames_too_large");
    Log(absl::StrCat("not sent: ", bytes.status().ToString()));
    return;
  }
  const size_t limit = c.role == ROLE_PEER ? kMaxPeerQueueBytes : kMaxClientQueueBytes;
  if (c.out.size() + bytes->size() > limit) {
    if (c.role == ROLE_PEER) {
      Count("messages_dropped_queue_full");
      return;
    }
    Close(c, "client does not read its replies");
    return;
  }
  c.out += *bytes;
  if (!c.connecting) OnWritable(c);
}

void Server::OnWritable(Conn& c) {
  while (!c.out.empty() && !c.closed) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      Close(c, absl::StrCat("send: ", strerror(errno)));
      return;
    }
    c.out.erase(0, static_cast<size_t>(n));
  }
  if (c.out.empty() && c.close_after_flush) Close(c, "refused");
}

void Server::Close(Conn& c, const std::string& why) {
  if (c.closed) return;
  c.closed = true;
  if (c.outbound) {
    auto it = peer_out_.find(c.peer);
    if (it != peer_out_.end() && it->second == c.serial) peer_out_.erase(it);
  }
  if (c.role == ROLE_PEER && c.hello_done) {
    Log(absl::StrCat("peer link ", c.outbound ? "to " : "from ", c.peer, " closed: ", why));
  }
}

void Server::SweepClosed() {
  // Requests of a closed connection are forgotten (a node that stopped
  // leading never answers its pending ones: their clients time out and close).
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto ct = conns_.find(it->second);
    if (ct == conns_.end() || ct->second->closed) {
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = conns_.begin(); it != conns_.end();) {
    if (it->second->closed) {
      ::close(it->second->fd);
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void Server::OnReadable(Conn& c) {
  size_t total = 0;
  char buf[1 << 16];
  while (total < kMaxReadPerWakeup && !c.closed) {
    ssize_t n = ::recv(c.fd, buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) Close(c, absl::StrCat("recv: ", strerror(errno)));
      break;
    }
    if (n == 0) {
      Close(c, "end of stream");
      break;
    }
    total += static_cast<size_t>(n);
    c.in.append(buf, static_cast<size_t>(n));
  }
  while (!c.closed && !c.close_after_flush) {
    absl::StatusOr<std::optional<Frame>> frame = TakeFrame(&c.in);
    if (!frame.ok()) {
      Count("protocol_errors");
      Log(absl::StrCat("protocol error, closing the connection: ", frame.status().ToString()));
      Close(c, "protocol error");
      return;
    }
    if (!frame->has_value()) return;
    HandleFrame(c, std::move(**frame));
  }
}

void Server::HandleFrame(Conn& c, Frame frame) {
  if (!c.hello_done) {
    if (!c.outbound && frame.has_hello()) return HandleHello(c, frame.hello());
    if (c.outbound && frame.has_hello_reply()) return HandleHelloReply(c, frame.hello_reply());
    Count("protocol_errors");
    Log("protocol error: the first frame of a connection must be its handshake");
    return Close(c, "no handshake");
  }
  if (c.role == ROLE_PEER && !c.outbound && frame.has_peer_message()) {
    Count("messages_received");
    absl::Status s = node_->Deliver(c.peer, frame.peer_message().payload());
    if (!s.ok()) {
      Count("deliver_errors");
      Log(absl::StrCat("message ", frame.peer_message().type(), " from ", c.peer, ": ", s.ToString()));
    }
    return AfterInput();
  }
  if ((c.role == ROLE_CLIENT || c.role == ROLE_ADMIN) && frame.has_request()) {
    return HandleRequest(c, frame.request());
  }
  if ((c.role == ROLE_CLIENT || c.role == ROLE_ADMIN) && frame.has_state_request()) {
    Frame reply;
    reply.mutable_state_reply()->set_json(StateToJson(StateProto()));
    return Send(c, reply);
  }
  Count("protocol_errors");
  Log(absl::StrCat("protocol error: unexpected frame ", frame.body_case(), " on a ",
                   ConnectionRole_Name(c.role), " connection"));
  Close(c, "unexpected frame");
}

void Server::HandleHello(Conn& c, const Hello& hello) {
  std::string problem;
  std::string counter;
  if (hello.node_protocol() != NODE_PROTOCOL_V1) {
    problem = absl::StrCat("node protocol ", hello.node_protocol(), " is not spoken (this server: 1)");
    counter = "refused_node_protocol";
  } else if (hello.cluster_id() != options_.cluster_id) {
    problem = absl::StrCat("cluster id \"", hello.cluster_id(), "\" is not this cluster's \"",
                           options_.cluster_id, "\"");
    counter = "refused_cluster_id";
  } else if (hello.role() == ROLE_PEER) {
    if (hello.node_id() == 0 || hello.node_id() == options_.id) {
      problem = absl::StrCat("bad peer node id ", hello.node_id());
      counter = "refused_node_id";
    } else {
      problem = WindowProblem(hello.min_protocol(), hello.max_protocol());
      counter = "refused_window";
    }
  } else if (hello.role() != ROLE_CLIENT && hello.role() != ROLE_ADMIN) {
    problem = absl::StrCat("unknown connection role ", static_cast<int>(hello.role()));
    counter = "refused_role";
  }
  const api::ProtocolState st = node_->State();
  Frame f;
  HelloReply* r = f.mutable_hello_reply();
  r->set_accepted(problem.empty());
  r->set_reason(problem);
  r->set_node_id(options_.id);
  r->set_release(release_.tag);
  r->set_min_protocol(release_.min_protocol);
  r->set_max_protocol(release_.max_protocol);
  r->set_cluster_version(st.cluster_version);
  r->set_cluster_id(options_.cluster_id);
  if (!problem.empty()) {
    Count(counter);
    Log(absl::StrCat("refused ", ConnectionRole_Name(hello.role()), " node ", hello.node_id(),
                     " (release ", hello.release(), ", protocol ", hello.min_protocol(), "..",
                     hello.max_protocol(), ", cluster \"", hello.cluster_id(), "\"): ", problem));
    c.close_after_flush = true;
    Send(c, f);
    return;
  }
  c.role = hello.role();
  c.peer = hello.node_id();
  c.hello_done = true;
  Count(c.role == ROLE_PEER ? "peer_links_accepted" : "client_connections");
  if (c.role == ROLE_PEER) {
    Log(absl::StrCat("peer link from ", c.peer, " (", hello.release(), ", protocol ",
                     hello.min_protocol(), "..", hello.max_protocol(), ")"));
  }
  Send(c, f);
}

void Server::HandleHelloReply(Conn& c, const HelloReply& reply) {
  std::string problem;
  std::string counter = "refused_by_peer";
  if (!reply.accepted()) {
    problem = absl::StrCat("refused by the peer: ", reply.reason());
  } else if (reply.cluster_id() != options_.cluster_id) {
    problem = absl::StrCat("peer is in cluster \"", reply.cluster_id(), "\"");
    counter = "refused_cluster_id";
  } else if (reply.node_id() != c.peer) {
    problem = absl::StrCat("peer answered as node ", reply.node_id());
    counter = "refused_node_id";
  } else {
    problem = WindowProblem(reply.min_protocol(), reply.max_protocol());
    counter = "refused_window";
  }
  if (!problem.empty()) {
    Count(counter);
    Log(absl::StrCat("refused link to node ", c.peer, " (release ", reply.release(), ", protocol ",
                     reply.min_protocol(), "..", reply.max_protocol(), "): ", problem));
    next_dial_us_[c.peer] = MonotonicMicros() + kRedialAfterRefusalUs;
    return Close(c, "refused");
  }
  c.hello_done = true;
  Count("peer_links_dialed");
  Log(absl::StrCat("peer link to ", c.peer, " (", reply.release(), ")"));
}

void Server::HandleRequest(Conn& c, const Request& request) {
  absl::StatusOr<api::Request> r = FromProto(request);
  api::Reply refused;
  refused.client_id = request.client_id();
  refused.sequence = request.sequence();
  if (!r.ok()) {
    refused.status = r.status();
  } else if (IsAdminOp(r->op) && c.role != ROLE_ADMIN) {
    refused.status = absl::PermissionDeniedError(
        absl::StrCat(api::OpName(r->op), " needs an admin connection"));
    Count("admin_requests_refused");
  } else {
    Count(IsAdminOp(r->op) ? "admin_requests" : "requests");
    pending_[{r->client_id, r->sequence}] = c.serial;
    node_->Submit(*r);
    return AfterInput();
  }
  Frame f;
  *f.mutable_reply() = ToProto(refused);
  Send(c, f);
}

void Server::SendToPeer(api::NodeId to, api::Outbound message) {
  auto it = peer_out_.find(to);
  Conn* c = nullptr;
  if (it != peer_out_.end()) {
    auto ct = conns_.find(it->second);
    if (ct != conns_.end() && ct->second->hello_done && !ct->second->closed) c = ct->second.get();
  }
  if (c == nullptr) {
    // Raft retransmits; a message for a peer not linked now is lost, as on a
    // network partition.
    Count("messages_dropped_unlinked");
    return;
  }
  Count("messages_sent");
  Frame f;
  f.mutable_peer_message()->set_type(std::move(message.type));
  f.mutable_peer_message()->set_payload(std::move(message.bytes));
  Send(*c, f);
}

void Server::AfterInput() {
  api::Ready ready = node_->TakeReady();
  for (api::Outbound& m : ready.messages) SendToPeer(m.to, std::move(m));
  for (const api::Reply& reply : ready.replies) {
    Count("replies");
    auto it = pending_.find({reply.client_id, reply.sequence});
    if (it == pending_.end()) {
      Count("replies_without_client");
      continue;
    }
    auto ct = conns_.find(it->second);
    pending_.erase(it);
    if (ct == conns_.end() || ct->second->closed) {
      Count("replies_without_client");
      continue;
    }
    Frame f;
    *f.mutable_reply() = ToProto(reply);
    Send(*ct->second, f);
  }
  Count("applied_entries", ready.applied.size());
  for (const api::AuditEvent& a : ready.audit) Log(absl::StrCat("audit ", a.kind, ": ", a.detail));
  const api::ProtocolState st = node_->State();
  if (st.role != last_role_ || st.term != last_term_) {
    if (st.role == api::Role::kLeader) {
      Log(absl::StrCat("became leader in term ", st.term));
    } else {
      Log(absl::StrCat(api::RoleName(st.role), " in term ", st.term, ", leader ", st.leader,
                       ", commit ", st.commit_index, ", last index ", st.last_index));
    }
    last_role_ = st.role;
    last_term_ = st.term;
  }
}

void Server::RunDueTicks(uint64_t now_us) {
  const uint64_t tick_us = static_cast<uint64_t>(options_.tick_ms) * 1000;
  if (next_tick_us_ + kMaxTicksPerWakeup * tick_us <= now_us) {
    // Far behind: the process was paused (SIGSTOP, a stalled machine). As in
    // the simulator's Resume, the ticks due meanwhile never happened: the
    // node resumes with the view it had and its timers run from now on.
    Count("pauses_detected");
    Log(absl::StrCat("resumed after a pause of ", (now_us - next_tick_us_) / 1000,
                     " ms: the missed ticks are skipped"));
    next_tick_us_ = now_us + tick_us;
    return;
  }
  int ticks = 0;
  while (next_tick_us_ <= now_us && ticks < kMaxTicksPerWakeup) {
    node_->Tick();
    AfterInput();
    next_tick_us_ += tick_us;
    ++ticks;
  }
  Count("ticks", ticks);
  // Far behind (the process was stopped): the missed ticks never happened.
  if (next_tick_us_ <= now_us) next_tick_us_ = now_us + tick_us;
}

NodeState Server::StateProto() const {
  std::map<std::string, uint64_t> server = counters_;
  server["connections"] = conns_.size();
  server["peer_links_up"] = 0;
  for (const auto& [id, serial] : peer_out_) {
    auto it = conns_.find(serial);
    if (it != conns_.end() && it->second->hello_done) ++server["peer_links_up"];
  }
  server["fsyncs"] = fs_->fsyncs();
  server["pending_requests"] = pending_.size();
  server["pid"] = static_cast<uint64_t>(::getpid());  // tells incarnations apart
  return ToProto(node_->State(), options_.cluster_id, node_->Counters(), server);
}

int Server::Run(const volatile std::sig_atomic_t* stop) {
  next_tick_us_ = MonotonicMicros() + static_cast<uint64_t>(options_.tick_ms) * 1000;
  std::vector<pollfd> fds;
  std::vector<uint64_t> serials;
  while (!*stop) {
    DialPeers(MonotonicMicros());
    fds.clear();
    serials.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    serials.push_back(0);
    for (auto& [serial, c] : conns_) {
      short events = POLLIN;
      if (c->connecting || !c->out.empty()) events |= POLLOUT;
      fds.push_back({c->fd, events, 0});
      serials.push_back(serial);
    }
    const uint64_t now = MonotonicMicros();
    int timeout_ms = next_tick_us_ > now ? static_cast<int>((next_tick_us_ - now + 999) / 1000) : 0;
    int n = ::poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) {
      Log(absl::StrCat("poll: ", strerror(errno)));
      return kExitInternal;
    }
    for (size_t i = 1; n > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto it = conns_.find(serials[i]);
      if (it == conns_.end()) continue;
      Conn& c = *it->second;
      if (c.connecting && (fds[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          Close(c, absl::StrCat("connect: ", strerror(err)));
          continue;
        }
        OnConnected(c);
      }
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) OnReadable(c);
      if (!c.closed && (fds[i].revents & POLLOUT)) OnWritable(c);
    }
    if (n > 0 && (fds[0].revents & POLLIN)) AcceptAll();
    RunDueTicks(MonotonicMicros());
    SweepClosed();
  }
  Log("stopping on signal: every acknowledged write is already synced");
  return kExitClean;
}

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnStopSignal(int) { g_stop = 1; }
}  // namespace

int ServerMain(int argc, char** argv, const api::ReleaseInfo& release) {
  absl::StatusOr<ServerOptions> options = ParseServerFlags(argc, argv);
  if (!options.ok()) {
    std::cerr << argv[0] << ": " << options.status().message() << "\n"
              << "usage: " << argv[0]
              << " --id=N --data_dir=DIR --cluster_id=ID (--listen_fd=FD | --port=P "
                 "[--port_file=F]) [--peers=ID=127.0.0.1:PORT,...] [--bootstrap_voters=1,2,3] "
                 "(matrix/process/PROTOCOL.md)\n";
    return kExitUsage;
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Server server(*std::move(options), release);
  int exit_code = kExitInternal;
  absl::Status s = server.Init(&exit_code);
  if (!s.ok()) {
    std::cerr << "node " << argv[0] << ": cannot start: " << s.ToString() << "\n";
    return exit_code;
  }
  return server.Run(&g_stop);
}

}  // namespace raftlog::process
