#include "matrix/sim/cluster.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "matrix/sim/random.h"
#include "matrix/sim/snapshot_file.h"

namespace raftlog::sim {

const char* NodeStatusName(NodeStatus s) {
  switch (s) {
    case NodeStatus::kAbsent: return "absent";
    case NodeStatus::kUp: return "up";
    case NodeStatus::kStopped: return "stopped";
    case NodeStatus::kCrashed: return "crashed";
    case NodeStatus::kRefused: return "refused";
  }
  return "?";
}

// The checkers' view of a running node's log. Several checkers read the same
// indexes in one step (a newly committed entry, an acknowledged one), and a
// release may compute an entry's digest on every call, so lookups are
// memoized for the duration of one step (NewStep() forgets them).
class Cluster::LogView : public check::EntrySource {
 public:
  std::optional<api::EntryId> EntryAt(uint64_t index) const override {
    if (node_ == nullptr) return std::nullopt;
    Slot& s = memo_[index % kSlots];
    if (s.generation == generation_ && s.index == index) return s.entry;
    s = Slot{generation_, index, node_->EntryAt(index)};
    return s.entry;
  }
  void NewStep() { ++generation_; }
  api::Node* node_ = nullptr;

 private:
  static constexpr size_t kSlots = 64;
  struct Slot {
    uint64_t generation = 0;
    uint64_t index = 0;
    std::optional<api::EntryId> entry;
  };
  uint64_t generation_ = 1;
  mutable Slot memo_[kSlots];
};

// An input that arrived for a paused node, handed in when it resumes.
struct HeldInput {
  bool is_request = false;
  api::NodeId from = 0;      // a message: its sender, type, bytes and sender tag
  std::string type;
  std::string bytes;
  int sender_tag = -1;
  api::Request request;      // a request
};

struct Cluster::SimNode {
  api::NodeId id = 0;
  std::string tag;
  int tag_index = -1;
  bool bootstrap = false;
  std::unique_ptr<SimDisk> disk;
  std::unique_ptr<SimClock> clock;
  std::unique_ptr<api::SeededRandom> random;
  std::unique_ptr<api::Node> node;
  NodeStatus status = NodeStatus::kAbsent;
  uint64_t incarnation = 0;
  bool has_state = false;
  api::ProtocolState state;
  LogView log;
  bool paused = false;
  std::vector<HeldInput> held;  // in arrival order
  uint64_t open_requests = 0;   // see Cluster::open_requests
  uint64_t open_peak = 0;
};

Cluster::Cluster(uint64_t seed, ClusterOptions options, Trace* trace,
                 check::CheckerSet* checkers)
    : seed_(seed),
      options_(std::move(options)),
      trace_(trace),
      checkers_(checkers),
      network_(DeriveSeed(seed, "network"), options_.network),
      random_(DeriveSeed(seed, "cluster")) {
  assert(options_.find_release);
  for (size_t i = 0; i < options_.tags.size(); ++i) bootstrap_.push_back(i + 1);
}

Cluster::~Cluster() = default;

void Cluster::AdvanceTo(uint64_t t) {
  assert(t >= now_us_);
  now_us_ = t;
}

Cluster::SimNode* Cluster::Find(api::NodeId id) const {
  if (id == 0 || id >= nodes_.size()) return nullptr;
  return nodes_[id].get();
}

int Cluster::TagIndex(absl::string_view tag) {
  for (size_t i = 0; i < tag_names_.size(); ++i) {
    if (tag_names_[i] == tag) return static_cast<int>(i);
  }
  tag_names_.emplace_back(tag);
  return static_cast<int>(tag_names_.size() - 1);
}

void Cluster::StartAll() {
  for (size_t i = 0; i < options_.tags.size(); ++i) (void)Start(i + 1, options_.tags[i]);
}

absl::Status Cluster::Start(api::NodeId id, absl::string_view tag) {
  if (id == 0 || id > 4096) return absl::InvalidArgumentError(absl::StrCat("bad node id ", id));
  const api::ReleaseInfo* release = options_.find_release(tag);
  if (release == nullptr || release->make_node == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown release tag '", tag, "'"));
  }
  if (id >= nodes_.size()) nodes_.resize(id + 1);
  if (!nodes_[id]) {
    auto n = std::make_unique<SimNode>();
    n->id = id;
    n->bootstrap = std::find(bootstrap_.begin(), bootstrap_.end(), id) != bootstrap_.end();
    n->disk = std::make_unique<SimDisk>(DeriveSeed(seed_, "disk", id), options_.disk);
    int64_t drift = 0;
    if (options_.max_drift_ppm > 0) {
      drift = static_cast<int64_t>(random_.Uniform(2 * options_.max_drift_ppm + 1)) -
              options_.max_drift_ppm;
    }
    // Clocks start at different offsets, so nodes do not tick in lockstep.
    uint64_t offset = random_.Uniform(options_.tick_interval_us);
    n->clock = std::make_unique<SimClock>(&now_us_, options_.tick_interval_us, drift, offset);
    nodes_[id] = std::move(n);
  }
  SimNode& n = *nodes_[id];
  if (n.status == NodeStatus::kUp) {
    return absl::InvalidArgumentError(absl::StrCat("node ", id, " is already running"));
  }
  std::string previous = n.tag;
  n.tag = std::string(tag);
  n.tag_index = TagIndex(tag);
  ++n.incarnation;
  n.random = std::make_unique<api::SeededRandom>(
      DeriveSeed(seed_, "node", (id << 20) | n.incarnation));
  api::NodeOptions o;
  o.id = id;
  if (n.bootstrap) o.bootstrap_voters = bootstrap_;
  o.env = api::Env{n.disk.get(), n.clock.get(), n.random.get()};
  o.election_ticks = options_.election_ticks;
  o.heartbeat_ticks = options_.heartbeat_ticks;
  o.snapshot_threshold = options_.snapshot_threshold;
  o.max_inflight_requests = options_.max_inflight_requests;
  o.auto_finalize = options_.auto_finalize;
  o.cluster_key = options_.cluster_key;
  n.node = release->make_node(o);
  ++stats_.steps;
  absl::Status s = n.node->Start();
  if (!s.ok()) {
    ++stats_.refusals;
    refusals_.push_back(Refusal{now_us_, id, n.tag, s});
    trace_->Add(now_us_, "refused", absl::StrCat("n", id, " ", n.tag, " ", s.ToString()));
    // A refused incarnation may have left outputs; none of them counts.
    n.node.reset();
    n.status = NodeStatus::kRefused;
    return s;
  }
  ++stats_.starts;
  if (!previous.empty() && previous != n.tag) ++stats_.upgrades;
  trace_->Add(now_us_, "start",
              absl::StrCat("n", id, " ", n.tag, " incarnation ", n.incarnation,
                           previous.empty() || previous == n.tag
                               ? std::string()
                               : absl::StrCat(" (was ", previous, ")")));
  n.status = NodeStatus::kUp;
  n.log.node_ = n.node.get();
  AfterStep(n);
  return absl::OkStatus();
}

void Cluster::Down(SimNode& n, NodeStatus why) {
  if (n.node) {
    for (const auto& [k, v] : n.node->Counters()) {
      retired_counters_[k] += v;
      retired_counters_by_tag_[n.tag][k] += v;
    }
  }
  n.node.reset();
  n.disk->Disarm();
  n.log.node_ = nullptr;
  n.log.NewStep();
  n.status = why;
  n.paused = false;
  n.held.clear();
  n.open_requests = 0;
  if (checkers_) checkers_->OnCrash(now_us_, n.id);
}

void Cluster::Stop(api::NodeId id) {
  SimNode* n = Find(id);
  if (n == nullptr || n->status != NodeStatus::kUp) return;
  ++stats_.stops;
  trace_->Add(now_us_, "stop", absl::StrCat("n", id));
  Down(*n, NodeStatus::kStopped);
}

void Cluster::Crash(api::NodeId id, bool tear) {
  SimNode* n = Find(id);
  if (n == nullptr || n->status != NodeStatus::kUp) return;
  ++stats_.crashes;
  trace_->Add(now_us_, "crash", absl::StrCat("n", id, tear ? " tear" : ""));
  Down(*n, NodeStatus::kCrashed);
  n->disk->Crash(tear);
}

void Cluster::CrashAtNextSync(api::NodeId id, bool tear) {
  SimNode* n = Find(id);
  if (n == nullptr || n->status != NodeStatus::kUp) return;
  trace_->Add(now_us_, "crash_armed", absl::StrCat("n", id, tear ? " tear" : ""));
  n->disk->ArmCrashAtNextSync(tear);
}

bool Cluster::crash_armed(api::NodeId id) const {
  SimNode* n = Find(id);
  return n != nullptr && n->status == NodeStatus::kUp && n->disk->armed();
}

void Cluster::FireArmedCrash(api::NodeId id) {
  SimNode* n = Find(id);
  if (n == nullptr || n->status != NodeStatus::kUp || !n->disk->armed()) return;
  // No sync came: the crash happens now, between inputs (nothing to tear).
  Crash(id, /*tear=*/true);
}

bool Cluster::Submit(api::NodeId id, const api::Request& r) {
  SimNode* n = Find(id);
  if (n == nullptr || n->status != NodeStatus::kUp) {
    ++stats_.submits_lost;
    return false;
  }
  if (n->paused) {
    HeldInput h;
    h.is_request = true;
    h.request = r;
    Hold(*n, std::move(h));
    return true;
  }
  HandInRequest(*n, r);
  return true;
}

bool Cluster::SubmitAdmin(api::Request r, api::NodeId to) {
  api::NodeId leader = to != 0 ? to : Leader();
  if (leader == 0) return false;
  r.client_id = kAdminClient;
  r.sequence = ++admin_sequence_;
  admin_pending_[r.sequence] = r;
  trace_->Add(now_us_, "admin", absl::StrCat("n", leader, " ", api::OpName(r.op), " target ",
                                             r.target, " version ", r.version));
  return Submit(leader, r);
}

uint64_t Cluster::NextTime() const {
  uint64_t t = network_.NextTime();
  for (const auto& n : nodes_) {
    if (n && n->status == NodeStatus::kUp && !n->paused) t = std::min(t, n->clock->NextTickAt());
  }
  return t;
}

bool Cluster::StepOne() {
  // Ticks first (in node order), then deliveries: a fixed rule for ties.
  for (const auto& p : nodes_) {
    if (!p || p->status != NodeStatus::kUp || p->paused || p->clock->NextTickAt() > now_us_) {
      continue;
    }
    SimNode& n = *p;
    uint64_t count = n.clock->TakeTicks(now_us_, options_.max_tick_batch);
    trace_->AddNumbers(now_us_, "ticks", n.id, count);
    for (uint64_t i = 0; i < count && n.status == NodeStatus::kUp; ++i) {
      ++stats_.ticks;
      ++stats_.steps;
      n.node->Tick();
      AfterStep(n);
    }
    return true;
  }
  if (network_.NextTime() > now_us_) return false;
  Delivery d;
  if (!network_.Arrive(&d)) {
    trace_->AddDelivery(now_us_, d.from, d.to, d.digest, d.type, /*dropped=*/true);
    return true;
  }
  SimNode* n = Find(d.to);
  if (n == nullptr || n->status != NodeStatus::kUp) {
    ++stats_.dropped_down;
    trace_->AddDelivery(now_us_, d.from, d.to, d.digest, d.type, /*dropped=*/true);
    return true;
  }
  if (n->paused) {
    trace_->AddNumbers(now_us_, "held", d.from, d.to);
    HeldInput h;
    h.from = d.from;
    h.type = std::move(d.type);
    h.bytes = std::move(d.bytes);
    h.sender_tag = d.sender_tag;
    Hold(*n, std::move(h));
    return true;
  }
  trace_->AddDelivery(now_us_, d.from, d.to, d.digest, d.type, /*dropped=*/false);
  (void)HandIn(*n, d.from, d.type, d.bytes, d.sender_tag);
  return true;
}

void Cluster::HandInRequest(SimNode& n, const api::Request& r) {
  ++stats_.submits;
  ++stats_.steps;
  if (checkers_) checkers_->OnSubmit(now_us_, n.id, r);
  ++n.open_requests;
  n.node->Submit(r);
  AfterStep(n);
}

void Cluster::Hold(SimNode& n, HeldInput input) {
  n.held.push_back(std::move(input));
  max_held_ = std::max(max_held_, n.held.size());
}

absl::Status Cluster::HandIn(SimNode& n, api::NodeId from, absl::string_view type,
                             absl::string_view bytes, int sender_tag) {
  ++stats_.delivered;
  ++stats_.steps;
  absl::Status s = n.node->Deliver(from, bytes);
  if (s.code() == absl::StatusCode::kUnauthenticated) {
    ++stats_.auth_dropped;
    trace_->Add(now_us_, "auth_failure",
                absl::StrCat(from, "->", n.id, "(", n.tag, ") ", type, ": ", s.message()));
  } else if (!s.ok()) {
    std::string sender = sender_tag >= 0 ? tag_names_[sender_tag] : "?";
    ++decode_errors_[DecodeErrorKey{sender, n.tag, std::string(type)}];
    trace_->Add(now_us_, "decode_error",
                absl::StrCat(from, "(", sender, ")->", n.id, "(", n.tag, ") ", type, ": ",
                             s.ToString()));
  }
  AfterStep(n);
  return s;
}

absl::Status Cluster::Inject(api::NodeId to, api::NodeId from, absl::string_view bytes,
                             absl::string_view type) {
  SimNode* n = Find(to);
  if (n == nullptr || n->status != NodeStatus::kUp || n->paused) {
    return absl::FailedPreconditionError(absl::StrCat("node ", to, " is not up or is paused"));
  }
  trace_->AddDelivery(now_us_, from, to, BytesDigest(bytes), absl::StrCat("injected ", type),
                      /*dropped=*/false);
  return HandIn(*n, from, type, bytes, /*sender_tag=*/-1);
}

void Cluster::Pause(api::NodeId id) {
  SimNode* n = Find(id);
  if (n == nullptr || n->status != NodeStatus::kUp || n->paused) return;
  n->paused = true;
  trace_->Add(now_us_, "pause", absl::StrCat("n", id));
}

size_t Cluster::Resume(api::NodeId id) {
  SimNode* n = Find(id);
  if (n == nullptr || !n->paused) return 0;
  n->paused = false;
  // The ticks due while paused never happened: the node resumes with the view
  // it had, and its timers run from now on (each take is bounded).
  while (n->clock->NextTickAt() <= now_us_) {
    if (n->clock->TakeTicks(now_us_, options_.max_tick_batch) == 0) break;
  }
  std::vector<HeldInput> held = std::move(n->held);
  n->held.clear();
  trace_->AddNumbers(now_us_, "resume", id, held.size());
  size_t handed = 0;
  for (HeldInput& h : held) {
    // An input may take the node down (a fatal error): the rest is lost.
    if (n->status != NodeStatus::kUp) break;
    ++handed;
    if (h.is_request) {
      HandInRequest(*n, h.request);
      continue;
    }
    trace_->AddDelivery(now_us_, h.from, id, BytesDigest(h.bytes), h.type, /*dropped=*/false);
    (void)HandIn(*n, h.from, h.type, h.bytes, h.sender_tag);
  }
  return handed;
}

bool Cluster::paused(api::NodeId id) const {
  SimNode* n = Find(id);
  return n != nullptr && n->paused;
}

std::vector<api::NodeId> Cluster::paused_ids() const {
  std::vector<api::NodeId> out;
  for (const auto& n : nodes_) {
    if (n && n->paused) out.push_back(n->id);
  }
  return out;
}

size_t Cluster::held(api::NodeId id) const {
  SimNode* n = Find(id);
  return n == nullptr ? 0 : n->held.size();
}

uint64_t Cluster::open_requests(api::NodeId id) const {
  SimNode* n = Find(id);
  return n == nullptr ? 0 : n->open_requests;
}

uint64_t Cluster::open_requests_peak(api::NodeId id) const {
  SimNode* n = Find(id);
  return n == nullptr ? 0 : n->open_peak;
}

void Cluster::ResetOpenRequestPeaks() {
  for (const auto& n : nodes_) {
    if (n) n->open_peak = n->open_requests;
  }
}

void Cluster::AfterStep(SimNode& n) {
  n.log.NewStep();
  if (n.disk->crashed_in_step()) {
    // The node died inside this input, at a sync: nothing it produced in the
    // input left the process (a reply, a message, an apply), and its disk
    // holds what the crash left.
    (void)n.node->TakeReady();
    ++stats_.crashes;
    ++stats_.crashes_in_sync;
    trace_->Add(now_us_, "crash", absl::StrCat("n", n.id, " inside an input, at a sync"));
    Down(n, NodeStatus::kCrashed);
    n.disk->FinishCrashInStep();
    return;
  }
  api::Ready ready = n.node->TakeReady();
  uint64_t latency = n.disk->TakeLatency();
  for (api::Outbound& m : ready.messages) {
    if (send_observer_) send_observer_(now_us_, n.id, m);
    network_.Send(now_us_, n.id, std::move(m), latency, n.tag_index);
  }
  api::ProtocolState st = n.node->State();
  bool was_leader = n.has_state && n.state.role == api::Role::kLeader && n.state.term == st.term;
  if (st.role == api::Role::kLeader && !was_leader) {
    ++stats_.leader_changes;
    trace_->Add(now_us_, "leader", absl::StrCat("n", n.id, " term ", st.term));
  }
  const uint64_t snapshot_before = n.state.snapshot_index;
  const uint32_t format_before = n.state.snapshot_format;
  n.state = std::move(st);
  n.has_state = true;
  // Every request gets at most one reply; a node that does not lead holds none.
  n.open_requests -= std::min<uint64_t>(n.open_requests, ready.replies.size());
  if (n.state.role != api::Role::kLeader) n.open_requests = 0;
  n.open_peak = std::max(n.open_peak, n.open_requests);
  if (checkers_) {
    check::NodeStep step{now_us_, n.id, n.tag, &n.state, &n.log, &ready.applied};
    checkers_->OnStep(step);
    ReportSnapshotFile(*checkers_, n.disk->mem(), now_us_, n.id, n.tag, snapshot_before,
                       format_before, n.state);
  }
  for (const api::AuditEvent& a : ready.audit) {
    trace_->Add(now_us_, "audit", absl::StrCat("n", n.id, " ", a.kind, " ", a.detail));
  }
  for (const api::Reply& r : ready.replies) {
    if (r.client_id == kAdminClient) {
      auto it = admin_pending_.find(r.sequence);
      AdminReply ar{now_us_, n.id, it == admin_pending_.end() ? api::Request() : it->second, r};
      trace_->Add(now_us_, "admin_reply",
                  absl::StrCat("n", n.id, " ", api::OpName(ar.request.op), " ",
                               r.status.ToString()));
      admin_replies_.push_back(std::move(ar));
      if (admin_fn_) admin_fn_(admin_replies_.back());
      continue;
    }
    if (checkers_) {
      checkers_->OnReply(check::ClientReply{now_us_, n.id, n.tag, n.state.term, n.state.role, &r});
    }
    if (!reply_fn_) continue;
    std::optional<api::EntryId> entry;
    if (r.status.ok() && r.index > 0) entry = n.log.EntryAt(r.index);
    reply_fn_(now_us_ + latency, n.id, r, entry);
  }
}

api::NodeId Cluster::Leader() const {
  api::NodeId best = 0;
  uint64_t term = 0;
  for (const auto& n : nodes_) {
    if (!n || n->status != NodeStatus::kUp || !n->has_state) continue;
    if (n->state.role == api::Role::kLeader && (best == 0 || n->state.term > term)) {
      best = n->id;
      term = n->state.term;
    }
  }
  return best;
}

std::vector<api::NodeId> Cluster::ids() const {
  std::vector<api::NodeId> out;
  for (const auto& n : nodes_) {
    if (n) out.push_back(n->id);
  }
  return out;
}

std::vector<api::NodeId> Cluster::up_ids() const {
  std::vector<api::NodeId> out;
  for (const auto& n : nodes_) {
    if (n && n->status == NodeStatus::kUp) out.push_back(n->id);
  }
  return out;
}

NodeStatus Cluster::status(api::NodeId id) const {
  SimNode* n = Find(id);
  return n ? n->status : NodeStatus::kAbsent;
}

std::string Cluster::tag(api::NodeId id) const {
  SimNode* n = Find(id);
  return n ? n->tag : "";
}

const api::ProtocolState* Cluster::state(api::NodeId id) const {
  SimNode* n = Find(id);
  return n && n->has_state ? &n->state : nullptr;
}

api::Node* Cluster::node(api::NodeId id) {
  SimNode* n = Find(id);
  return n ? n->node.get() : nullptr;
}

SimDisk* Cluster::disk(api::NodeId id) {
  SimNode* n = Find(id);
  return n ? n->disk.get() : nullptr;
}

SimClock* Cluster::clock(api::NodeId id) {
  SimNode* n = Find(id);
  return n ? n->clock.get() : nullptr;
}

std::map<std::string, uint64_t> Cluster::ReleaseCounters() const {
  std::map<std::string, uint64_t> out = retired_counters_;
  for (const auto& n : nodes_) {
    if (!n || !n->node) continue;
    for (const auto& [k, v] : n->node->Counters()) out[k] += v;
  }
  return out;
}

std::map<std::string, std::map<std::string, uint64_t>> Cluster::ReleaseCountersByTag() const {
  std::map<std::string, std::map<std::string, uint64_t>> out = retired_counters_by_tag_;
  for (const auto& n : nodes_) {
    if (!n || !n->node) continue;
    for (const auto& [k, v] : n->node->Counters()) out[n->tag][k] += v;
  }
  return out;
}

DiskStats Cluster::DiskTotals() const {
  DiskStats t;
  for (const auto& n : nodes_) {
    if (!n) continue;
    const DiskStats& s = n->disk->stats();
    t.reads += s.reads;
    t.writes += s.writes;
    t.syncs += s.syncs;
    t.slow_syncs += s.slow_syncs;
    t.sync_latency_us += s.sync_latency_us;
    t.bit_flips += s.bit_flips;
    t.crashes += s.crashes;
    t.crashes_in_sync += s.crashes_in_sync;
  }
  return t;
}

std::string Cluster::StateTable() const {
  std::string out = absl::StrFormat("%-4s %-8s %-8s %-3s %-6s %-12s %-6s %-7s %-7s %-7s %-9s %s\n",
                                    "node", "status", "release", "cv", "term", "role", "leader",
                                    "commit", "applied", "last", "snapshot", "config");
  for (const auto& n : nodes_) {
    if (!n) continue;
    const api::ProtocolState& s = n->state;
    absl::StrAppend(
        &out, absl::StrFormat("%-4d %-8s %-8s %-3d %-6d %-12s %-6d %-7d %-7d %-7d %-9d %s\n",
                              n->id, NodeStatusName(n->status), n->tag, s.cluster_version, s.term,
                              api::RoleName(s.role), s.leader, s.commit_index, s.applied_index,
                              s.last_index, s.snapshot_index, api::ConfigString(s.config)));
  }
  return out;
}

}  // namespace raftlog::sim
