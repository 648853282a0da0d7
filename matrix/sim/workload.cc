#include "matrix/sim/workload.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace raftlog::sim {
namespace {

bool IsWrite(api::Op op) {
  return op == api::Op::kPut || op == api::Op::kAppend || op == api::Op::kCas ||
         op == api::Op::kDelete;
}

lin::OpKind KindOf(api::Op op) {
  switch (op) {
    case api::Op::kPut: return lin::OpKind::kPut;
    case api::Op::kAppend: return lin::OpKind::kAppend;
    case api::Op::kCas: return lin::OpKind::kCas;
    case api::Op::kDelete: return lin::OpKind::kDelete;
    default: return lin::OpKind::kGet;
  }
}

}  // namespace

std::string KeyName(uint32_t key) { return absl::StrCat("k", key); }

std::string ClientOpString(const ClientOp& op) {
  std::string s = absl::StrCat("client ", op.client, " ", api::OpName(op.op), " ", KeyName(op.key));
  if (op.op != api::Op::kGet) absl::StrAppend(&s, " ", op.value);
  if (op.stale) absl::StrAppend(&s, " (stale ok)");
  return s;
}

Zipf::Zipf(uint32_t n, double s) {
  n = std::max<uint32_t>(1, n);
  std::vector<double> w(n);
  double total = 0;
  for (uint32_t k = 0; k < n; ++k) total += (w[k] = 1.0 / std::pow(k + 1.0, s));
  const double scale = static_cast<double>(1ull << 53);
  double acc = 0;
  cdf_.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    acc += w[k];
    cdf_[k] = static_cast<uint64_t>(acc / total * scale);
  }
  cdf_.back() = 1ull << 53;
}

uint32_t Zipf::Sample(api::Random& r) const {
  uint64_t u = r.Next() >> 11;  // uniform in [0, 2^53)
  return static_cast<uint32_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
}

std::vector<ClientOp> GenerateOps(uint64_t seed, const WorkloadOptions& o, uint64_t duration_us) {
  api::SeededRandom r(seed);
  Zipf zipf(o.keys, o.zipf_s);
  int total_weight = std::max(1, o.get_weight + o.put_weight + o.append_weight + o.cas_weight);
  uint64_t rate = std::max<uint64_t>(1, o.ops_per_sec);
  uint64_t mean_think_us = 1'000'000ull * std::max(1, o.clients) / rate;
  // Enough for the whole duration, plus slack.
  uint64_t per_client = duration_us / std::max<uint64_t>(1, mean_think_us) + 4;
  per_client = std::min<uint64_t>(per_client, 1'000'000);
  std::vector<ClientOp> ops;
  for (int c = 1; c <= o.clients; ++c) {
    uint64_t at = 0;
    for (uint64_t i = 0; i < per_client; ++i) {
      ClientOp op;
      op.client = c;
      op.key = zipf.Sample(r);
      at += r.Uniform(2 * mean_think_us + 1);
      op.at_us = at;
      int w = static_cast<int>(r.Uniform(total_weight));
      if ((w -= o.get_weight) < 0) {
        op.op = api::Op::kGet;
      } else if ((w -= o.put_weight) < 0) {
        op.op = api::Op::kPut;
      } else if ((w -= o.append_weight) < 0) {
        op.op = api::Op::kAppend;
      } else {
        op.op = api::Op::kCas;
      }
      if (op.op != api::Op::kGet) op.value = absl::StrCat("c", c, ".", i, ";");
      // Drawn only when asked for, so scripts without stale reads are unchanged.
      if (op.op == api::Op::kGet && o.stale_read_ppm > 0) op.stale = Chance(r, o.stale_read_ppm);
      ops.push_back(std::move(op));
    }
  }
  return ops;
}

Workload::Workload(uint64_t seed, const WorkloadOptions& options,
                   const std::vector<ClientOp>& script, lin::History* history)
    : random_(seed), options_(options), history_(history) {
  options_.cohorts = std::max(1, options_.cohorts);
  options_.max_attempts = std::max(1, options_.max_attempts);
  for (int c = 1; c <= options_.clients; ++c) {
    Client cl;
    cl.id = c;
    cl.cohort = c % options_.cohorts;
    clients_.push_back(std::move(cl));
  }
  for (const ClientOp& op : script) {
    if (op.client >= 1 && op.client <= clients_.size()) clients_[op.client - 1].script.push_back(op);
  }
}

