#include "matrix/process/load.h"

#include <chrono>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "versions/process/client.h"
#include "versions/process/posix_env.h"

namespace raftlog::process {
namespace {

int64_t Now() { return static_cast<int64_t>(MonotonicMicros()); }

// splitmix64 step, for per-thread choices.
uint64_t NextRandom(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// One client thread's connection, following the leader.
class Session {
 public:
  Session(const LoadOptions& o, uint64_t seed) : o_(o), random_(seed) {
    for (const auto& [id, port] : o.ports) ids_.push_back(id);
    target_ = ids_[NextRandom(&random_) % ids_.size()];
  }
  // kOk: `*reply` is the node's answer (status OK). kFail: certainly not
  // applied before `deadline`. kInfo: unknown.
  lin::Outcome Run(const api::Request& request, uint64_t deadline_us, api::Reply* reply,
                   LoadStats* stats) {
    bool first = true;
    while (MonotonicMicros() < deadline_us) {
      if (!first) ++stats->retries;
      first = false;
      if (!client_) {
        auto c = NodeClient::Connect(o_.ports.at(target_), o_.cluster_id, /*admin=*/false,
                                     o_.call_timeout_ms);
        if (!c.ok()) {
          Next(0);
          Backoff();
          continue;  // never sent: certain
        }
        client_ = std::move(*c);
      }
      auto r = client_->Call(request, o_.call_timeout_ms);
      if (!r.ok()) {
        client_.reset();  // sent (maybe): unknown from now on
        Next(0);
        return lin::Outcome::kInfo;
      }
      if (r->status.ok()) {
        *reply = *r;
        return lin::Outcome::kOk;
      }
      if (r->status.code() == absl::StatusCode::kFailedPrecondition) {
        ++stats->redirects;
        Next(r->leader_hint);
      }
      Backoff();
    }
    return lin::Outcome::kFail;
  }

 private:
  void Next(api::NodeId hint) {
    client_.reset();
    if (hint != 0 && o_.ports.count(hint) && hint != target_) {
      target_ = hint;
      return;
    }
    target_ = ids_[NextRandom(&random_) % ids_.size()];
  }
  void Backoff() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

  const LoadOptions& o_;
  uint64_t random_;
  std::vector<api::NodeId> ids_;
  api::NodeId target_ = 0;
  std::unique_ptr<NodeClient> client_;
};

}  // namespace

void ClientLoad::Start() {
  start_us_ = Now();
  for (int i = 0; i < options_.clients; ++i) threads_.emplace_back([this, i] { RunClient(i); });
}

void ClientLoad::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void ClientLoad::RunClient(int index) {
  uint64_t random = options_.seed * 1000003 + static_cast<uint64_t>(index);
  Session session(options_, NextRandom(&random));
  uint64_t generation = 0;
  uint64_t client_id = static_cast<uint64_t>(index + 1) * 1'000'000;
  uint64_t sequence = 0;
  for (uint64_t n = 0; n < options_.max_ops_per_client && !stop_; ++n) {
    const bool read = static_cast<int>(NextRandom(&random) % 100) < options_.read_percent;
    const std::string key = absl::StrCat("k", NextRandom(&random) % options_.keys);
    const std::string token = absl::StrCat("c", index, "." , n, ";");
    api::Request r;
    r.client_id = client_id;
    r.sequence = ++sequence;
    r.op = read ? api::Op::kGet : api::Op::kAppend;
    r.key = key;
    if (!read) r.value = token;
    lin::Operation op;
    op.process = static_cast<int64_t>(client_id);
    op.kind = read ? lin::OpKind::kGet : lin::OpKind::kAppend;
    op.key = lin::Value::Str(key);
    if (!read) op.value = lin::Value::Str(token);
    op.invoke_time = Now();
    api::Reply reply;
    LoadStats delta;
    lin::Outcome outcome = session.Run(
        r, MonotonicMicros() + static_cast<uint64_t>(options_.op_timeout_ms) * 1000, &reply, &delta);
    op.outcome = outcome;
    if (outcome == lin::Outcome::kOk) {
      op.complete_time = Now();
      if (read && reply.found) op.result = lin::Value::Str(reply.value);
    } else if (outcome == lin::Outcome::kFail) {
      op.complete_time = Now();
    } else {
      // Unknown: a new session, so that nothing later is taken for its answer.
      ++generation;
      client_id = static_cast<uint64_t>(index + 1) * 1'000'000 + generation;
      sequence = 0;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ops_.push_back(std::move(op));
      ++stats_.ops;
      stats_.redirects += delta.redirects;
      stats_.retries += delta.retries;
      if (outcome == lin::Outcome::kOk) ++stats_.ok;
      if (outcome == lin::Outcome::kInfo) ++stats_.info;
      if (outcome == lin::Outcome::kOk && !read) {
        ++stats_.acked_writes;
        acked_[key].push_back(token);
      }
    }
    if (options_.pause_between_ops_us > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(options_.pause_between_ops_us));
    }
  }
}

lin::History ClientLoad::history() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<lin::Operation> ops = ops_;
  std::stable_sort(ops.begin(), ops.end(), [](const lin::Operation& a, const lin::Operation& b) {
    return a.invoke_time < b.invoke_time;
  });
  lin::History h;
  for (lin::Operation& op : ops) {
    // A :fail never took effect: the checker drops it; an :info has no
    // completion time.
    if (op.outcome == lin::Outcome::kInfo) op.complete_time.reset();
    h.Add(std::move(op));
  }
  return h;
}

