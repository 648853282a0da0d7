#include "matrix/sim/choice_world.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "matrix/check/read_freshness.h"
#include "matrix/sim/releases.h"
#include "matrix/sim/snapshot_file.h"
#include "versions/canaries/registry.h"
#include "versions/registry.h"

namespace raftlog::sim {
namespace {

constexpr uint64_t kClient = 1;
constexpr uint64_t kAdminClient = 1ull << 40;

absl::string_view BaseTag(absl::string_view tag) { return tag.substr(0, tag.find('+')); }

bool IsVoterIn(const api::Config& c, api::NodeId id) {
  return std::binary_search(c.voters.begin(), c.voters.end(), id) ||
         std::binary_search(c.voters_outgoing.begin(), c.voters_outgoing.end(), id);
}

// Appends a length-prefixed field, so concatenations cannot collide.
void Put(std::string* out, absl::string_view s) {
  absl::StrAppend(out, s.size(), ":", s, ";");
}
void Put(std::string* out, uint64_t v) { absl::StrAppend(out, v, ";"); }
void PutIds(std::string* out, const std::vector<api::NodeId>& ids) {
  Put(out, absl::StrJoin(ids, ","));
}

// Every file of `fs`, path and content digest, in path order: as they are,
// or as a crash (no tearing) would leave them.
void PutFiles(std::string* out, const api::MemFileSystem& fs, bool after_crash = false) {
  fs.ForEachFile(after_crash, [out](absl::string_view name, absl::string_view data) {
    Put(out, name);
    Put(out, api::Fnv1a64(data));
  });
}

}  // namespace

const api::ReleaseInfo* FindAnyRelease(absl::string_view tag) {
  if (const api::ReleaseInfo* r = FindSimRelease(tag); r != nullptr) return r;
  return canaries::FindCanaryRelease(tag);
}

std::string NextTag(absl::string_view tag) {
  const std::vector<api::ReleaseInfo>& all = AllReleases();
  for (size_t i = 0; i + 1 < all.size(); ++i) {
    if (all[i].tag == BaseTag(tag)) return all[i + 1].tag;
  }
  return "";
}

std::string PreviousTag(absl::string_view tag) {
  const std::vector<api::ReleaseInfo>& all = AllReleases();
  for (size_t i = 1; i < all.size(); ++i) {
    if (all[i].tag == BaseTag(tag)) return all[i - 1].tag;
  }
  return "";
}

class ChoiceWorld::LogView : public check::EntrySource {
 public:
  std::optional<api::EntryId> EntryAt(uint64_t index) const override {
    return node_ == nullptr ? std::nullopt : node_->EntryAt(index);
  }
  const api::Node* node_ = nullptr;
};

struct ChoiceWorld::Member {
  api::NodeId id = 0;
  std::string tag;
  bool bootstrap = false;
  api::MemFileSystem fs;
  api::ManualClock clock;
  std::unique_ptr<api::SeededRandom> random;
  std::unique_ptr<api::Node> node;  // null while down
  uint64_t incarnation = 0;
  api::ProtocolState state;         // after the last step (of the last incarnation)
  LogView log;
  // Its files when this incarnation started, chained with every input since:
  // the node is a deterministic function of it (ChoiceBounds::exact_digest).
  uint64_t history = 0;
};

namespace {
uint64_t Chain(uint64_t h, absl::string_view what) {
  return api::Fnv1a64(what, h ^ 0x9E3779B97F4A7C15ull);
}
}  // namespace

ChoiceWorld::ChoiceWorld(const ChoiceBounds& bounds) : bounds_(bounds) {
  checkers_.Add(std::make_unique<check::ReadFreshness>());
  if (bounds.admission_limit > 0) {
    auto admission = std::make_unique<check::AdmissionBound>(bounds.admission_limit);
    admission_ = admission.get();
    checkers_.Add(std::move(admission));
  }
}
ChoiceWorld::~ChoiceWorld() = default;

absl::StatusOr<std::unique_ptr<ChoiceWorld>> ChoiceWorld::Create(const ChoiceBounds& bounds) {
  if (bounds.tags.empty()) return absl::InvalidArgumentError("no tags: at least one node");
  std::unique_ptr<ChoiceWorld> w(new ChoiceWorld(bounds));
  const size_t voters =
      bounds.voters > 0 ? std::min<size_t>(bounds.voters, bounds.tags.size()) : bounds.tags.size();
  for (size_t i = 0; i < bounds.tags.size(); ++i) {
    if (FindAnyRelease(bounds.tags[i]) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown release tag '", bounds.tags[i],
                                                     "' (known: ", ReleaseTagList(), ")"));
    }
    auto m = std::make_unique<Member>();
    m->id = i + 1;
    m->bootstrap = i < voters;
    w->members_.push_back(std::move(m));
  }
  for (size_t i = 0; i < bounds.tags.size(); ++i) {
    if (absl::Status s = w->StartNode(*w->members_[i], bounds.tags[i]); !s.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("node ", i + 1, " (", bounds.tags[i], ") did not start: ", s.ToString()));
    }
  }
  return w;
}