void Workload::Push(Event e) {
  e.seq = next_seq_++;
  events_.Push(std::move(e));
}

uint64_t Workload::Latency() {
  return Between(random_, options_.latency_min_us,
                 std::max(options_.latency_min_us, options_.latency_max_us));
}

uint64_t Workload::Backoff(int attempts) {
  int shift = std::min(attempts - 1, 30);
  uint64_t b = std::min(options_.backoff_max_us, options_.backoff_base_us << shift);
  return b + random_.Uniform(b / 2 + 1);  // jitter
}

void Workload::Begin(uint64_t now_us) {
  for (size_t c = 0; c < clients_.size(); ++c) ScheduleNext(c, now_us);
}

void Workload::ScheduleNext(size_t c, uint64_t now_us) {
  Client& cl = clients_[c];
  if (cl.next >= cl.script.size()) return;
  if (!issuing_ && !cl.read_back) return;
  Event e;
  e.kind = Kind::kStart;
  e.client = c;
  e.time_us = std::max(now_us, cl.script[cl.next].at_us);
  Push(std::move(e));
}

void Workload::BeginOp(size_t c, uint64_t now_us) {
  Client& cl = clients_[c];
  if (cl.busy || cl.next >= cl.script.size() || (!issuing_ && !cl.read_back)) return;
  const ClientOp& op = cl.script[cl.next++];
  cl.busy = true;
  cl.attempts = 0;
  cl.key = op.key;
  api::Request& r = cl.request;
  r = api::Request();
  r.client_id = cl.id;
  r.sequence = ++cl.sequence;
  r.op = op.op;
  r.key = KeyName(op.key);
  r.value = op.value;
  cl.stale = op.op == api::Op::kGet && op.stale;
  r.stale_read_ok = cl.stale;
  lin::Value expected;
  if (op.op == api::Op::kCas) {
    auto it = cl.last_seen.find(op.key);
    r.expected = it == cl.last_seen.end() ? "" : it->second;
    expected = lin::Value::Str(r.expected);
  }
  lin::Value value = op.op == api::Op::kGet ? lin::Value() : lin::Value::Str(op.value);
  if (!cl.stale) {  // a stale read is not in the linearizability history
    cl.history_index = history_->Invoke(static_cast<int64_t>(cl.id), KindOf(op.op),
                                        lin::Value::Str(r.key), value,
                                        static_cast<int64_t>(now_us), expected);
  }
  ++cohorts_[cl.cohort].ops;
  if (trace_) {
    trace_->Add(now_us, "invoke",
                absl::StrCat("c", cl.id, " s", r.sequence, " ", api::OpName(r.op), " ", r.key,
                             r.op == api::Op::kGet ? "" : " ", r.value,
                             r.op == api::Op::kCas ? absl::StrCat(" if '", r.expected, "'") : "",
                             cl.stale ? " (stale ok)" : ""));
  }
  Send(c, now_us);
}

void Workload::Send(size_t c, uint64_t now_us) {
  Client& cl = clients_[c];
  ++cl.attempts;
  ++cl.token;
  ++cohorts_[cl.cohort].attempts;
  if (trace_ && cl.attempts > 1) trace_->AddNumbers(now_us, "retry", cl.id, cl.request.sequence);
  api::NodeId node = cl.leader_guess;
  // A stale read's first attempt goes to any member: any node may answer it.
  if (cl.request.stale_read_ok && cl.attempts == 1 && !nodes_.empty()) {
    node = nodes_[random_.Uniform(nodes_.size())];
  }
  if (node == 0 || std::find(nodes_.begin(), nodes_.end(), node) == nodes_.end()) {
    node = nodes_.empty() ? 0 : nodes_[random_.Uniform(nodes_.size())];
  }
  Event arrive;
  arrive.kind = Kind::kArrive;
  arrive.client = c;
  arrive.node = node;
  arrive.request = cl.request;
  arrive.time_us = now_us + Latency();
  Push(std::move(arrive));
  Event deadline;
  deadline.kind = Kind::kDeadline;
  deadline.client = c;
  deadline.token = cl.token;
  deadline.time_us = now_us + options_.timeout_us;
  Push(std::move(deadline));
}

