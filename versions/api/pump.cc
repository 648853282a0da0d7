#include "versions/api/pump.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace raftlog::api {

Pump::Pump(MakeNode make_node, Options options)
    : make_node_(std::move(make_node)), options_(std::move(options)) {}

Pump::Slot& Pump::slot(NodeId id) {
  Slot& s = slots_[id];
  if (!s.env) {
    // Distinct, deterministic seeds per node.
    s.env = std::make_unique<MemEnv>(options_.seed * 1000003ull + id);
  }
  return s;
}

MemEnv* Pump::env(NodeId id) { return slot(id).env.get(); }

Node* Pump::node(NodeId id) {
  auto it = slots_.find(id);
  return it == slots_.end() ? nullptr : it->second.node.get();
}

std::vector<NodeId> Pump::ids() const {
  std::vector<NodeId> out;
  for (const auto& [id, s] : slots_) out.push_back(id);
  return out;
}

absl::Status Pump::StartAll() {
  for (NodeId id : options_.ids) {
    if (absl::Status s = StartNode(id, options_.ids); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Pump::StartNode(NodeId id, const std::vector<NodeId>& bootstrap) {
  Slot& s = slot(id);
  s.bootstrap = bootstrap;
  NodeOptions o = options_.node;
  o.id = id;
  o.bootstrap_voters = bootstrap;
  o.env = s.env->env();
  s.node = make_node_(o);
  absl::Status st = s.node->Start();
  if (!st.ok()) {
    s.node.reset();
    return st;
  }
  Drain(id);
  return absl::OkStatus();
}

void Pump::Drain(NodeId id) {
  Node* n = node(id);
  if (n == nullptr) return;
  Ready r = n->TakeReady();
  for (Outbound& m : r.messages) {
    queue_.push_back(Envelope{id, m.to, std::move(m.type), std::move(m.bytes)});
  }
  for (Reply& rep : r.replies) replies_[id].push_back(std::move(rep));
  for (AuditEvent& a : r.audit) audit_[id].push_back(std::move(a));
  for (const AppliedEntry& a : r.applied) {
    uint64_t& hi = applied_index_[id];
    if (a.index > hi) hi = a.index;
    auto [it, inserted] = applied_.emplace(a.index, a.id);
    if (!inserted && !(it->second == a.id)) {
      if (violations_++ == 0) {
        first_violation_ = absl::StrCat("node ", id, " applied (term ", a.id.term, ", digest ",
                                        a.id.digest, ") at index ", a.index,
                                        " where (term ", it->second.term, ", digest ",
                                        it->second.digest, ") was applied before");
      }
    }
  }
}

void Pump::TickAll() {
  for (auto& [id, s] : slots_) {
    if (s.node) Tick(id);
  }
}

void Pump::Tick(NodeId id) {
  Node* n = node(id);
  if (n == nullptr) return;
  n->Tick();
  Drain(id);
}

size_t Pump::DeliverAll() {
  size_t n = 0;
  while (!queue_.empty() && n < options_.max_deliveries) {
    Envelope e = std::move(queue_.front());
    queue_.pop_front();
    ++n;
    Node* to = node(e.to);
    if (to == nullptr || node(e.from) == nullptr) continue;  // crashed ends drop it
    if (isolated_.count(e.from) || isolated_.count(e.to)) continue;
    if (filter_ && !filter_(e)) continue;
    ++delivered_;
    absl::Status s = to->Deliver(e.from, e.bytes);
    if (!s.ok()) deliver_errors_.push_back(s);
    Drain(e.to);
  }
  return n;
}

void Pump::Step() {
  TickAll();
  DeliverAll();
}

void Pump::Steps(int n) {
  for (int i = 0; i < n; ++i) Step();
}

NodeId Pump::Leader() const {
  NodeId best = 0;
  uint64_t best_term = 0;
  for (const auto& [id, s] : slots_) {
    if (!s.node) continue;
    ProtocolState st = s.node->State();
    if (st.role == Role::kLeader && (best == 0 || st.term > best_term)) {
      best = id;
      best_term = st.term;
    }
  }
  return best;
}

NodeId Pump::RunUntilLeader(int max_steps) {
  for (int i = 0; i <= max_steps; ++i) {
    NodeId l = Leader();
    if (l != 0 && !isolated_.count(l)) return l;
    if (i < max_steps) Step();
  }
  return 0;
}

std::optional<Reply> Pump::Submit(NodeId to, const Request& request, int max_steps) {
  Node* n = node(to);
  if (n == nullptr) return std::nullopt;
  size_t seen = replies_[to].size();
  n->Submit(request);
  Drain(to);
  for (int i = 0;; ++i) {
    DeliverAll();
    std::vector<Reply>& rs = replies_[to];
    for (size_t k = seen; k < rs.size(); ++k) {
      if (rs[k].client_id == request.client_id && rs[k].sequence == request.sequence) {
        return rs[k];
      }
    }
    if (i >= max_steps || node(to) == nullptr) return std::nullopt;
    TickAll();
  }
}

std::optional<Reply> Pump::SubmitToLeader(const Request& request, int max_steps) {
  int used = 0;
  while (used <= max_steps) {
    NodeId leader = RunUntilLeader(max_steps - used);
    if (leader == 0) return std::nullopt;
    // Give each attempt a bounded share, so a leader that lost its quorum
    // does not eat the whole budget.
    int budget = std::min(max_steps - used, 50);
    std::optional<Reply> r = Submit(leader, request, budget);
    used += budget + 1;
    // "Not the leader" (or no answer): find the leader again and retry the
    // same (client_id, sequence), as a client would.
    if (r.has_value() && r->status.code() != absl::StatusCode::kFailedPrecondition) return r;
  }
  return std::nullopt;
}

void Pump::Crash(NodeId id, bool tear) {
  Slot& s = slot(id);
  s.node.reset();
  s.env->fs.Crash(&s.env->random, tear);
}

absl::Status Pump::Restart(NodeId id) {
  Slot& s = slot(id);
  s.node.reset();
  return StartNode(id, s.bootstrap);
}

uint64_t Pump::applied_index(NodeId id) const {
  auto it = applied_index_.find(id);
  return it == applied_index_.end() ? 0 : it->second;
}

}  // namespace raftlog::api
