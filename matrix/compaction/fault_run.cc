#include "matrix/compaction/fault_run.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "matrix/compaction/reference.h"
#include "versions/api/mem_env.h"
#include "versions/api/pump.h"

namespace raftlog::compaction {
namespace {

using api::NodeId;
using api::Op;
using api::Reply;
using api::Request;

constexpr uint64_t kAdminClient = 900;
constexpr uint64_t kReaderClient = 999;
constexpr uint64_t kFirstClient = 101;
constexpr int kClients = 3;
constexpr int kKeys = 6;
constexpr int kMaxAttempts = 40;     // per operation
constexpr int kStepsPerAttempt = 120;
constexpr int kConvergeSteps = 3000;
constexpr int kMaxRestartsInARow = 8;

// What a node is doing while its file system is used.
struct Context {
  NodeId node = 0;
  const char* input = "";  // "start", "tick", "deliver", "submit"
  NodeId from = 0;
  bool carries_snapshot = false;
  std::string Describe() const {
    if (node == 0) return "outside any input";
    std::string s = absl::StrCat("node ", node, " in ", input);
    if (from != 0) absl::StrAppend(&s, " from ", from);
    if (carries_snapshot) absl::StrAppend(&s, " carrying a snapshot");
    return s;
  }
};

class FaultRun;

// Whether a message of release `tag` carries a snapshot or a chunk of one:
// the snapshot magic in its bytes (a whole file, or a first chunk), or a set
// body field of the tag's envelope ("raftlog.wire.<tag>.Message") whose name
// mentions a snapshot and is not a response (a later chunk).
bool CarriesSnapshot(const std::string& tag, absl::string_view bytes) {
  if (ContainsSnapshotMagic(bytes)) return true;
  const google::protobuf::Descriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          absl::StrCat("raftlog.wire.", tag, ".Message"));
  if (d == nullptr) return false;
  std::unique_ptr<google::protobuf::Message> m(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(d)->New());
  if (!m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  m->GetReflection()->ListFields(*m, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
        absl::StrContains(f->name(), "snapshot") && !absl::StrContains(f->name(), "response")) {
      return true;
    }
  }
  return false;
}

// Forwards to the release's node and tells the run what input is being
// handled, so that file-system operations can be attributed to it.
class ObservedNode : public api::Node {
 public:
  ObservedNode(std::unique_ptr<api::Node> inner, std::string tag, NodeId id, Context* ctx,
               uint64_t* snapshot_deliveries)
      : inner_(std::move(inner)),
        tag_(std::move(tag)),
        id_(id),
        ctx_(ctx),
        snapshot_deliveries_(snapshot_deliveries) {}
  absl::Status Start() override {
    Scope s(this, "start", 0, false);
    return inner_->Start();
  }
  absl::Status Deliver(NodeId from, absl::string_view bytes) override {
    const bool snap = CarriesSnapshot(tag_, bytes);
    if (snap) ++*snapshot_deliveries_;
    Scope s(this, "deliver", from, snap);
    return inner_->Deliver(from, bytes);
  }
  void Tick() override {
    Scope s(this, "tick", 0, false);
    inner_->Tick();
  }
  void Submit(const Request& request) override {
    Scope s(this, "submit", 0, false);
    inner_->Submit(request);
  }
  api::Ready TakeReady() override { return inner_->TakeReady(); }
  api::ProtocolState State() const override { return inner_->State(); }
  std::optional<api::EntryId> EntryAt(uint64_t index) const override {
    return inner_->EntryAt(index);
  }
  std::map<std::string, uint64_t> Counters() const override { return inner_->Counters(); }