void Workload::Retry(size_t c, uint64_t now_us, uint64_t delay_us) {
  Client& cl = clients_[c];
  CohortStats& st = cohorts_[cl.cohort];
  if (cl.attempts >= options_.max_attempts) {
    Finish(c, now_us, lin::Outcome::kInfo);  // budget exhausted: indeterminate
    return;
  }
  ++st.retries;
  ++cl.token;  // supersedes the pending deadline
  Event e;
  e.kind = Kind::kRetry;
  e.client = c;
  e.token = cl.token;
  e.time_us = now_us + delay_us;
  Push(std::move(e));
}

void Workload::Finish(size_t c, uint64_t now_us, lin::Outcome outcome, lin::Value result) {
  Client& cl = clients_[c];
  if (trace_) {
    trace_->Add(now_us, "complete",
                absl::StrCat("c", cl.id, " s", cl.request.sequence, " ", lin::OutcomeName(outcome),
                             result.is_string() ? absl::StrCat(" '", result.str(), "'") : ""));
  }
  if (!cl.stale) {
    history_->Complete(cl.history_index, outcome, static_cast<int64_t>(now_us), std::move(result));
  }
  CohortStats& st = cohorts_[cl.cohort];
  if (outcome == lin::Outcome::kOk) ++st.ok;
  if (outcome == lin::Outcome::kFail) ++st.fail;
  if (outcome == lin::Outcome::kInfo) ++st.info;
  ++completed_;
  cl.busy = false;
  ++cl.token;
  ScheduleNext(c, now_us);
}

std::optional<Workload::Submission> Workload::Step(uint64_t now_us) {
  Event e = events_.Pop();
  Client& cl = clients_[e.client];
  switch (e.kind) {
    case Kind::kStart:
      BeginOp(e.client, now_us);
      return std::nullopt;
    case Kind::kArrive:
      // Delivered even if the client moved on: a request in flight cannot be
      // recalled, and the cluster must deduplicate it.
      return Submission{e.node, std::move(e.request)};
    case Kind::kDeadline:
      if (!cl.busy || e.token != cl.token) return std::nullopt;
      ++cohorts_[cl.cohort].timeouts;
      if (trace_) trace_->AddNumbers(now_us, "timeout", cl.id, cl.request.sequence);
      cl.leader_guess = 0;  // try someone else
      Retry(e.client, now_us, Backoff(cl.attempts));
      return std::nullopt;
    case Kind::kRetry:
      if (cl.busy && e.token == cl.token) Send(e.client, now_us);
      return std::nullopt;
    case Kind::kReply:
      HandleReply(e.client, e);
      return std::nullopt;
  }
  return std::nullopt;
}

void Workload::OnReply(uint64_t now_us, api::NodeId from, const api::Reply& reply,
                       std::optional<api::EntryId> entry) {
  // Client ids are 1-based positions in clients_; anything else (the admin
  // client) is not the workload's.
  if (reply.client_id >= 1 && reply.client_id <= clients_.size()) {
    size_t c = reply.client_id - 1;
    Event e;
    e.kind = Kind::kReply;
    e.client = c;
    e.node = from;
    e.reply = reply;
    e.entry = entry;
    e.time_us = now_us + Latency();
    Push(std::move(e));
    return;
  }
}

