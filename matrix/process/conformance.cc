#include "matrix/process/conformance.h"

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "matrix/process/process_cluster.h"
#include "versions/process/client.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {
namespace {

constexpr char kClusterId[] = "conformance";
constexpr int kTimeoutMs = 3000;
constexpr api::NodeId kNode = 1;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint64_t ServerCounter(const NodeState& st, const std::string& name) {
  auto it = st.server_counters().find(name);
  return it == st.server_counters().end() ? 0 : it->second;
}

class Conformance {
 public:
  explicit Conformance(const ConformanceOptions& o) : o_(o) {}

  std::vector<ConformanceCheck> Run() {
    ProcessClusterOptions co;
    co.base_dir = o_.base_dir;
    co.cluster_id = kClusterId;
    co.binaries["node"] = o_.binary;
    co.ids = {kNode};
    auto cluster = ProcessCluster::Create(co);
    if (!cluster.ok()) {
      Check("start", false, cluster.status().ToString());
      return checks_;
    }
    c_ = cluster->get();
    UsageExitCode();
    if (!StartAndLead("start")) return checks_;
    Handshake();
    RefuseClusterId();
    RefusePeerOfAnotherCluster();
    RefusePeerOutsideWindow();
    RefuseNodeProtocol();
    AdminState();
    WriteAndRead("client write and read", "k1", "v1", /*write=*/true);
    AdminOpNeedsAdmin();
    ProtocolErrorCloses();
    GarbagePeerMessageCounted();
    SecondServerOnTheDirectoryRefused();
    // Clean stop, restart on the same directory, the write is still there.
    auto code = c_->Stop(kNode, 5000);
    Check("clean stop (SIGTERM -> exit 0)", code.ok() && *code == 0,
          code.ok() ? absl::StrCat("exit code ", *code) : code.status().ToString());
    if (!StartAndLead("restart on the same data directory")) return checks_;
    WriteAndRead("acknowledged write survives a clean restart", "k1", "v1", /*write=*/false);
    WriteAndRead("client write before kill -9", "k2", "v2", /*write=*/true);
    absl::Status s = c_->Kill(kNode);
    Check("unclean stop (SIGKILL)", s.ok(), s.ToString());
    if (!StartAndLead("restart after SIGKILL")) return checks_;
    WriteAndRead("acknowledged write survives kill -9", "k2", "v2", /*write=*/false);
    code = c_->Stop(kNode, 5000);
    Check("clean stop after restart", code.ok() && *code == 0,
          code.ok() ? absl::StrCat("exit code ", *code) : code.status().ToString());
    return checks_;
  }

 private:
  bool Check(const std::string& name, bool passed, const std::string& detail) {
    checks_.push_back({name, passed, passed ? "" : detail});
    return passed;
  }

  std::string Log() const { return ReadFile(c_->log_path(kNode)); }

  void UsageExitCode() {
    auto code = RunToExit({o_.binary, "--bogus_flag=1"}, o_.base_dir + "/usage.log", kTimeoutMs);
    Check("usage error exits 2", code.ok() && *code == 2,
          code.ok() ? absl::StrCat("exit code ", *code) : code.status().ToString());
  }

  bool StartAndLead(const std::string& name) {
    absl::Status s = c_->Start(kNode, "node");
    if (s.ok()) {
      bool exited = false;
      s = c_->WaitFor(
          "the node to answer its state and lead its one-node cluster",
          [&](const std::map<api::NodeId, NodeState>& st) {
            auto it = st.find(kNode);
            exited = !c_->Running(kNode);  // no use waiting for a dead process
            return exited || (it != st.end() && it->second.role() == "leader");
          },
          10000);
      if (exited) s = absl::UnavailableError("the node exited");
    }
    if (!s.ok() && !c_->Running(kNode)) {
      s = absl::Status(s.code(), absl::StrCat(s.message(), " (the process exited; log: ",
                                              c_->log_path(kNode), ")"));
    }
    return Check(name, s.ok(), s.ToString());
  }

  Hello ClientHello() {
    Hello h;
    h.set_node_protocol(NODE_PROTOCOL_V1);
    h.set_role(ROLE_CLIENT);
    h.set_cluster_id(kClusterId);
    return h;
  }

  void Handshake() {
    auto client = NodeClient::Connect(c_->port(kNode), ClientHello(), kTimeoutMs);
    if (!client.ok()) {
      Check("handshake", false, client.status().ToString());
      return;
    }
    const HelloReply& r = (*client)->hello_reply();
    bool ok = r.node_id() == kNode && !r.release().empty() && r.min_protocol() >= 1 &&
              r.min_protocol() <= r.max_protocol() && r.cluster_id() == kClusterId;
    Check("handshake", ok, absl::StrCat("reply: ", r.ShortDebugString()));
  }

