#include "matrix/sim/fake_node.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace raftlog::sim::fake {
namespace {

// --- byte encoding ---------------------------------------------------------
void PutU64(std::string* s, uint64_t v) { s->append(reinterpret_cast<const char*>(&v), 8); }
void PutStr(std::string* s, absl::string_view v) {
  PutU64(s, v.size());
  s->append(v.data(), v.size());
}

class Reader {
 public:
  explicit Reader(absl::string_view d) : d_(d) {}
  bool U64(uint64_t* v) {
    if (d_.size() < 8) return false;
    std::memcpy(v, d_.data(), 8);
    d_.remove_prefix(8);
    return true;
  }
  bool Str(std::string* v) {
    uint64_t n;
    if (!U64(&n) || d_.size() < n) return false;
    v->assign(d_.data(), n);
    d_.remove_prefix(n);
    return true;
  }
  bool Byte(char* c) {
    if (d_.empty()) return false;
    *c = d_[0];
    d_.remove_prefix(1);
    return true;
  }
  bool done() const { return d_.empty(); }

 private:
  absl::string_view d_;
};

std::string EncodeRequest(const api::Request& r) {
  std::string s;
  PutU64(&s, r.client_id);
  PutU64(&s, r.sequence);
  PutU64(&s, static_cast<uint64_t>(r.op));
  PutStr(&s, r.key);
  PutStr(&s, r.value);
  PutStr(&s, r.expected);
  return s;
}

bool DecodeRequest(absl::string_view b, api::Request* r) {
  Reader rd(b);
  uint64_t op;
  if (!rd.U64(&r->client_id) || !rd.U64(&r->sequence) || !rd.U64(&op) || !rd.Str(&r->key) ||
      !rd.Str(&r->value) || !rd.Str(&r->expected) || !rd.done() || op > 4) {
    return false;
  }
  r->op = static_cast<api::Op>(op);
  return true;
}

// Log file record: [u64 length][u64 fnv][payload].
std::string Record(absl::string_view payload) {
  std::string s;
  PutU64(&s, payload.size());
  PutU64(&s, api::Fnv1a64(payload));
  s.append(payload.data(), payload.size());
  return s;
}

enum class Variant { kCorrect, kBroken, kRefuse, kNoisy };

class FakeNode : public api::Node {
 public:
  FakeNode(const api::NodeOptions& o, Variant v, std::string tag)
      : o_(o), variant_(v), tag_(std::move(tag)) {}

  absl::Status Start() override {
    if (variant_ == Variant::kRefuse) {
      return absl::FailedPreconditionError("fake_refuse: data format not understood");
    }
    api::FileSystem* fs = o_.env.fs;
    auto meta = fs->Read("meta");
    if (meta.ok()) {
      Reader rd(*meta);
      uint64_t n = 0, v = 0;
      if (!rd.U64(&n) || n > 64) return absl::DataLossError("fake: bad meta");
      for (uint64_t i = 0; i < n; ++i) {
        if (!rd.U64(&v)) return absl::DataLossError("fake: bad meta");
        voters_.push_back(v);
      }
    } else if (!o_.bootstrap_voters.empty()) {
      voters_ = o_.bootstrap_voters;
      std::sort(voters_.begin(), voters_.end());
      std::string m;
      PutU64(&m, voters_.size());
      for (auto v : voters_) PutU64(&m, v);
      if (auto s = fs->Write("meta", m); !s.ok()) return s;
      if (auto s = fs->Sync("meta"); !s.ok()) return s;
    }
    auto log = fs->Read("log");
    if (log.ok()) {
      absl::string_view d = *log;
      size_t valid = 0;
      while (d.size() >= 16) {
        uint64_t len, sum;
        std::memcpy(&len, d.data(), 8);
        std::memcpy(&sum, d.data() + 8, 8);
        if (len > d.size() - 16) break;  // torn tail
        absl::string_view payload = d.substr(16, len);
        if (api::Fnv1a64(payload) != sum) {
          return absl::DataLossError(absl::StrCat("fake: log checksum mismatch at record ",
                                                  log_.size() + 1));
        }
        log_.emplace_back(payload);
        d.remove_prefix(16 + len);
        valid += 16 + len;
      }
      if (valid != log->size()) {
        if (auto s = fs->Write("log", log->substr(0, valid)); !s.ok()) return s;
        if (auto s = fs->Sync("log"); !s.ok()) return s;
      }
      synced_ = log_.size();
    }
    if (leader()) ++counters_[api::kCounterLeaderChanges];
    for (api::NodeId f : voters_) {
      if (f != o_.id) next_[f] = log_.size() + 1, match_[f] = 0;
    }
    MaybeCommit();
    return absl::OkStatus();
  }