void Workload::HandleReply(size_t c, const Event& e) {
  Client& cl = clients_[c];
  const api::Reply& r = e.reply;
  if (!cl.busy || r.sequence != cl.request.sequence) {
    ++late_replies_;
    return;
  }
  CohortStats& st = cohorts_[cl.cohort];
  const uint64_t now_us = e.time_us;
  if (r.status.ok()) {
    if (!cl.stale) cl.leader_guess = e.node;  // a stale read may come from any member
    const api::Request& q = cl.request;
    if (cl.stale && r.index < cl.floor) {
      // Read from a state older than one this client already saw: not an
      // answer it accepts (monotonic reads); ask again.
      ++stale_reads_behind_;
      Retry(c, now_us, Backoff(cl.attempts));
      return;
    }
    if (q.op == api::Op::kGet) {
      Observe(c, e, cl.stale ? Observation::Kind::kStaleRead : Observation::Kind::kRead);
      if (r.found) cl.last_seen[cl.key] = r.value; else cl.last_seen.erase(cl.key);
      Finish(c, now_us, lin::Outcome::kOk, r.found ? lin::Value::Str(r.value) : lin::Value());
      return;
    }
    if (q.op == api::Op::kCas && !r.succeeded) {
      Observe(c, e, Observation::Kind::kRead);
      // Certainly no effect (the compare failed when it was applied).
      if (r.found || !r.value.empty()) cl.last_seen[cl.key] = r.value;
      Finish(c, now_us, lin::Outcome::kFail);
      return;
    }
    if (q.op == api::Op::kPut || q.op == api::Op::kCas) cl.last_seen[cl.key] = q.value;
    if (q.op == api::Op::kAppend) cl.last_seen.erase(cl.key);  // unknown full value
    if (IsWrite(q.op)) {
      Observe(c, e, Observation::Kind::kWrite);
      ++acked_writes_;
      if (ack_fn_) {
        check::Ack ack;
        ack.time_us = now_us;
        ack.client_id = q.client_id;
        ack.sequence = q.sequence;
        ack.node = e.node;
        ack.index = r.index;
        ack.entry = e.entry;
        ack.what = absl::StrCat(api::OpName(q.op), " ", q.key, "=", q.value);
        ack_fn_(ack);
      }
    }
    Finish(c, now_us, lin::Outcome::kOk);
    return;
  }
  switch (r.status.code()) {
    case absl::StatusCode::kFailedPrecondition:
      ++st.not_leader;
      if (r.leader_hint != 0 && r.hint_term >= cl.max_term_seen) {
        cl.leader_guess = r.leader_hint;
        cl.max_term_seen = r.hint_term;
        Retry(c, now_us, 0);
      } else {
        if (r.leader_hint != 0) ++stale_hints_ignored_;
        cl.leader_guess = 0;
        Retry(c, now_us, Backoff(cl.attempts));
      }
      return;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
      ++st.overloaded;
      Retry(c, now_us, Backoff(cl.attempts));
      return;
    default:
      // A definite refusal of the only attempt had no effect; after retries an
      // earlier attempt may still have been applied.
      Finish(c, now_us, cl.attempts == 1 ? lin::Outcome::kFail : lin::Outcome::kInfo);
      return;
  }
}

void Workload::Observe(size_t c, const Event& e, Observation::Kind kind) {
  Client& cl = clients_[c];
  const api::Reply& r = e.reply;
  Observation o;
  o.kind = kind;
  o.client = cl.id;
  o.key = cl.key;
  o.time_us = e.time_us;
  o.node = e.node;
  o.index = r.index;
  if (kind == Observation::Kind::kWrite) {
    o.written = cl.request.value;
  } else {
    o.found = r.found || !r.value.empty();
    o.value = r.value;
  }
  cl.floor = std::max(cl.floor, r.index);
  observations_.push_back(std::move(o));
}

void Workload::StartReadBack(uint64_t now_us) {
  Client cl;
  cl.id = clients_.size() + 1;
  cl.cohort = static_cast<int>(cl.id % options_.cohorts);
  cl.read_back = true;
  for (int k = 0; k < options_.keys; ++k) {
    ClientOp op;
    op.client = cl.id;
    op.op = api::Op::kGet;
    op.key = k;
    cl.script.push_back(op);
  }
  clients_.push_back(std::move(cl));
  ScheduleNext(clients_.size() - 1, now_us);
}

bool Workload::Idle() const {
  for (const Client& cl : clients_) {
    if (cl.busy) return false;
  }
  return true;
}

bool Workload::ReadBackDone() const {
  for (const Client& cl : clients_) {
    if (cl.read_back && (cl.busy || cl.next < cl.script.size())) return false;
  }
  return true;
}

std::string Workload::StatsString() const {
  std::string s;
  for (const auto& [cohort, st] : cohorts_) {
    absl::StrAppend(&s, "cohort ", cohort, ": ops=", st.ops, " ok=", st.ok, " fail=", st.fail,
                    " info=", st.info, " attempts=", st.attempts, " retries=", st.retries,
                    " timeouts=", st.timeouts, " not_leader=", st.not_leader,
                    " overloaded=", st.overloaded, "\n");
  }
  return s;
}

}  // namespace raftlog::sim