  // Connects with `hello`, expects a refusal frame and then the close, the
  // counter `counter` to rise and a log line with "refused".
  void ExpectRefusal(const std::string& name, const Hello& hello, const std::string& counter) {
    auto before = c_->State(kNode, kTimeoutMs);
    HelloReply refusal;
    auto client = NodeClient::Connect(c_->port(kNode), hello, kTimeoutMs, &refusal);
    if (client.ok()) {
      Check(name, false, "the handshake was accepted");
      return;
    }
    if (client.status().code() != absl::StatusCode::kPermissionDenied) {
      Check(name, false, absl::StrCat("no HelloReply refusal: ", client.status().ToString()));
      return;
    }
    auto after = c_->State(kNode, kTimeoutMs);
    if (!before.ok() || !after.ok()) {
      Check(name, false, "no admin state to read the counter from");
      return;
    }
    const uint64_t was = ServerCounter(*before, counter), now = ServerCounter(*after, counter);
    if (now != was + 1) {
      Check(name, false, absl::StrCat("server counter ", counter, " went from ", was, " to ", now));
      return;
    }
    Check(name, absl::StrContains(Log(), "refused") && !refusal.reason().empty(),
          "no log line with \"refused\", or an empty reason");
  }

  void RefuseClusterId() {
    Hello h = ClientHello();
    h.set_cluster_id("another-cluster");
    ExpectRefusal("refuses another cluster id", h, "refused_cluster_id");
  }

  void RefusePeerOfAnotherCluster() {
    Hello h = ClientHello();
    h.set_role(ROLE_PEER);
    h.set_node_id(9);
    h.set_release("v1");
    h.set_min_protocol(1);
    h.set_max_protocol(1);
    h.set_cluster_id("another-cluster");
    ExpectRefusal("refuses a peer of another cluster", h, "refused_cluster_id");
  }

  void RefusePeerOutsideWindow() {
    auto st = c_->State(kNode, kTimeoutMs);
    if (!st.ok()) {
      Check("refuses a peer outside its protocol window", false, st.status().ToString());
      return;
    }
    Hello h = ClientHello();
    h.set_role(ROLE_PEER);
    h.set_node_id(9);
    h.set_release("v99");
    h.set_min_protocol(st->max_protocol() + 1);
    h.set_max_protocol(st->max_protocol() + 5);
    ExpectRefusal("refuses a peer outside its protocol window", h, "refused_window");
  }

  void RefuseNodeProtocol() {
    Hello h = ClientHello();
    h.set_node_protocol(2);
    ExpectRefusal("refuses another node protocol version", h, "refused_node_protocol");
  }

  void AdminState() {
    auto st = c_->State(kNode, kTimeoutMs);
    if (!st.ok()) {
      Check("admin state JSON", false, st.status().ToString());
      return;
    }
    bool ok = st->id() == kNode && !st->release().empty() && st->term() >= 1 &&
              st->leader() == kNode && st->config().voters_size() == 1 &&
              st->commit_index() >= 1 && st->applied_index() <= st->commit_index() &&
              st->cluster_version() >= 1 && st->cluster_id() == kClusterId;
    Check("admin state JSON", ok, st->ShortDebugString());
  }

  void WriteAndRead(const std::string& name, const std::string& key, const std::string& value,
                    bool write) {
    auto client = NodeClient::Connect(c_->port(kNode), kClusterId, /*admin=*/false, kTimeoutMs);
    if (!client.ok()) {
      Check(name, false, client.status().ToString());
      return;
    }
    if (write) {
      api::Request put;
      put.client_id = 77;
      put.sequence = ++sequence_;
      put.op = api::Op::kPut;
      put.key = key;
      put.value = value;
      auto r = (*client)->Call(put, kTimeoutMs);
      if (!r.ok() || !r->status.ok()) {
        Check(name, false, r.ok() ? r->status.ToString() : r.status().ToString());
        return;
      }
    }
    api::Request get;
    get.client_id = 77;
    get.sequence = ++sequence_;
    get.op = api::Op::kGet;
    get.key = key;
    auto r = (*client)->Call(get, kTimeoutMs);
    bool ok = r.ok() && r->status.ok() && r->found && r->value == value;
    Check(name, ok,
          r.ok() ? absl::StrCat(r->status.ToString(), " found=", r->found, " value=", r->value)
                 : r.status().ToString());
  }