  absl::Status Deliver(api::NodeId from, absl::string_view bytes) override {
    Reader rd(bytes);
    char type;
    if (!rd.Byte(&type)) return Bad("empty message");
    if (type == 'A') {
      uint64_t prev, commit, count;
      if (!rd.U64(&prev) || !rd.U64(&commit) || !rd.U64(&count) || count > 4096) {
        return Bad("truncated append");
      }
      std::vector<std::string> entries(count);
      for (auto& e : entries) {
        if (!rd.Str(&e)) return Bad("truncated entry");
      }
      if (!rd.done()) return Bad("trailing bytes");
      if (leader()) return absl::OkStatus();  // the leader never takes appends
      if (prev > log_.size()) {
        SendAck(from, log_.size(), false);
        return absl::OkStatus();
      }
      // The leader's log is the truth: replace our suffix after prev.
      bool changed = false;
      for (uint64_t k = 0; k < count; ++k) {
        uint64_t idx = prev + 1 + k;
        if (idx <= log_.size() && log_[idx - 1] == entries[k]) continue;
        if (idx <= log_.size()) {
          log_.resize(idx - 1);
          RewriteLog();
        }
        log_.push_back(entries[k]);
        AppendToFile(entries[k]);
        changed = true;
      }
      if (changed) Sync();
      uint64_t match = prev + count;
      commit_ = std::max(commit_, std::min(commit, match));
      Apply();
      SendAck(from, match, true);
      return absl::OkStatus();
    }
    if (type == 'K') {
      uint64_t match, ok;
      if (!rd.U64(&match) || !rd.U64(&ok) || !rd.done()) return Bad("truncated ack");
      if (!leader() || !next_.count(from)) return absl::OkStatus();
      if (ok) {
        match_[from] = std::max(match_[from], match);
      } else {
        next_[from] = std::min(next_[from], match + 1);
      }
      MaybeCommit();
      return absl::OkStatus();
    }
    ++counters_[api::kCounterUnknownMessages];
    return absl::UnimplementedError(absl::StrCat("fake: unknown message type ", int(type)));
  }

  void Tick() override {
    if (variant_ == Variant::kBroken && synced_ < log_.size()) Sync();
    if (variant_ == Variant::kNoisy) {
      for (api::NodeId v : voters_) {
        if (v != o_.id) ready_.messages.push_back(api::Outbound{v, "noise", std::string("\xff\xff", 2)});
      }
    }
    if (!leader()) return;
    for (auto& [f, next] : next_) {
      next = match_[f] + 1;  // resend whatever is not acknowledged
      SendAppend(f);
    }
  }

  void Submit(const api::Request& r) override {
    api::Reply reply;
    reply.client_id = r.client_id;
    reply.sequence = r.sequence;
    if (!leader()) {
      reply.status = absl::FailedPreconditionError("fake: not the leader");
      reply.leader_hint = voters_.empty() ? 0 : voters_.front();
      reply.hint_term = 1;
      ready_.replies.push_back(reply);
      return;
    }
    if (static_cast<int>(r.op) > 4) {
      reply.status = absl::UnimplementedError("fake: no administrative operations");
      ready_.replies.push_back(reply);
      return;
    }
    auto s = sessions_.find(r.client_id);
    if (s != sessions_.end() && s->second.sequence >= r.sequence) {
      if (s->second.sequence == r.sequence) ready_.replies.push_back(s->second);
      return;
    }
    std::string payload = EncodeRequest(r);
    log_.push_back(payload);
    AppendToFile(payload);
    uint64_t index = log_.size();
    pending_[index] = {r.client_id, r.sequence};
    if (variant_ == Variant::kBroken && (r.op == api::Op::kPut || r.op == api::Op::kAppend)) {
      // The defect: acknowledged before it is durable or replicated.
      reply.index = index;
      ready_.replies.push_back(reply);
      early_acked_[index] = true;
    } else {
      Sync();
    }
    for (auto& [f, next] : next_) SendAppend(f);
    MaybeCommit();
  }