 private:
  struct Scope {
    Scope(ObservedNode* n, const char* input, NodeId from, bool snap) : n_(n) {
      *n_->ctx_ = Context{n_->id_, input, from, snap};
    }
    ~Scope() { *n_->ctx_ = Context{}; }
    ObservedNode* n_;
  };
  std::unique_ptr<api::Node> inner_;
  std::string tag_;
  NodeId id_;
  Context* ctx_;
  uint64_t* snapshot_deliveries_;
};

bool IsCandidate(CrashKind kind, const FsOpRecord& r, const Context& ctx, NodeId node) {
  if (!r.ok || !r.mutating()) return false;
  switch (kind) {
    case CrashKind::kSnapshotWrite:
      return (r.op == FsOp::kWrite || r.op == FsOp::kAppend) && r.snapshot_data;
    case CrashKind::kSnapshotPublish:
      return r.op == FsOp::kRename && r.publishes_snapshot;
    case CrashKind::kInstall:
      return ctx.node == node && ctx.carries_snapshot && std::string(ctx.input) == "deliver";
    case CrashKind::kAnyOp:
      return true;
  }
  return false;
}

std::string Quote(const std::string& s) { return absl::StrCat("\"", absl::CEscape(s), "\""); }

class FaultRun {
 public:
  FaultRun(const api::ReleaseInfo& release, const RunOptions& options)
      : release_(release),
        options_(options),
        pump_(
            [this](const api::NodeOptions& o) {
              api::NodeOptions x = o;
              x.env.fs = Fs(o.id);
              return std::unique_ptr<api::Node>(
                  new ObservedNode(release_.make_node(x), release_.tag, o.id, &ctx_,
                                   &result_.install_deliveries));
            },
            PumpOptions(options)),
        rng_(options.seed * 0x9E3779B97F4A7C15ull + 17) {
    for (const PlannedCrash& c : options_.crashes) planned_[c.node].push_back(c);
  }

  RunResult Run();

 private:
  static api::Pump::Options PumpOptions(const RunOptions& options) {
    api::Pump::Options o;
    o.ids = {1, 2, 3};
    o.seed = options.seed;
    o.node.election_ticks = 10;
    o.node.heartbeat_ticks = 1;
    // Compaction at seeded points: a small threshold drawn from the seed.
    api::SeededRandom r(options.seed ^ 0x5EED);
    o.node.snapshot_threshold = 8 + r.Uniform(17);
    return o;
  }

  CrashFs* Fs(NodeId id);
  void Observe(NodeId id, const FsOpRecord& r);
  void ArmNext(NodeId id);
  void Event(std::string s) { result_.events.push_back(std::move(s)); }
  void Failure(std::string s) { result_.failures.push_back(std::move(s)); }
  // Crashes and restarts every node whose CrashFs reached its crash point.
  void HandleCrashes();
  bool SubmitAndAwait(Request r);
  bool RaiseClusterVersion();
  void Compact(NodeId node);
  void CheckOutcome(const Request& r, const Reply& reply);
  bool Converge();
  void FinalChecks();