  void AdminOpNeedsAdmin() {
    auto client = NodeClient::Connect(c_->port(kNode), kClusterId, /*admin=*/false, kTimeoutMs);
    if (!client.ok()) {
      Check("admin ops refused on a client connection", false, client.status().ToString());
      return;
    }
    api::Request r;
    r.client_id = 78;
    r.sequence = 1;
    r.op = api::Op::kCompact;
    auto reply = (*client)->Call(r, kTimeoutMs);
    Check("admin ops refused on a client connection",
          reply.ok() && reply->status.code() == absl::StatusCode::kPermissionDenied,
          reply.ok() ? reply->status.ToString() : reply.status().ToString());
  }

  void ProtocolErrorCloses() {
    auto before = c_->State(kNode, kTimeoutMs);
    auto client = NodeClient::Connect(c_->port(kNode), kClusterId, /*admin=*/false, kTimeoutMs);
    if (!client.ok() || !before.ok()) {
      Check("an oversized frame closes the connection", false, "no connection");
      return;
    }
    // A length header above the maximum frame size.
    (void)(*client)->SendRaw(std::string("\xff\xff\xff\xff", 4), kTimeoutMs);
    bool closed = (*client)->ClosedByPeer(kTimeoutMs);
    auto after = c_->State(kNode, kTimeoutMs);
    bool counted = after.ok() && ServerCounter(*after, "protocol_errors") ==
                                     ServerCounter(*before, "protocol_errors") + 1;
    Check("an oversized frame closes the connection", closed && counted,
          absl::StrCat("closed=", closed, " counted=", counted));
  }

  void GarbagePeerMessageCounted() {
    auto st = c_->State(kNode, kTimeoutMs);
    if (!st.ok()) {
      Check("a garbage peer message is counted, not a crash", false, st.status().ToString());
      return;
    }
    Hello h = ClientHello();
    h.set_role(ROLE_PEER);
    h.set_node_id(9);
    h.set_release("test");
    h.set_min_protocol(st->min_protocol());
    h.set_max_protocol(st->max_protocol());
    auto peer = NodeClient::Connect(c_->port(kNode), h, kTimeoutMs);
    if (!peer.ok()) {
      Check("a garbage peer message is counted, not a crash", false, peer.status().ToString());
      return;
    }
    Frame f;
    f.mutable_peer_message()->set_type("garbage");
    f.mutable_peer_message()->set_payload(std::string("\x7f\xff\x00garbage", 10));
    (void)(*peer)->SendFrame(f, kTimeoutMs);
    absl::Status s = c_->WaitFor(
        "the garbage to be counted",
        [&](const std::map<api::NodeId, NodeState>& states) {
          auto it = states.find(kNode);
          return it != states.end() &&
                 ServerCounter(it->second, "deliver_errors") >
                     ServerCounter(*st, "deliver_errors");
        },
        kTimeoutMs);
    Check("a garbage peer message is counted, not a crash", s.ok() && c_->Running(kNode),
          s.ToString());
  }

  // While the node runs, another server on its data directory must exit 4
  // without touching the files.
  void SecondServerOnTheDirectoryRefused() {
    auto code = RunToExit({o_.binary, "--id=1", absl::StrCat("--data_dir=", c_->data_dir(kNode)),
                           absl::StrCat("--cluster_id=", kClusterId), "--port=0"},
                          o_.base_dir + "/second.log", kTimeoutMs);
    Check("a second server on a data directory in use exits 4", code.ok() && *code == 4,
          code.ok() ? absl::StrCat("exit code ", *code) : code.status().ToString());
  }

  const ConformanceOptions& o_;
  ProcessCluster* c_ = nullptr;
  std::vector<ConformanceCheck> checks_;
  uint64_t sequence_ = 0;
};

}  // namespace

std::vector<ConformanceCheck> RunConformance(const ConformanceOptions& options) {
  return Conformance(options).Run();
}

std::string FormatConformance(const std::vector<ConformanceCheck>& checks) {
  std::string out;
  int passed = 0;
  for (const ConformanceCheck& c : checks) {
    if (c.passed) {
      ++passed;
      absl::StrAppend(&out, "PASS     ", c.name, "\n");
    } else {
      absl::StrAppend(&out, "MISSING  ", c.name, ": ", c.detail, "\n");
    }
  }
  absl::StrAppend(&out, passed, " passed, ", checks.size() - passed, " failed\n");
  return out;
}

}  // namespace raftlog::process