  api::Ready TakeReady() override {
    api::Ready r;
    std::swap(r, ready_);
    return r;
  }

  api::ProtocolState State() const override {
    api::ProtocolState s;
    s.id = o_.id;
    s.release = tag_;
    s.term = voters_.empty() ? 0 : 1;
    s.vote = voters_.empty() ? 0 : voters_.front();
    s.role = leader() ? api::Role::kLeader : api::Role::kFollower;
    s.leader = voters_.empty() ? 0 : voters_.front();
    s.commit_index = commit_;
    s.applied_index = applied_;
    s.first_index = 1;
    s.last_index = log_.size();
    s.last_term = log_.empty() ? 0 : 1;
    s.config.voters = voters_;
    s.kv_digest = kv_digest_;
    return s;
  }

  std::optional<api::EntryId> EntryAt(uint64_t index) const override {
    if (index == 0 || index > log_.size()) return std::nullopt;
    return api::EntryId{1, api::Fnv1a64(log_[index - 1])};
  }

  std::map<std::string, uint64_t> Counters() const override { return counters_; }

 private:
  bool leader() const { return !voters_.empty() && voters_.front() == o_.id; }

  absl::Status Bad(absl::string_view why) {
    ++counters_[api::kCounterDecodeErrors];
    return absl::DataLossError(absl::StrCat("fake: ", why));
  }

  void AppendToFile(absl::string_view payload) { (void)o_.env.fs->Append("log", Record(payload)); }
  void RewriteLog() {
    std::string all;
    for (const auto& e : log_) all += Record(e);
    (void)o_.env.fs->Write("log", all);
    Sync();
  }
  void Sync() {
    if (o_.env.fs->Sync("log").ok()) synced_ = log_.size();
  }

  void SendAppend(api::NodeId f) {
    uint64_t next = std::max<uint64_t>(1, next_[f]);
    uint64_t last = std::min<uint64_t>(log_.size(), next + 63);
    std::string m(1, 'A');
    PutU64(&m, next - 1);
    PutU64(&m, commit_);
    PutU64(&m, last + 1 - next);
    for (uint64_t i = next; i <= last; ++i) PutStr(&m, log_[i - 1]);
    next_[f] = last + 1;
    ready_.messages.push_back(api::Outbound{f, "append", std::move(m)});
  }

  void SendAck(api::NodeId to, uint64_t match, bool ok) {
    std::string m(1, 'K');
    PutU64(&m, match);
    PutU64(&m, ok ? 1 : 0);
    ready_.messages.push_back(api::Outbound{to, "ack", std::move(m)});
  }

  void MaybeCommit() {
    if (!leader()) return;
    std::vector<uint64_t> m = {synced_};
    for (const auto& [f, v] : match_) m.push_back(v);
    std::sort(m.begin(), m.end(), std::greater<uint64_t>());
    uint64_t quorum = m[m.size() / 2];
    if (quorum > commit_) {
      commit_ = quorum;
      Apply();
    }
  }

