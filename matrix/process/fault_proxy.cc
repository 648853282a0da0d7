#include "matrix/process/fault_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "versions/process/frame.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {
namespace {

constexpr int kPollMs = 5;
constexpr size_t kMaxPipes = 256;

int ListenLoopback(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

int DialLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  // Loopback to a socket that is listening (the harness holds every node's):
  // the connect completes at once, into the backlog if the node is down.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

// Reads what is there; false on end of stream or error.
bool ReadSome(int fd, std::string* into) {
  char buf[1 << 16];
  for (int i = 0; i < 16; ++i) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n > 0) {
      into->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
  return true;
}

// Writes what it can; false on error.
bool WriteSome(int fd, std::string* from) {
  while (!from->empty()) {
    ssize_t n = ::send(fd, from->data(), from->size(), MSG_NOSIGNAL);
    if (n > 0) {
      from->erase(0, static_cast<size_t>(n));
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
  return true;
}

}  // namespace

struct FaultProxy::Link {
  api::NodeId from = 0, to = 0;
  int listen_fd = -1;
  int port = 0;
  int target_port = 0;
  LinkFault fault;
};

struct FaultProxy::Pipe {
  size_t link = 0;
  int down = -1;  // accepted from the dialing node
  int up = -1;    // dialed to the target node
  std::string from_dialer, to_target, to_dialer;
  bool hello_passed = false;
  std::deque<std::pair<uint64_t, std::string>> held;  // (release time, frame)
  bool closed = false;
};

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Create(
    const std::map<api::NodeId, int>& node_ports, uint64_t seed) {
  std::unique_ptr<FaultProxy> proxy(new FaultProxy());
  proxy->random_ = seed;
  for (const auto& [from, from_port] : node_ports) {
    for (const auto& [to, to_port] : node_ports) {
      if (from == to) continue;
      auto link = std::make_unique<Link>();
      link->from = from;
      link->to = to;
      link->target_port = to_port;
      link->listen_fd = ListenLoopback(&link->port);
      if (link->listen_fd < 0) {
        return absl::InternalError(absl::StrCat("proxy listener for ", from, "->", to, ": ",
                                                strerror(errno)));
      }
      proxy->link_index_[{from, to}] = proxy->links_.size();
      proxy->links_.push_back(std::move(link));
    }
  }
  proxy->thread_ = std::thread([p = proxy.get()] { p->Run(); });
  return proxy;
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  for (auto& p : pipes_) {
    if (p->down >= 0) ::close(p->down);
    if (p->up >= 0) ::close(p->up);
  }
  for (auto& l : links_) ::close(l->listen_fd);
}

int FaultProxy::port(api::NodeId from, api::NodeId to) const {
  return links_[link_index_.at({from, to})]->port;
}

void FaultProxy::SetFault(api::NodeId from, api::NodeId to, LinkFault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  links_[link_index_.at({from, to})]->fault = fault;
}

void FaultProxy::Partition(const std::set<api::NodeId>& side) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& l : links_) {
    if (side.count(l->from) != side.count(l->to)) l->fault.cut = true;
  }
}

void FaultProxy::Heal() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& l : links_) l->fault = LinkFault{};
}

FaultProxy::Stats FaultProxy::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void FaultProxy::Accept(size_t link) {
  int fd = ::accept4(links_[link]->listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  if (pipes_.size() >= kMaxPipes) {
    ::close(fd);
    return;
  }
  int up = DialLoopback(links_[link]->target_port);
  if (up < 0) {
    ::close(fd);
    return;
  }
  auto p = std::make_unique<Pipe>();
  p->link = link;
  p->down = fd;
  p->up = up;
  pipes_.push_back(std::move(p));
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.connections;
}

void FaultProxy::Route(Pipe& p, uint64_t now_us) {
  while (p.from_dialer.size() >= kFrameHeaderBytes) {
    const auto* b = reinterpret_cast<const unsigned char*>(p.from_dialer.data());
    const size_t n = (size_t{b[0]} << 24) | (size_t{b[1]} << 16) | (size_t{b[2]} << 8) | size_t{b[3]};
    if (n > kMaxFrameBytes) {
      p.closed = true;  // not the node protocol: no use forwarding
      return;
    }
    if (p.from_dialer.size() < kFrameHeaderBytes + n) return;
    std::string frame = p.from_dialer.substr(0, kFrameHeaderBytes + n);
    p.from_dialer.erase(0, kFrameHeaderBytes + n);
    if (!p.hello_passed) {
      p.hello_passed = true;
      p.to_target += frame;
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    const LinkFault& f = links_[p.link]->fault;
    random_ = random_ * 6364136223846793005ull + 1442695040888963407ull;
    if (f.cut || static_cast<int>((random_ >> 33) % 100) < f.drop_percent) {
      ++stats_.dropped;
      continue;
    }
    if (f.delay_ms > 0 || !p.held.empty()) {
      ++stats_.delayed;
      p.held.emplace_back(now_us + static_cast<uint64_t>(f.delay_ms) * 1000, std::move(frame));
      continue;
    }
    ++stats_.forwarded;
    p.to_target += frame;
  }
}

void FaultProxy::Run() {
  std::vector<pollfd> fds;
  while (!stop_) {
    fds.clear();
    for (auto& l : links_) fds.push_back({l->listen_fd, POLLIN, 0});
    for (auto& p : pipes_) {
      fds.push_back({p->down, static_cast<short>(POLLIN | (p->to_dialer.empty() ? 0 : POLLOUT)), 0});
      fds.push_back({p->up, static_cast<short>(POLLIN | (p->to_target.empty() ? 0 : POLLOUT)), 0});
    }
    if (::poll(fds.data(), fds.size(), kPollMs) < 0 && errno != EINTR) return;
    const uint64_t now = MonotonicMicros();
    // Pipes accepted in this round have no poll entry yet: they are served
    // from the next round on.
    const size_t polled_pipes = pipes_.size();
    size_t i = 0;
    for (size_t l = 0; l < links_.size(); ++l, ++i) {
      if (fds[i].revents & POLLIN) Accept(l);
    }
    for (size_t k = 0; k < polled_pipes; ++k) {
      Pipe& p = *pipes_[k];
      const short down = fds[i++].revents, up = fds[i++].revents;
      if ((down & (POLLIN | POLLHUP | POLLERR)) && !ReadSome(p.down, &p.from_dialer)) p.closed = true;
      if ((up & (POLLIN | POLLHUP | POLLERR)) && !ReadSome(p.up, &p.to_dialer)) p.closed = true;
      Route(p, now);
      while (!p.held.empty() && p.held.front().first <= now) {
        p.to_target += p.held.front().second;
        p.held.pop_front();
      }
      if (!WriteSome(p.up, &p.to_target) || !WriteSome(p.down, &p.to_dialer)) p.closed = true;
    }
    for (auto it = pipes_.begin(); it != pipes_.end();) {
      if ((*it)->closed) {
        ::close((*it)->down);
        ::close((*it)->up);
        it = pipes_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace raftlog::process