  const api::ReleaseInfo& release_;
  RunOptions options_;
  Context ctx_;
  std::map<NodeId, std::unique_ptr<CrashFs>> fs_;
  std::map<NodeId, std::deque<PlannedCrash>> planned_;
  std::map<NodeId, std::pair<uint64_t, std::string>> last_op_;  // position, context
  api::Pump pump_;
  api::SeededRandom rng_;
  uint64_t position_ = 0;
  bool recording_ = true;  // candidates are taken from the workload, not the final checks
  std::map<uint64_t, uint64_t> sequence_;
  RunResult result_;
};

CrashFs* FaultRun::Fs(NodeId id) {
  auto it = fs_.find(id);
  if (it != fs_.end()) return it->second.get();
  auto fs = std::make_unique<CrashFs>(&pump_.env(id)->fs);
  fs->SetLyingSync(options_.lying_sync);
  fs->SetObserver([this, id](const FsOpRecord& r) { Observe(id, r); });
  CrashFs* raw = fs.get();
  fs_[id] = std::move(fs);
  ArmNext(id);
  return raw;
}

void FaultRun::ArmNext(NodeId id) {
  auto it = planned_.find(id);
  CrashFs* fs = fs_.at(id).get();
  if (it == planned_.end() || it->second.empty()) {
    fs->CrashAfter(0);
    return;
  }
  fs->CrashAfter(it->second.front().op_seq);
}

void FaultRun::Observe(NodeId id, const FsOpRecord& r) {
  ++position_;
  last_op_[id] = {position_, ctx_.Describe()};
  if (r.ok && (r.op == FsOp::kWrite || r.op == FsOp::kAppend) && r.snapshot_data) {
    ++result_.snapshot_writes;
  }
  if (r.ok && r.publishes_snapshot) ++result_.snapshot_publishes;
  if (recording_ && IsCandidate(options_.kind, r, ctx_, id)) {
    CrashCandidate c;
    c.crash.node = id;
    c.crash.op_seq = r.seq;
    c.crash.what = absl::StrCat(r.Describe(), " (", ctx_.Describe(), ")");
    c.position = position_;
    result_.candidates.push_back(std::move(c));
  }
}

void FaultRun::HandleCrashes() {
  for (int round = 0;; ++round) {
    // Two nodes can reach their crash points within one input (a message
    // handled by one makes the other write); they crash in the order they
    // reached them, never in id order, so a campaign replays as planned.
    NodeId id = 0;
    for (auto& [n, fs] : fs_) {
      if (fs->crashed() && (id == 0 || last_op_[n].first < last_op_[id].first)) id = n;
    }
    if (id == 0) return;
    if (round == kMaxRestartsInARow) {
      Failure(absl::StrCat("node ", id, " crashed ", round, " times in a row while restarting"));
      return;
    }
    CrashFs* fs = fs_.at(id).get();
    FiredCrash f;
    f.node = id;
    f.op = fs->crash_point();
    f.position = last_op_[id].first;
    f.context = last_op_[id].second;
    Event(absl::StrCat("CRASH node ", id, options_.whole_cluster ? " and every other node" : "",
                       " after ", f.op.Describe(), " (", f.context, ")"));
    auto& queue = planned_[id];
    if (!queue.empty()) queue.pop_front();
    result_.fired.push_back(std::move(f));
    std::vector<NodeId> down = {id};
    if (options_.whole_cluster) down = pump_.ids();
    for (NodeId n : down) pump_.Crash(n, /*tear=*/true);
    fs->Revive();
    ArmNext(id);
    for (NodeId n : down) {
      absl::Status st = pump_.Restart(n);
      if (!st.ok() && !fs_.at(n)->crashed()) {
        Failure(absl::StrCat("node ", n, " does not restart after the crash at ",
                             result_.fired.back().op.Describe(), ": ", st.ToString()));
        return;
      }
      if (st.ok()) {
        const api::ProtocolState ps = pump_.node(n)->State();
        Event(absl::StrCat("restart node ", n, ": term ", ps.term, " commit ", ps.commit_index,
                           " applied ", ps.applied_index, " snapshot ", ps.snapshot_index,
                           " log ", ps.first_index, "..", ps.last_index));
      }
    }
  }
}

void FaultRun::CheckOutcome(const Request& r, const Reply& reply) {
  auto& kv = result_.model;
  auto it = kv.find(r.key);
  const bool found = it != kv.end();
  const std::string current = found ? it->second : "";
  const std::string what = absl::StrCat("client ", r.client_id, " seq ", r.sequence, " ",
                                        api::OpName(r.op), " ", Quote(r.key), " (index ",
                                        reply.index, ")");
  switch (r.op) {
    case Op::kGet:
      if (reply.found != found || reply.value != current) {
        Failure(absl::StrCat(what, " read ", reply.found ? Quote(reply.value) : "nothing",
                             " but the acknowledged writes leave ",
                             found ? Quote(current) : "nothing"));
      }
      break;
    case Op::kPut:
      kv[r.key] = r.value;
      break;
    case Op::kAppend:
      kv[r.key] = current + r.value;
      break;
    case Op::kDelete:
      kv.erase(r.key);
      break;
    case Op::kCas: {
      const bool swap = current == r.expected;
      if (reply.succeeded != swap) {
        Failure(absl::StrCat(what, " answered succeeded=", reply.succeeded, " but the value was ",
                             found ? Quote(current) : "absent", ", expected ",
                             Quote(r.expected)));
      }
      if (swap) kv[r.key] = r.value;
      break;
    }
    default:
      break;
  }
}

// Submits `r` until it is acknowledged (the same client and sequence every
// time, as a client retries), restarting crashed nodes in between.
bool FaultRun::SubmitAndAwait(Request r) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    HandleCrashes();
    std::optional<Reply> reply = pump_.SubmitToLeader(r, kStepsPerAttempt);
    HandleCrashes();
    if (reply.has_value() && reply->status.ok()) {
      CheckOutcome(r, *reply);
      AckedOp acked{r, *reply};
      if (r.op == Op::kGet && release_.max_protocol >= 3) {
        const NodeId leader = pump_.Leader();
        acked.logged = leader == 0 || pump_.node(leader) == nullptr ||
                       pump_.node(leader)->State().cluster_version < 3;
      }
      result_.acked.push_back(std::move(acked));
      return true;
    }
    if (reply.has_value() && reply->status.code() == absl::StatusCode::kOutOfRange) {
      Failure(absl::StrCat("client ", r.client_id, " seq ", r.sequence,
                           " refused as superseded: ", reply->status.ToString()));
      return false;
    }
    pump_.Steps(3);
  }
  Failure(absl::StrCat("client ", r.client_id, " seq ", r.sequence, " ", api::OpName(r.op),
                       " not acknowledged after ", kMaxAttempts, " attempts"));
  return false;
}