  void Apply() {
    while (applied_ < commit_ && applied_ < log_.size()) {
      uint64_t index = ++applied_;
      const std::string& payload = log_[index - 1];
      ready_.applied.push_back({index, {1, api::Fnv1a64(payload)}});
      api::Request r;
      if (!DecodeRequest(payload, &r)) continue;
      api::Reply reply;
      reply.client_id = r.client_id;
      reply.sequence = r.sequence;
      reply.index = index;
      auto s = sessions_.find(r.client_id);
      if (s != sessions_.end() && s->second.sequence >= r.sequence) {
        reply = s->second;  // duplicate: answered with the first outcome
      } else {
        auto it = kv_.find(r.key);
        std::string cur = it == kv_.end() ? "" : it->second;
        switch (r.op) {
          case api::Op::kGet:
            reply.found = it != kv_.end();
            reply.value = cur;
            break;
          case api::Op::kPut: kv_[r.key] = r.value; break;
          case api::Op::kDelete: kv_.erase(r.key); break;
          case api::Op::kAppend: kv_[r.key] = cur + r.value; break;
          case api::Op::kCas:
            if (cur == r.expected) {
              kv_[r.key] = r.value;
              reply.succeeded = true;
            } else {
              reply.value = cur;
              reply.found = it != kv_.end();
            }
            break;
          default: break;
        }
        sessions_[r.client_id] = reply;
        kv_digest_ = api::Fnv1a64(payload, kv_digest_);
      }
      auto p = pending_.find(index);
      if (p != pending_.end()) {
        if (leader() && !early_acked_.count(index)) ready_.replies.push_back(reply);
        pending_.erase(p);
      }
    }
  }

  api::NodeOptions o_;
  Variant variant_;
  std::string tag_;
  std::vector<api::NodeId> voters_;
  std::vector<std::string> log_;
  uint64_t synced_ = 0;
  uint64_t commit_ = 0;
  uint64_t applied_ = 0;
  std::map<api::NodeId, uint64_t> next_, match_;
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> pending_;
  std::map<uint64_t, bool> early_acked_;
  std::map<std::string, std::string> kv_;
  std::map<uint64_t, api::Reply> sessions_;
  uint64_t kv_digest_ = 0;
  std::map<std::string, uint64_t> counters_;
  api::Ready ready_;
};

std::unique_ptr<api::Node> MakeCorrect(const api::NodeOptions& o) {
  return std::make_unique<FakeNode>(o, Variant::kCorrect, "fake");
}
std::unique_ptr<api::Node> MakeBroken(const api::NodeOptions& o) {
  return std::make_unique<FakeNode>(o, Variant::kBroken, "fake_broken");
}
std::unique_ptr<api::Node> MakeRefusing(const api::NodeOptions& o) {
  return std::make_unique<FakeNode>(o, Variant::kRefuse, "fake_refuse");
}
std::unique_ptr<api::Node> MakeNoisy(const api::NodeOptions& o) {
  return std::make_unique<FakeNode>(o, Variant::kNoisy, "fake_noisy");
}

api::ReleaseInfo Info(const char* tag, std::unique_ptr<api::Node> (*make)(const api::NodeOptions&)) {
  api::ReleaseInfo i;
  i.tag = tag;
  i.make_node = make;
  return i;
}

}  // namespace

const api::ReleaseInfo& FakeRelease() {
  static const api::ReleaseInfo* r = new api::ReleaseInfo(Info("fake", &MakeCorrect));
  return *r;
}
const api::ReleaseInfo& BrokenRelease() {
  static const api::ReleaseInfo* r = new api::ReleaseInfo(Info("fake_broken", &MakeBroken));
  return *r;
}
const api::ReleaseInfo& RefusingRelease() {
  static const api::ReleaseInfo* r = new api::ReleaseInfo(Info("fake_refuse", &MakeRefusing));
  return *r;
}

const api::ReleaseInfo& NoisyRelease() {
  static const api::ReleaseInfo* r = new api::ReleaseInfo(Info("fake_noisy", &MakeNoisy));
  return *r;
}

const api::ReleaseInfo* FindFakeRelease(absl::string_view tag) {
  for (const api::ReleaseInfo* r :
       {&FakeRelease(), &BrokenRelease(), &RefusingRelease(), &NoisyRelease()}) {
    if (r->tag == tag) return r;
  }
  return nullptr;
}

}  // namespace raftlog::sim::fake