absl::Status ChoiceWorld::StartNode(Member& m, const std::string& tag) {
  const api::ReleaseInfo* release = FindAnyRelease(tag);
  if (release == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown tag ", tag));
  m.tag = tag;
  ++m.incarnation;
  m.random = std::make_unique<api::SeededRandom>(m.id * 1000003 + m.incarnation);
  api::NodeOptions o;
  o.id = m.id;
  if (m.bootstrap) {
    for (const auto& other : members_) {
      if (other->bootstrap) o.bootstrap_voters.push_back(other->id);
    }
  }
  o.env = api::Env{&m.fs, &m.clock, m.random.get()};
  o.election_ticks = bounds_.election_ticks;
  o.heartbeat_ticks = 1;
  o.cluster_key = "explore-cluster-key";
  o.max_inflight_requests = static_cast<uint64_t>(std::max(bounds_.admission_limit, 0));
  std::string files;
  PutFiles(&files, m.fs);
  m.history = Chain(api::Fnv1a64(files), absl::StrCat("start ", tag, " ", m.incarnation));
  m.node = release->make_node(o);
  absl::Status s = m.node->Start();
  if (!s.ok()) {
    events_.push_back(absl::StrCat("n", m.id, " ", tag, " refused to start: ", s.ToString()));
    if (trace_ != nullptr) {
      trace_->Add(NowUs(), "refused", absl::StrCat("n", m.id, " ", tag, " ", s.ToString()));
    }
    m.node.reset();
    return s;
  }
  m.log.node_ = m.node.get();
  if (admission_ != nullptr) {
    admission_->Enforce(m.id, m.node->Counters().count(api::kCounterOverloaded) > 0);
  }
  if (trace_ != nullptr) {
    trace_->Add(NowUs(), "start",
                absl::StrCat("n", m.id, " ", tag, " incarnation ", m.incarnation));
  }
  AfterStep(m);
  return absl::OkStatus();
}

void ChoiceWorld::AfterStep(Member& m) {
  api::Ready ready = m.node->TakeReady();
  for (api::Outbound& out : ready.messages) {
    InFlightMessage f{m.id, out.to, api::Fnv1a64(out.bytes), std::move(out.type),
                      std::move(out.bytes)};
    if (f.to == 0 || f.to > members_.size()) continue;  // no such node: lost
    in_flight_.push_back(std::move(f));
  }
  const uint64_t snapshot_before = m.state.snapshot_index;
  const uint32_t format_before = m.state.snapshot_format;
  m.state = m.node->State();
  if (m.state.role == api::Role::kLeader && leaders_seen_.emplace(m.state.term, m.id).second &&
      trace_ != nullptr) {
    trace_->Add(NowUs(), "leader", absl::StrCat("n", m.id, " term ", m.state.term));
  }
  for (const api::AppliedEntry& a : ready.applied) {
    applied_seen_.emplace(a.index, api::Fnv1a64(absl::StrCat(a.id.term, "/", a.id.digest)));
  }
  check::NodeStep step{NowUs(), m.id, m.tag, &m.state, &m.log, &ready.applied};
  checkers_.OnStep(step);
  ReportSnapshotFile(checkers_, m.fs, NowUs(), m.id, m.tag, snapshot_before, format_before,
                     m.state);
  for (const api::Reply& r : ready.replies) {
    const auto open = open_.find(r.sequence);
    const bool get = open != open_.end() && open->second.op == api::Op::kGet;
    if (open != open_.end()) open_.erase(open);
    events_.push_back(absl::StrCat(
        "n", m.id, " replies to ", r.client_id == kAdminClient ? "admin" : "client", " #",
        r.sequence, ": ", r.status.ToString(), " index ", r.index,
        get ? (r.found ? absl::StrCat(" value ", r.value) : std::string(" not found")) : ""));
    if (trace_ != nullptr) trace_->Add(NowUs(), "reply", events_.back());
    checkers_.OnReply(check::ClientReply{NowUs(), m.id, m.tag, m.state.term, m.state.role, &r});
    if (r.client_id != kClient || get || !r.status.ok() || r.index == 0) continue;
    check::Ack ack;
    ack.time_us = NowUs();
    ack.client_id = r.client_id;
    ack.sequence = r.sequence;
    ack.node = m.id;
    ack.index = r.index;
    ack.entry = m.node->EntryAt(r.index);
    ack.what = absl::StrCat("put k=v", r.sequence);
    if (ack.entry.has_value()) {
      acked_.emplace(r.index, api::Fnv1a64(absl::StrCat(ack.entry->term, "/", ack.entry->digest)));
    }
    checkers_.OnAck(ack);
  }
}

void ChoiceWorld::Down(Member& m, bool crash) {
  for (auto it = open_.begin(); it != open_.end();) {
    it = it->second.node == m.id ? open_.erase(it) : std::next(it);  // never answered now
  }
  m.node.reset();
  m.log.node_ = nullptr;
  checkers_.OnCrash(NowUs(), m.id);
  if (crash) m.fs.Crash();  // no tearing: one path, one outcome
}

ChoiceWorld::Member* ChoiceWorld::Up(api::NodeId id) const {
  if (id == 0 || id > members_.size()) return nullptr;
  Member* m = members_[id - 1].get();
  return m->node ? m : nullptr;
}

bool ChoiceWorld::IsLeader(const Member& m) const {
  return m.node && m.state.role == api::Role::kLeader;
}

void ChoiceWorld::Submit(Member& m, const api::Request& r) {
  m.history = Chain(m.history, absl::StrCat("submit ", r.client_id, " ", r.sequence, " ",
                                            static_cast<int>(r.op), " ", r.target, " ",
                                            absl::StrJoin(r.new_voters, ",")));
  open_[r.sequence] = OpenRequest{m.id, r.op, acked_.empty() ? 0 : acked_.rbegin()->first};
  checkers_.OnSubmit(NowUs(), m.id, r);
  m.node->Submit(r);
  AfterStep(m);
}

int ChoiceWorld::TickToTimeout(Member& m) {
  const api::Role role = m.state.role;
  const uint64_t term = m.state.term;
  int ticks = 0;
  while (ticks < kMaxTicksPerTimeout && m.node) {
    const size_t before = in_flight_.size();
    m.clock.Advance(10'000);
    m.history = Chain(m.history, "tick");
    m.node->Tick();
    ++ticks;
    AfterStep(m);
    if (in_flight_.size() != before || m.state.role != role || m.state.term != term) break;
  }
  return ticks;
}

int ChoiceWorld::FindMessage(const Choice& c) const {
  for (size_t i = 0; i < in_flight_.size(); ++i) {
    const InFlightMessage& f = in_flight_[i];
    if (f.from == c.from && f.to == c.node && f.digest == c.digest) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<Choice> ChoiceWorld::Resolve(const Choice& c) const {
  if (c.type.empty()) return c;
  for (const InFlightMessage& f : in_flight_) {
    if (f.from == c.from && f.to == c.node && f.type == c.type) {
      Choice out = c;
      out.type.clear();
      out.digest = f.digest;
      return out;
    }
  }
  return absl::NotFoundError(
      absl::StrCat("no ", c.type, " in flight from ", c.from, " to ", c.node));
}

std::vector<Choice> ChoiceWorld::Enabled() const {
  std::vector<Choice> out;
  std::vector<std::tuple<api::NodeId, api::NodeId, uint64_t>> msgs;
  for (const InFlightMessage& f : in_flight_) msgs.emplace_back(f.to, f.from, f.digest);
  std::sort(msgs.begin(), msgs.end());
  msgs.erase(std::unique(msgs.begin(), msgs.end()), msgs.end());
  for (const auto& [to, from, digest] : msgs) {
    Choice c;
    c.node = to;
    c.from = from;
    c.digest = digest;
    if (Up(to) != nullptr) {
      c.kind = ChoiceKind::kDeliver;
      out.push_back(c);
    }
    if (spent_.drops < bounds_.drops) {
      c.kind = ChoiceKind::kDrop;
      out.push_back(c);
    }
    if (spent_.duplicates < bounds_.duplicates) {
      c.kind = ChoiceKind::kDuplicate;
      out.push_back(c);
    }
  }
  for (const auto& mp : members_) {
    const Member& m = *mp;
    Choice c;
    c.node = m.id;
    if (!m.node) {
      c.kind = ChoiceKind::kRestart;
      out.push_back(c);
      continue;
    }
    const bool leader = IsLeader(m);
    if (leader ? spent_.heartbeats < bounds_.heartbeats
               : spent_.timeouts < bounds_.timeouts && IsVoterIn(m.state.config, m.id)) {
      c.kind = ChoiceKind::kTick;
      out.push_back(c);
    }
    if (spent_.crashes < bounds_.crashes) {
      c.kind = ChoiceKind::kCrash;
      out.push_back(c);
    }
    if (spent_.upgrades < bounds_.upgrades && !NextTag(m.tag).empty()) {
      c.kind = ChoiceKind::kUpgrade;
      out.push_back(c);
    }
    if (spent_.rollbacks < bounds_.rollbacks && !PreviousTag(m.tag).empty()) {
      c.kind = ChoiceKind::kRollback;
      out.push_back(c);
    }
    if (spent_.compactions < bounds_.compactions && m.state.applied_index > m.state.snapshot_index) {
      c.kind = ChoiceKind::kCompact;
      out.push_back(c);
    }
    if (!leader) continue;
    if (spent_.client_ops < bounds_.client_ops) {
      c.kind = ChoiceKind::kPut;
      out.push_back(c);
    }
    if (spent_.reads < bounds_.reads) {
      c.kind = ChoiceKind::kRead;
      out.push_back(c);
    }
    if (spent_.finalizes < bounds_.finalizes) {
      c.kind = ChoiceKind::kFinalize;
      out.push_back(c);
    }
    if (spent_.downgrades < bounds_.downgrades && m.state.cluster_version >= 2) {
      c.kind = ChoiceKind::kDowngrade;
      out.push_back(c);
    }
    AddMembershipChoices(m, c, &out);
  }
  return out;
}

void ChoiceWorld::AddMembershipChoices(const Member& leader, const Choice& at,
                                       std::vector<Choice>* out) const {
  const api::Config& config = leader.state.config;
  auto in = [](const std::vector<api::NodeId>& set, api::NodeId id) {
    return std::binary_search(set.begin(), set.end(), id);
  };
  // Learners came with cluster version 2 (a v1 member would refuse the entry).
  if (spent_.learners < bounds_.learners && leader.state.cluster_version >= 2) {
    for (const auto& other : members_) {
      Choice lc = at;
      lc.target = other->id;
      if (in(config.learners, other->id)) {
        lc.kind = ChoiceKind::kPromote;
      } else if (!in(config.voters, other->id)) {
        lc.kind = ChoiceKind::kAddLearner;
      } else {
        continue;
      }
      out->push_back(lc);
    }
  }
  if (spent_.membership >= bounds_.membership) return;
  const bool joint = BaseTag(leader.tag) == "v3" && leader.state.cluster_version >= 3;
  for (const auto& other : members_) {
    const bool voter = in(config.voters, other->id);
    if (voter && config.voters.size() == 1) continue;  // never the last voter
    Choice mc = at;
    mc.kind = voter ? ChoiceKind::kRemoveVoter : ChoiceKind::kAddVoter;
    mc.target = other->id;
    out->push_back(mc);
    if (!joint) continue;
    Choice jc = at;
    jc.kind = ChoiceKind::kJoint;
    jc.voters = config.voters;
    if (voter) {
      jc.voters.erase(std::find(jc.voters.begin(), jc.voters.end(), other->id));
    } else {
      jc.voters.insert(std::upper_bound(jc.voters.begin(), jc.voters.end(), other->id),
                       other->id);
    }
    out->push_back(jc);
  }
  if (joint) AddReplacements(at, config, out);
}

void ChoiceWorld::AddReplacements(const Choice& at, const api::Config& config,
                                  std::vector<Choice>* out) const {
  for (api::NodeId leaving : config.voters) {
    for (const auto& joining : members_) {
      if (std::binary_search(config.voters.begin(), config.voters.end(), joining->id)) continue;
      Choice jc = at;
      jc.kind = ChoiceKind::kJoint;
      for (api::NodeId v : config.voters) {
        if (v != leaving) jc.voters.push_back(v);
      }
      jc.voters.insert(std::upper_bound(jc.voters.begin(), jc.voters.end(), joining->id),
                       joining->id);
      out->push_back(std::move(jc));
    }
  }
}

api::Request ChoiceWorld::RequestFor(const Choice& c) {
  api::Request r;
  r.sequence = ++next_sequence_;
  r.client_id = kAdminClient;
  r.target = c.target;
  switch (c.kind) {
    case ChoiceKind::kPut:
      ++spent_.client_ops;
      r.client_id = kClient;
      r.op = api::Op::kPut;
      r.key = "k";
      r.value = absl::StrCat("v", r.sequence);
      break;
    case ChoiceKind::kRead:
      ++spent_.reads;
      r.client_id = kClient;
      r.op = api::Op::kGet;
      r.key = "k";
      break;
    case ChoiceKind::kAddVoter:
    case ChoiceKind::kRemoveVoter:
      ++spent_.membership;
      r.op = c.kind == ChoiceKind::kAddVoter ? api::Op::kAddVoter : api::Op::kRemoveVoter;
      break;
    case ChoiceKind::kJoint:
      ++spent_.membership;
      r.op = api::Op::kChangeConfig;
      r.new_voters = c.voters;
      break;
    case ChoiceKind::kAddLearner:
    case ChoiceKind::kPromote:
      ++spent_.learners;
      r.op = c.kind == ChoiceKind::kAddLearner ? api::Op::kAddLearner : api::Op::kPromoteLearner;
      break;
    case ChoiceKind::kFinalize:
      ++spent_.finalizes;
      r.op = api::Op::kFinalize;
      break;
    case ChoiceKind::kCompact:
      ++spent_.compactions;
      r.op = api::Op::kCompact;
      break;
    case ChoiceKind::kDowngrade: {
      ++spent_.downgrades;
      r.op = api::Op::kDowngrade;
      const uint32_t cv = members_[c.node - 1]->state.cluster_version;
      r.version = cv > 1 ? cv - 1 : 1;
      break;
    }
    default:
      break;  // not a request
  }
  return r;
}

absl::StatusOr<Choice> ChoiceWorld::ApplyNamed(const Choice& named) {
  absl::StatusOr<Choice> c = Resolve(named);
  if (!c.ok()) return c.status();
  if (absl::Status s = Apply(*c); !s.ok()) return s;
  return c;
}

absl::Status ChoiceWorld::Apply(const Choice& c, bool checked) {
  events_.clear();
  const auto enabled = checked ? Enabled() : std::vector<Choice>{c};
  if (std::find(enabled.begin(), enabled.end(), c) == enabled.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("choice '", ChoiceString(c), "' is not enabled after ", applied_,
                     " choice(s)"));
  }
  ++applied_;
  Member& m = *members_[c.node - 1];
  switch (c.kind) {
    case ChoiceKind::kDeliver: {
      const int i = FindMessage(c);
      InFlightMessage f = std::move(in_flight_[i]);
      in_flight_.erase(in_flight_.begin() + i);
      if (trace_ != nullptr) TraceChoice(c, m, &f, 0);
      m.history = Chain(m.history, absl::StrCat("deliver ", f.from, " ", f.digest));
      absl::Status s = m.node->Deliver(f.from, f.bytes);
      if (!s.ok()) {
        events_.push_back(absl::StrCat("n", m.id, " rejects ", f.type, ": ", s.ToString()));
        if (trace_ != nullptr) trace_->Add(NowUs(), "decode_error", events_.back());
      }
      AfterStep(m);
      break;
    }
    case ChoiceKind::kDrop:
    case ChoiceKind::kDuplicate: {
      const int i = FindMessage(c);
      if (trace_ != nullptr) TraceChoice(c, m, &in_flight_[i], 0);
      if (c.kind == ChoiceKind::kDrop) {
        in_flight_.erase(in_flight_.begin() + i);
        ++spent_.drops;
      } else {
        in_flight_.push_back(in_flight_[i]);
        ++spent_.duplicates;
      }
      break;
    }
    case ChoiceKind::kTick: {
      ++(IsLeader(m) ? spent_.heartbeats : spent_.timeouts);
      const int ticks = TickToTimeout(m);
      if (trace_ != nullptr) TraceChoice(c, m, nullptr, ticks);
      break;
    }
    case ChoiceKind::kCrash:
      ++spent_.crashes;
      if (trace_ != nullptr) TraceChoice(c, m, nullptr, 0);
      Down(m, /*crash=*/true);
      break;
    case ChoiceKind::kRestart:
      (void)StartNode(m, m.tag);  // a refusal leaves it down (an event says why)
      break;
    case ChoiceKind::kUpgrade:
      ++spent_.upgrades;
      if (trace_ != nullptr) TraceChoice(c, m, nullptr, 0);
      Down(m, /*crash=*/false);
      (void)StartNode(m, NextTag(m.tag));
      break;
    case ChoiceKind::kRollback: {
      ++spent_.rollbacks;
      if (trace_ != nullptr) TraceChoice(c, m, nullptr, 0);
      const std::string newer = m.tag;
      Down(m, /*crash=*/false);
      // The older release may refuse the data (it must, before the downgrade
      // procedure): the node stays down, and a restart brings it back on the
      // release it ran.
      if (!StartNode(m, PreviousTag(newer)).ok()) m.tag = newer;
      break;
    }
    case ChoiceKind::kPut:
    case ChoiceKind::kRead:
    case ChoiceKind::kAddVoter:
    case ChoiceKind::kRemoveVoter:
    case ChoiceKind::kJoint:
    case ChoiceKind::kFinalize:
    case ChoiceKind::kCompact:
    case ChoiceKind::kAddLearner:
    case ChoiceKind::kPromote:
    case ChoiceKind::kDowngrade: {
      const api::Request r = RequestFor(c);
      if (trace_ != nullptr) TraceChoice(c, m, nullptr, 0);
      Submit(m, r);
      break;
    }
  }
  checkers_.OnTime(NowUs());
  if (trace_ != nullptr) TraceNewViolations();
  return absl::OkStatus();
}

void ChoiceWorld::TraceChoice(const Choice& c, const Member& m, const InFlightMessage* message,
                              int ticks) {
  const uint64_t now = NowUs();
  switch (c.kind) {
    case ChoiceKind::kDeliver:
    case ChoiceKind::kDrop:
      trace_->AddDelivery(now, message->from, message->to, message->digest, message->type,
                          /*dropped=*/c.kind == ChoiceKind::kDrop);
      break;
    case ChoiceKind::kDuplicate:
      trace_->Add(now, "duplicate",
                  absl::StrFormat("%d->%d %s %016x", message->from, message->to, message->type,
                                  message->digest));
      break;
    case ChoiceKind::kTick:
      trace_->AddNumbers(now, "ticks", m.id, static_cast<uint64_t>(ticks));
      break;
    case ChoiceKind::kCrash:
      trace_->Add(now, "crash", absl::StrCat("n", m.id));
      break;
    case ChoiceKind::kUpgrade:
      trace_->Add(now, "stop", absl::StrCat("n", m.id, " (upgrade ", m.tag, " -> ",
                                            NextTag(m.tag), ")"));
      break;
    case ChoiceKind::kPut:
      trace_->Add(now, "submit", absl::StrCat("n", m.id, " put k"));
      break;
    case ChoiceKind::kRead:
      trace_->Add(now, "submit", absl::StrCat("n", m.id, " get k"));
      break;
    case ChoiceKind::kCompact:
      trace_->Add(now, "admin", absl::StrCat("n", m.id, " compact"));
      break;
    case ChoiceKind::kDowngrade:
      trace_->Add(now, "admin", absl::StrCat("n", m.id, " downgrade to ",
                                             m.state.cluster_version > 1
                                                 ? m.state.cluster_version - 1
                                                 : 1));
      break;
    case ChoiceKind::kRollback:
      trace_->Add(now, "stop", absl::StrCat("n", m.id, " (rollback ", m.tag, " -> ",
                                            PreviousTag(m.tag), ")"));
      break;
    case ChoiceKind::kAddLearner:
    case ChoiceKind::kPromote:
      trace_->Add(now, "admin",
                  absl::StrCat("n", m.id, " ",
                               c.kind == ChoiceKind::kAddLearner ? "add_learner" : "promote_learner",
                               " target ", c.target));
      break;
    case ChoiceKind::kAddVoter:
    case ChoiceKind::kRemoveVoter:
      trace_->Add(now, "admin", absl::StrCat("n", m.id, " ",
                                             c.kind == ChoiceKind::kAddVoter ? "add_voter"
                                                                             : "remove_voter",
                                             " target ", c.target));
      break;
    case ChoiceKind::kJoint:
      trace_->Add(now, "admin",
                  absl::StrCat("n", m.id, " change_config voters ", absl::StrJoin(c.voters, ",")));
      break;
    case ChoiceKind::kFinalize:
      trace_->Add(now, "admin", absl::StrCat("n", m.id, " finalize"));
      break;
    case ChoiceKind::kRestart:
      break;  // StartNode traces the start or the refusal
  }
}

void ChoiceWorld::TraceNewViolations() {
  const std::vector<check::Violation> all = checkers_.Violations();
  for (size_t i = violations_traced_; i < all.size(); ++i) {
    if (!all[i].liveness) trace_->Add(NowUs(), "violation", check::ViolationString(all[i]));
  }
  violations_traced_ = all.size();
}

const api::ProtocolState* ChoiceWorld::state(api::NodeId id) const {
  const Member* m = Up(id);
  return m == nullptr ? nullptr : &m->state;
}

std::map<std::string, uint64_t> ChoiceWorld::Counters(api::NodeId id) const {
  const Member* m = Up(id);
  return m == nullptr ? std::map<std::string, uint64_t>{} : m->node->Counters();
}

std::string ChoiceWorld::StateTable() const {
  std::string out = absl::StrFormat("%-4s %-8s %-14s %-3s %-6s %-12s %-6s %-7s %-7s %-7s %-9s %s\n",
                                    "node", "status", "release", "cv", "term", "role", "leader",
                                    "commit", "applied", "last", "snapshot", "config");
  for (const auto& mp : members_) {
    const Member& m = *mp;
    const api::ProtocolState& s = m.state;
    absl::StrAppend(
        &out, absl::StrFormat("%-4d %-8s %-14s %-3d %-6d %-12s %-6d %-7d %-7d %-7d %-9d %s\n",
                              m.id, m.node ? "up" : "down", m.tag, s.cluster_version, s.term,
                              api::RoleName(s.role), s.leader, s.commit_index, s.applied_index,
                              s.last_index, s.snapshot_index, api::ConfigString(s.config)));
  }
  return out;
}

std::pair<uint64_t, uint64_t> ChoiceWorld::Digest() const {
  std::string s;
  for (const auto& mp : members_) {
    Member& m = *mp;
    Put(&s, m.id);
    Put(&s, m.tag);
    Put(&s, m.node ? 1 : 0);
    if (bounds_.exact_digest) {
      if (m.node) Put(&s, m.history);
      else PutFiles(&s, m.fs);
      continue;
    }
    if (m.node) {
      const api::ProtocolState& st = m.state;
      for (uint64_t v : {st.term, st.vote, static_cast<uint64_t>(st.role), st.leader,
                         st.commit_index, st.applied_index, st.first_index, st.last_index,
                         st.last_term, st.config_index, uint64_t{st.cluster_version},
                         st.snapshot_index, st.snapshot_term, uint64_t{st.snapshot_format},
                         st.kv_digest}) {
        Put(&s, v);
      }
      PutIds(&s, st.config.voters);
      PutIds(&s, st.config.learners);
      PutIds(&s, st.config.voters_outgoing);
      for (uint64_t i = st.first_index; i <= st.last_index; ++i) {
        std::optional<api::EntryId> e = m.node->EntryAt(i);
        Put(&s, e ? e->term : 0);
        Put(&s, e ? e->digest : 0);
      }
    }
    PutFiles(&s, m.fs);
    PutFiles(&s, m.fs, /*after_crash=*/true);
  }
  std::vector<std::tuple<api::NodeId, api::NodeId, uint64_t>> msgs;
  for (const InFlightMessage& f : in_flight_) msgs.emplace_back(f.from, f.to, f.digest);
  std::sort(msgs.begin(), msgs.end());
  for (const auto& [from, to, digest] : msgs) {
    Put(&s, from);
    Put(&s, to);
    Put(&s, digest);
  }
  for (int v : {spent_.timeouts, spent_.heartbeats, spent_.crashes, spent_.drops,
                spent_.duplicates, spent_.client_ops, spent_.membership, spent_.upgrades,
                spent_.finalizes, spent_.reads, spent_.compactions, spent_.learners,
                spent_.downgrades, spent_.rollbacks}) {
    Put(&s, static_cast<uint64_t>(v));
  }
  // Requests a node holds unanswered (its reply is still to come), by what
  // they are rather than by sequence number.
  std::vector<std::tuple<api::NodeId, int, uint64_t>> open;
  for (const auto& [sequence, o] : open_) {
    open.emplace_back(o.node, static_cast<int>(o.op), o.acked_floor);
  }
  std::sort(open.begin(), open.end());
  for (const auto& [node, op, floor] : open) Put(&s, absl::StrCat("O", node, "/", op, "/", floor));
  for (const auto& [term, id] : leaders_seen_) Put(&s, absl::StrCat("L", term, "/", id));
  for (const auto& [index, e] : applied_seen_) Put(&s, absl::StrCat("A", index, "/", e));
  for (const auto& [index, e] : acked_) Put(&s, absl::StrCat("K", index, "/", e));
  return {api::Fnv1a64(s), api::Fnv1a64(s, 0x9E3779B97F4A7C15ull)};
}

std::string ChoiceWorld::MessageType(const Choice& c) const {
  const int i = FindMessage(c);
  return i < 0 ? "" : in_flight_[i].type;
}

std::string ChoiceWorld::Describe() const {
  std::string out;
  for (const auto& mp : members_) {
    const Member& m = *mp;
    if (!m.node) {
      absl::StrAppend(&out, "  n", m.id, " ", m.tag, " down\n");
      continue;
    }
    const api::ProtocolState& st = m.state;
    absl::StrAppend(&out, absl::StrFormat(
                              "  n%d %s %s term %d vote %d leader %d commit %d applied %d "
                              "log [%d,%d] last_term %d %s cv %d\n",
                              m.id, m.tag, api::RoleName(st.role), st.term, st.vote, st.leader,
                              st.commit_index, st.applied_index, st.first_index, st.last_index,
                              st.last_term, api::ConfigString(st.config), st.cluster_version));
  }
  for (const InFlightMessage& f : in_flight_) {
    absl::StrAppend(&out, absl::StrFormat("  in flight %d->%d %s #%016x\n", f.from, f.to, f.type,
                                          f.digest));
  }
  return out;
}

}  // namespace raftlog::sim