bool FaultRun::RaiseClusterVersion() {
  const uint32_t target = release_.max_protocol;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    HandleCrashes();
    Request r;
    r.client_id = kAdminClient;
    r.sequence = ++sequence_[kAdminClient];
    r.op = Op::kFinalize;
    std::optional<Reply> reply = pump_.SubmitToLeader(r, kStepsPerAttempt);
    pump_.Steps(3);
    HandleCrashes();
    const NodeId leader = pump_.Leader();
    if (leader != 0 && pump_.node(leader)->State().cluster_version >= target) {
      Event(absl::StrCat("finalize: cluster version ", target));
      return true;
    }
    Event(absl::StrCat("finalize: ",
                       reply.has_value() ? reply->status.ToString() : std::string("no reply")));
    pump_.Steps(5);
  }
  Failure(absl::StrCat("finalize did not raise the cluster version to ", target));
  return false;
}

void FaultRun::Compact(NodeId node) {
  if (pump_.node(node) == nullptr) return;
  Request r;
  r.client_id = kAdminClient;
  r.sequence = ++sequence_[kAdminClient];
  r.op = Op::kCompact;
  std::optional<Reply> reply = pump_.Submit(node, r, 5);
  Event(absl::StrCat("compact node ", node, ": ",
                     !reply.has_value() ? std::string("no reply")
                     : reply->status.ok() ? absl::StrCat("ok at ", reply->index)
                                          : reply->status.ToString()));
  HandleCrashes();
}

bool FaultRun::Converge() {
  for (int i = 0; i < kConvergeSteps; ++i) {
    HandleCrashes();
    const NodeId leader = pump_.Leader();
    if (leader != 0) {
      const api::ProtocolState ls = pump_.node(leader)->State();
      bool all = true;
      for (NodeId id : pump_.ids()) {
        api::Node* n = pump_.node(id);
        if (n == nullptr) {
          all = false;
          continue;
        }
        const api::ProtocolState st = n->State();
        if (st.applied_index != ls.commit_index || st.last_index != ls.last_index) all = false;
      }
      if (all) return true;
    }
    pump_.Step();
  }
  return false;
}

