#include "matrix/process/process_cluster.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "versions/process/client.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {
namespace {

// Children of every cluster of this process, for the signal handlers: a fixed
// table of atomics (no allocation in a handler).
constexpr int kMaxChildren = 64;
std::atomic<pid_t> g_children[kMaxChildren];

void Register(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
}

void Unregister(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void OnFatalSignal(int sig) {
  KillAllChildren();
  signal(sig, SIG_DFL);
  raise(sig);
}

void InstallHandlersOnce() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGABRT}) {
    struct sigaction sa {};
    sa.sa_handler = OnFatalSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(sig, &sa, nullptr);
  }
  // A failing gtest assertion or an exit() also must not leave children.
  std::atexit(KillAllChildren);
}

absl::Status MakeDirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        return absl::InternalError(absl::StrCat("mkdir ", partial, ": ", strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

// waitpid with a bounded wait; true when `pid` was reaped.
bool ReapWithin(pid_t pid, int timeout_ms, int* status) {
  const uint64_t deadline = MonotonicMicros() + static_cast<uint64_t>(timeout_ms) * 1000;
  while (true) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (MonotonicMicros() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// fork + exec `args` with the safety of the header comment; `listen_fd`
// (if >= 0) becomes the child's fd 3.
absl::StatusOr<pid_t> Spawn(std::vector<std::string> args, const std::string& log_path,
                            int listen_fd) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError(absl::StrCat("open ", log_path, ": ", strerror(errno)));
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the harness died before prctl
    ::setpgid(0, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (listen_fd == 3) {
      ::fcntl(3, F_SETFD, 0);
    } else if (listen_fd >= 0) {
      ::dup2(listen_fd, 3);  // the duplicate does not inherit FD_CLOEXEC
    }
    // Best effort; every descriptor of the harness is CLOEXEC anyway.
    ::syscall(SYS_close_range, listen_fd >= 0 ? 4u : 3u, ~0u, 0u);
    ::execv(argv[0], argv.data());
    ::_exit(126);
  }
  ::close(log_fd);
  ::setpgid(pid, pid);  // also from the parent, so kill(-pid) works at once
  Register(pid);
  return pid;
}

}  // namespace

void KillAllChildren() {
  for (auto& slot : g_children) {
    pid_t pid = slot.load();
    if (pid > 0) {
      ::kill(-pid, SIGKILL);  // its process group (the node and anything it started)
      ::kill(pid, SIGKILL);
    }
  }
}

absl::StatusOr<std::unique_ptr<ProcessCluster>> ProcessCluster::Create(
    ProcessClusterOptions options) {
  InstallHandlersOnce();
  absl::Status s = MakeDirs(options.base_dir);
  if (!s.ok()) return s;
  std::unique_ptr<ProcessCluster> cluster(new ProcessCluster(std::move(options)));
  for (api::NodeId id : cluster->options_.ids) {
    Child c;
    c.listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c.listen_fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // the kernel picks a free port
    socklen_t len = sizeof(addr);
    if (::bind(c.listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(c.listen_fd, 64) != 0 ||
        ::getsockname(c.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      int err = errno;
      ::close(c.listen_fd);
      return absl::InternalError(absl::StrCat("listening socket for node ", id, ": ", strerror(err)));
    }
    c.port = ntohs(addr.sin_port);
    cluster->children_[id] = c;
  }
  return cluster;
}

ProcessCluster::~ProcessCluster() {
  for (auto& [id, c] : children_) {
    if (c.pid > 0) {
      ::kill(-c.pid, SIGKILL);
      ::kill(c.pid, SIGKILL);
      int status = 0;
      (void)ReapWithin(c.pid, 5000, &status);
      Forget(c);
    }
    if (c.listen_fd >= 0) ::close(c.listen_fd);
  }
}

ProcessCluster::Child& ProcessCluster::child(api::NodeId id) { return children_.at(id); }
const ProcessCluster::Child& ProcessCluster::child(api::NodeId id) const { return children_.at(id); }

void ProcessCluster::Forget(Child& c) {
  Unregister(c.pid);
  c.pid = 0;
}

int ProcessCluster::port(api::NodeId id) const { return child(id).port; }
pid_t ProcessCluster::pid(api::NodeId id) const { return child(id).pid; }
const std::string& ProcessCluster::tag(api::NodeId id) const { return child(id).tag; }
int ProcessCluster::incarnation(api::NodeId id) const { return child(id).incarnation; }
std::string ProcessCluster::data_dir(api::NodeId id) const {
  return absl::StrCat(options_.base_dir, "/n", id);
}
std::string ProcessCluster::log_path(api::NodeId id) const {
  return absl::StrCat(options_.base_dir, "/n", id, ".log");
}

absl::Status ProcessCluster::Start(api::NodeId id, const std::string& tag) {
  Child& c = child(id);
  if (c.pid > 0 && Running(id)) return absl::FailedPreconditionError(absl::StrCat("node ", id, " is running"));
  auto bin = options_.binaries.find(tag);
  if (bin == options_.binaries.end()) {
    return absl::InvalidArgumentError(absl::StrCat("no node binary for release ", tag));
  }
  std::vector<std::string> peers;
  for (const auto& [other_id, other] : children_) {
    if (other_id == id) continue;
    auto via = peer_ports_.find({id, other_id});
    peers.push_back(absl::StrCat(other_id, "=127.0.0.1:",
                                 via == peer_ports_.end() ? other.port : via->second));
  }
  std::vector<std::string> args = {
      bin->second,
      absl::StrCat("--id=", id),
      absl::StrCat("--data_dir=", data_dir(id)),
      absl::StrCat("--cluster_id=", options_.cluster_id),
      "--listen_fd=3",
      absl::StrCat("--peers=", absl::StrJoin(peers, ",")),
      absl::StrCat("--bootstrap_voters=",
                   absl::StrJoin(options_.bootstrap_voters.empty() ? options_.ids
                                                                   : options_.bootstrap_voters,
                                 ",")),
      absl::StrCat("--tick_ms=", options_.tick_ms),
      absl::StrCat("--election_ticks=", options_.election_ticks),
      absl::StrCat("--snapshot_threshold=", options_.snapshot_threshold),
  };
  if (std::find(options_.joiners.begin(), options_.joiners.end(), id) != options_.joiners.end()) {
    args.erase(std::remove_if(args.begin(), args.end(),
                              [](const std::string& a) { return a.rfind("--bootstrap_voters=", 0) == 0; }),
               args.end());
  }
  for (const std::string& f : options_.extra_flags) args.push_back(f);
  absl::StatusOr<pid_t> pid = Spawn(args, log_path(id), c.listen_fd);
  if (!pid.ok()) return pid.status();
  c.pid = *pid;
  c.tag = tag;
  ++c.incarnation;
  return absl::OkStatus();
}

absl::StatusOr<int> RunToExit(const std::vector<std::string>& args, const std::string& log_path,
                              int timeout_ms) {
  InstallHandlersOnce();
  absl::StatusOr<pid_t> pid = Spawn(args, log_path, /*listen_fd=*/-1);
  if (!pid.ok()) return pid.status();
  int status = 0;
  if (!ReapWithin(*pid, timeout_ms, &status)) {
    ::kill(-*pid, SIGKILL);
    ::kill(*pid, SIGKILL);
    (void)ReapWithin(*pid, 5000, &status);
    Unregister(*pid);
    return absl::DeadlineExceededError(absl::StrCat(args[0], " ran longer than ", timeout_ms, " ms"));
  }
  Unregister(*pid);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return absl::InternalError(absl::StrCat(args[0], " died of signal ", WTERMSIG(status)));
}

bool ProcessCluster::Running(api::NodeId id) {
  Child& c = child(id);
  if (c.pid <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(c.pid, &status, WNOHANG);
  if (r == 0) return true;
  Forget(c);
  return false;
}

absl::StatusOr<int> ProcessCluster::Stop(api::NodeId id, int timeout_ms) {
  Child& c = child(id);
  if (c.pid <= 0) return absl::FailedPreconditionError(absl::StrCat("node ", id, " is not running"));
  ::kill(c.pid, SIGTERM);
  int status = 0;
  if (!ReapWithin(c.pid, timeout_ms, &status)) {
    ::kill(-c.pid, SIGKILL);
    ::kill(c.pid, SIGKILL);
    (void)ReapWithin(c.pid, 5000, &status);
    Forget(c);
    return absl::DeadlineExceededError(
        absl::StrCat("node ", id, " did not exit within ", timeout_ms, " ms of SIGTERM"));
  }
  Forget(c);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return absl::InternalError(absl::StrCat("node ", id, " died of signal ", WTERMSIG(status)));
}

absl::Status ProcessCluster::Pause(api::NodeId id) {
  Child& c = child(id);
  if (c.pid <= 0 || ::kill(c.pid, SIGSTOP) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("node ", id, " is not running"));
  }
  return absl::OkStatus();
}

absl::Status ProcessCluster::Resume(api::NodeId id) {
  Child& c = child(id);
  if (c.pid <= 0 || ::kill(c.pid, SIGCONT) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("node ", id, " is not running"));
  }
  return absl::OkStatus();
}

absl::Status ProcessCluster::Kill(api::NodeId id) {
  Child& c = child(id);
  if (c.pid <= 0) return absl::FailedPreconditionError(absl::StrCat("node ", id, " is not running"));
  ::kill(-c.pid, SIGKILL);
  ::kill(c.pid, SIGKILL);
  int status = 0;
  bool reaped = ReapWithin(c.pid, 5000, &status);
  Forget(c);
  if (!reaped) return absl::InternalError(absl::StrCat("node ", id, " survived SIGKILL"));
  return absl::OkStatus();
}

absl::StatusOr<NodeState> ProcessCluster::State(api::NodeId id, int timeout_ms) const {
  auto client = NodeClient::Connect(port(id), options_.cluster_id, /*admin=*/true, timeout_ms);
  if (!client.ok()) return client.status();
  return (*client)->State(timeout_ms);
}

absl::Status ProcessCluster::WaitFor(
    const std::string& what,
    const std::function<bool(const std::map<api::NodeId, NodeState>&)>& ok, int timeout_ms) {
  const uint64_t deadline = MonotonicMicros() + static_cast<uint64_t>(timeout_ms) * 1000;
  while (true) {
    std::map<api::NodeId, NodeState> states;
    for (api::NodeId id : options_.ids) {
      if (!Running(id)) continue;
      auto st = State(id, 300);
      if (st.ok()) states[id] = *st;
    }
    if (ok(states)) return absl::OkStatus();
    if (MonotonicMicros() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("timed out after ", timeout_ms, " ms waiting for ", what));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

api::NodeId ProcessCluster::Leader() {
  api::NodeId leader = 0;
  uint64_t term = 0;
  for (api::NodeId id : options_.ids) {
    if (!Running(id)) continue;
    auto st = State(id, 300);
    if (st.ok() && st->role() == "leader" && st->term() >= term) {
      leader = id;
      term = st->term();
    }
  }
  return leader;
}

}  // namespace raftlog::process