std::map<std::string, std::vector<std::string>> ClientLoad::acked_appends() const {
  return AckedSoFar();
}

std::map<std::string, std::vector<std::string>> ClientLoad::AckedSoFar() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acked_;
}

void ClientLoad::Record(lin::Operation op) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.ops;
  if (op.outcome == lin::Outcome::kOk) ++stats_.ok;
  if (op.outcome == lin::Outcome::kInfo) ++stats_.info;
  ops_.push_back(std::move(op));
}

LoadStats ClientLoad::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void StateSampler::Start() {
  thread_ = std::thread([this] { Run(); });
}

void StateSampler::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<StateSample> StateSampler::samples() const {
  std::lock_guard<std::mutex> lock(mu_);
  return samples_;
}

void StateSampler::Run() {
  std::map<api::NodeId, std::unique_ptr<NodeClient>> clients;
  // Bounded: at most ten minutes of samples even if nobody calls Stop().
  for (int round = 0; round < 600'000 / period_ms_ && !stop_; ++round) {
    for (const auto& [id, port] : ports_) {
      if (!clients[id]) {
        auto c = NodeClient::Connect(port, cluster_id_, /*admin=*/true, 200);
        if (!c.ok()) continue;
        clients[id] = std::move(*c);
      }
      auto st = clients[id]->State(200);
      if (!st.ok()) {
        clients[id].reset();
        continue;
      }
      StateSample s;
      s.time_us = Now();
      s.node = id;
      auto pid = st->server_counters().find("pid");
      s.pid = pid == st->server_counters().end() ? 0 : pid->second;
      s.release = st->release();
      s.term = st->term();
      s.role = st->role();
      s.leader = st->leader();
      s.commit_index = st->commit_index();
      s.applied_index = st->applied_index();
      s.cluster_version = st->cluster_version();
      std::lock_guard<std::mutex> lock(mu_);
      samples_.push_back(std::move(s));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(period_ms_));
  }
}

std::vector<std::string> CheckSampledInvariants(const std::vector<StateSample>& samples) {
  std::vector<std::string> violations;
  std::map<uint64_t, std::set<api::NodeId>> leaders_by_term;
  std::map<std::pair<api::NodeId, uint64_t>, const StateSample*> last_by_incarnation;
  std::map<api::NodeId, const StateSample*> last_by_node;
  for (const StateSample& s : samples) {
    if (s.role == "leader") leaders_by_term[s.term].insert(s.node);
    const StateSample*& prev = last_by_incarnation[{s.node, s.pid}];
    if (prev != nullptr) {
      if (s.commit_index < prev->commit_index) {
        violations.push_back(absl::StrCat("node ", s.node, " (", s.release, ", pid ", s.pid,
                                          "): commit index went back from ", prev->commit_index,
                                          " to ", s.commit_index));
      }
      if (s.applied_index < prev->applied_index) {
        violations.push_back(absl::StrCat("node ", s.node, " (", s.release, ", pid ", s.pid,
                                          "): applied index went back from ",
                                          prev->applied_index, " to ", s.applied_index));
      }
    }
    prev = &s;
    const StateSample*& last = last_by_node[s.node];
    if (last != nullptr && s.term < last->term) {
      violations.push_back(absl::StrCat("node ", s.node, ": term went back from ", last->term,
                                        " (", last->release, ") to ", s.term, " (", s.release,
                                        ")"));
    }
    last = &s;
  }
  for (const auto& [term, leaders] : leaders_by_term) {
    if (leaders.size() > 1) {
      std::string who;
      for (api::NodeId id : leaders) absl::StrAppend(&who, who.empty() ? "" : ", ", id);
      violations.push_back(absl::StrCat("term ", term, " had ", leaders.size(), " leaders: ", who));
    }
  }
  return violations;
}

}  // namespace raftlog::process