void FaultRun::FinalChecks() {
  recording_ = false;
  pump_.HealAll();
  for (auto& [id, fs] : fs_) fs->CrashAfter(0);
  HandleCrashes();
  for (const auto& [id, queue] : planned_) {
    for (const PlannedCrash& c : queue) {
      Failure(absl::StrCat("planned crash on node ", id, " after operation ", c.op_seq,
                           " never fired (", c.what, ")"));
    }
  }
  if (!Converge()) {
    Failure("the healed cluster did not converge");
    return;
  }
  // Every replica holds the same state.
  std::map<NodeId, api::ProtocolState> states;
  for (NodeId id : pump_.ids()) states[id] = pump_.node(id)->State();
  const api::ProtocolState& first = states.begin()->second;
  result_.final_applied = first.applied_index;
  result_.cluster_version = first.cluster_version;
  result_.final_kv_digest = first.kv_digest;
  for (const auto& [id, st] : states) {
    if (st.kv_digest != first.kv_digest || st.applied_index != first.applied_index) {
      Failure(absl::StrCat("node ", id, " ends at applied ", st.applied_index, " kv_digest ",
                           st.kv_digest, "; node ", first.id, " at ", first.applied_index, " ",
                           first.kv_digest));
    }
  }
  // Snapshot + remaining log replay to the same state: each node, restarted
  // alone, recovers what it had.
  for (const auto& [id, st] : states) {
    pump_.Isolate(id);
    pump_.Crash(id, /*tear=*/false);
    if (absl::Status s = pump_.Restart(id); !s.ok()) {
      Failure(absl::StrCat("node ", id, " does not restart on its final data: ", s.ToString()));
      pump_.Heal(id);
      continue;
    }
    const api::ProtocolState after = pump_.node(id)->State();
    if (after.applied_index != st.applied_index || after.kv_digest != st.kv_digest) {
      Failure(absl::StrCat("node ", id, " replays its snapshot (index ", after.snapshot_index,
                           ") and log to applied ", after.applied_index, " kv_digest ",
                           after.kv_digest, "; it had ", st.applied_index, " ", st.kv_digest));
    }
    pump_.Heal(id);
  }
  // The fault-free reference fed the same commands at the same indices.
  std::map<uint64_t, Request> claims;
  for (const AckedOp& a : result_.acked) {
    if (!a.logged) continue;
    auto [it, inserted] = claims.emplace(a.reply.index, a.request);
    if (!inserted) {
      Failure(absl::StrCat("client ", a.request.client_id, " seq ", a.request.sequence,
                           " and client ", it->second.client_id, " seq ", it->second.sequence,
                           " both acknowledged at index ", a.reply.index));
    }
  }
  absl::StatusOr<uint64_t> reference =
      ReferenceDigest(release_, claims, result_.final_applied);
  if (!reference.ok()) {
    Failure(absl::StrCat("reference replay: ", reference.status().ToString()));
  } else {
    result_.reference_kv_digest = *reference;
    if (*reference != result_.final_kv_digest) {
      Failure(absl::StrCat("replicas end with kv_digest ", result_.final_kv_digest,
                           ", the fault-free reference fed the same ", claims.size(),
                           " commands with ", *reference));
    }
  }
  // Every acknowledged write is readable (after the digests: reads add a session).
  if (!Converge()) {
    Failure("the cluster did not converge after the replay restarts");
    return;
  }
  for (int k = 0; k < kKeys; ++k) {
    Request r;
    r.client_id = kReaderClient;
    r.sequence = ++sequence_[kReaderClient];
    r.op = Op::kGet;
    r.key = absl::StrCat("k", k);
    if (!SubmitAndAwait(r)) return;
  }
  if (pump_.violations() != 0) Failure(pump_.first_violation());
}

RunResult FaultRun::Run() {
  for (NodeId id : {1, 2, 3}) {
    absl::Status s = pump_.StartNode(id, {1, 2, 3});
    if (!s.ok() && !fs_.at(id)->crashed()) {
      Failure(absl::StrCat("node ", id, " does not start: ", s.ToString()));
      return std::move(result_);
    }
    HandleCrashes();
  }
  if (options_.raise_cluster_version && !RaiseClusterVersion()) return std::move(result_);
  // Three lag episodes: a node cut off while the others write and compact,
  // then healed right after the leader compacts, so it is sent a snapshot.
  struct Episode {
    int start, end;
    NodeId node;
  };
  std::vector<Episode> episodes;
  const int n = options_.operations;
  int earliest = n / 10;
  for (int e = 0; e < 3; ++e) {
    // One node at a time: episodes never overlap, so a quorum stays up.
    const int start = std::max(earliest, e * (3 * n / 10) + n / 10) +
                      static_cast<int>(rng_.Uniform(n / 10 + 1));
    const int end = start + n / 6 + static_cast<int>(rng_.Uniform(n / 10 + 1));
    episodes.push_back({start, end, static_cast<NodeId>(1 + rng_.Uniform(3))});
    earliest = end + 2;
  }
  for (int i = 0; i < n && result_.failures.empty(); ++i) {
    for (const Episode& e : episodes) {
      if (i == e.start) {
        pump_.Isolate(e.node);
        Event(absl::StrCat("op ", i, ": cut off node ", e.node));
      }
      if (i == e.end) {
        const NodeId leader = pump_.RunUntilLeader(kStepsPerAttempt);
        if (leader != 0 && leader != e.node) Compact(leader);
        pump_.Heal(e.node);
        Event(absl::StrCat("op ", i, ": heal node ", e.node));
      }
    }
    if (rng_.Uniform(8) == 0) Compact(static_cast<NodeId>(1 + rng_.Uniform(3)));
    Request r;
    r.client_id = kFirstClient + rng_.Uniform(kClients);
    r.sequence = ++sequence_[r.client_id];
    r.key = absl::StrCat("k", rng_.Uniform(kKeys));
    const uint64_t dice = rng_.Uniform(20);
    if (dice < 7) {
      r.op = Op::kPut;
      r.value = absl::StrCat("v", i);
    } else if (dice < 13) {
      r.op = Op::kAppend;
      r.value = absl::StrCat("+", i);
    } else if (dice < 16) {
      r.op = Op::kCas;
      auto it = result_.model.find(r.key);
      r.expected = rng_.Uniform(2) == 0 && it != result_.model.end() ? it->second : "stale";
      r.value = absl::StrCat("c", i);
    } else if (dice < 18) {
      r.op = Op::kDelete;
    } else {
      r.op = Op::kGet;
    }
    if (!SubmitAndAwait(r)) break;
    // Time passes between operations (a reply can come without a tick).
    pump_.Steps(1 + static_cast<int>(rng_.Uniform(2)));
    HandleCrashes();
  }
  if (result_.failures.empty()) FinalChecks();
  return std::move(result_);
}

}  // namespace

const char* CrashKindName(CrashKind kind) {
  switch (kind) {
    case CrashKind::kSnapshotWrite: return "SnapshotWrite";
    case CrashKind::kSnapshotPublish: return "SnapshotPublish";
    case CrashKind::kInstall: return "Install";
    case CrashKind::kAnyOp: return "AnyOp";
  }
  return "?";
}

RunResult RunWithCrashes(const api::ReleaseInfo& release, const RunOptions& options) {
  FaultRun run(release, options);
  return run.Run();
}

RunResult RunCampaign(const api::ReleaseInfo& release, const RunOptions& base, int crashes) {
  api::SeededRandom pick(base.seed ^ 0xC0FFEEull);
  RunOptions options = base;
  options.crashes.clear();
  RunResult r = RunWithCrashes(release, options);
  for (int i = 0; i < crashes && r.failures.empty(); ++i) {
    const uint64_t after = r.fired.empty() ? 0 : r.fired.back().position;
    std::vector<const CrashCandidate*> eligible;
    for (const CrashCandidate& c : r.candidates) {
      if (c.position > after) eligible.push_back(&c);
    }
    if (eligible.empty()) break;
    options.crashes.push_back(eligible[pick.Uniform(eligible.size())]->crash);
    r = RunWithCrashes(release, options);
    // Determinism: each planned crash fired, in order, at the operation seen.
    for (size_t k = 0; k < options.crashes.size(); ++k) {
      const PlannedCrash& p = options.crashes[k];
      if (k >= r.fired.size() || r.fired[k].node != p.node || r.fired[k].op.seq != p.op_seq) {
        r.failures.push_back(absl::StrCat("planned crash ", k + 1, " (node ", p.node, " after ",
                                          p.what, ") did not fire where it was seen: the run "
                                          "is not deterministic"));
        break;
      }
    }
  }
  return r;
}

std::string Report(const RunResult& r, size_t last_events) {
  std::string out;
  absl::StrAppend(&out, "failures:\n");
  for (const std::string& f : r.failures) absl::StrAppend(&out, "  ", f, "\n");
  absl::StrAppend(&out, "crashes fired: ", r.fired.size(), "\n");
  for (const FiredCrash& f : r.fired) {
    absl::StrAppend(&out, "  node ", f.node, " after ", f.op.Describe(), " (", f.context, ")\n");
  }
  absl::StrAppend(&out, "acknowledged operations: ", r.acked.size(), ", snapshot writes ",
                  r.snapshot_writes, ", publishes ", r.snapshot_publishes, "\n");
  const size_t from = r.events.size() > last_events ? r.events.size() - last_events : 0;
  absl::StrAppend(&out, "last events:\n");
  for (size_t i = from; i < r.events.size(); ++i) absl::StrAppend(&out, "  ", r.events[i], "\n");
  return out;
}

}  // namespace raftlog::compaction
