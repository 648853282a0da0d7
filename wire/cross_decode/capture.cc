#include "wire/cross_decode/capture.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "versions/api/pump.h"
#include "wire/cross_decode/schema.h"

namespace raftlog::wire::cross_decode {
namespace {

using api::NodeId;
using api::Op;
using api::Pump;
using api::Request;

// Streams every delivered message into per-type reservoirs.
class Sampler {
 public:
  Sampler(std::string tag, size_t per_type) : tag_(std::move(tag)), per_type_(per_type) {}

  void See(const Pump::Envelope& e) {
    ++seq_;
    ++seen_[e.type];
    PerType& t = types_[e.type];
    const bool want_first = t.first.size() < per_type_;
    const bool maybe_shape = t.by_shape.size() < per_type_;
    if (!want_first && !maybe_shape) return;
    Sample s;
    s.sender_tag = tag_;
    s.from = e.from;
    s.to = e.to;
    s.type = e.type;
    s.seq = seq_;
    s.bytes = e.bytes;
    if (std::unique_ptr<google::protobuf::Message> m = ParseEnvelope(tag_, e.bytes)) {
      s.type_value = TypeValueName(*m);
      s.shape = Shape(*m);
    }
    if (maybe_shape && t.shapes.insert(s.shape).second) t.by_shape.push_back(s);
    if (want_first) t.first.push_back(std::move(s));
  }

  void Finish(Capture* c) {
    c->seen_by_type = seen_;
    c->delivered = seq_;
    for (auto& [type, t] : types_) {
      std::vector<Sample> kept = t.by_shape;
      std::set<uint64_t> taken;
      for (const Sample& s : kept) taken.insert(s.seq);
      for (const Sample& s : t.first) {
        if (kept.size() >= per_type_) break;
        if (taken.insert(s.seq).second) kept.push_back(s);
      }
      std::sort(kept.begin(), kept.end(),
                [](const Sample& a, const Sample& b) { return a.seq < b.seq; });
      for (Sample& s : kept) c->samples.push_back(std::move(s));
    }
  }

 private:
  struct PerType {
    std::set<std::string> shapes;
    std::vector<Sample> by_shape;  // first sample of each new shape
    std::vector<Sample> first;     // first samples of any shape
  };
  std::string tag_;
  size_t per_type_;
  uint64_t seq_ = 0;
  std::map<std::string, uint64_t> seen_;
  std::map<std::string, PerType> types_;  // std::map: deterministic order
};

Request Client(uint64_t client, uint64_t seq, Op op, std::string key, std::string value) {
  Request r;
  r.client_id = client;
  r.sequence = seq;
  r.op = op;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

Request Admin(uint64_t seq, Op op, NodeId target) {
  Request r;
  r.client_id = 9;
  r.sequence = seq;
  r.op = op;
  r.target = target;
  return r;
}

// Runs one request to the leader; notes when it did not succeed.
void Do(Pump& p, const Request& r, const char* what, Capture* c) {
  std::optional<api::Reply> reply = p.SubmitToLeader(r, 300);
  if (!reply.has_value()) {
    c->notes.push_back(absl::StrCat(what, ": no reply"));
  } else if (!reply->status.ok()) {
    c->notes.push_back(absl::StrCat(what, ": ", reply->status.ToString()));
  }
}

}  // namespace

Capture CaptureRelease(const api::ReleaseInfo& release, const CaptureOptions& options) {
  Capture c;
  c.tag = release.tag;
  c.seed = options.seed;
  Sampler sampler(release.tag, options.per_type);

  Pump::Options po;
  po.ids = {1, 2, 3};
  po.seed = options.seed;
  po.node.election_ticks = 10;
  po.node.heartbeat_ticks = 1;
  po.node.snapshot_threshold = 16;  // small, so that compaction happens
  Pump p(release.make_node, po);
  p.SetFilter([&sampler](const Pump::Envelope& e) {
    sampler.See(e);
    return true;
  });

  if (absl::Status s = p.StartAll(); !s.ok()) {
    c.notes.push_back(absl::StrCat("start: ", s.ToString()));
    sampler.Finish(&c);
    return c;
  }
  // Node 4 joins with an empty data directory and waits for a leader.
  if (absl::Status s = p.StartNode(4, {}); !s.ok()) {
    c.notes.push_back(absl::StrCat("start joiner: ", s.ToString()));
  }
  // Election.
  NodeId leader = p.RunUntilLeader(300);
  if (leader == 0) c.notes.push_back("no leader elected");

  // Client requests of every kind.
  uint64_t seq = 0;
  Do(p, Client(1, ++seq, Op::kPut, "a", "1"), "put", &c);
  Do(p, Client(1, ++seq, Op::kAppend, "a", "2"), "append", &c);
  Request cas = Client(1, ++seq, Op::kCas, "a", "3");
  cas.expected = "12";
  Do(p, cas, "cas", &c);
  Do(p, Client(1, ++seq, Op::kGet, "a", ""), "get", &c);
  Do(p, Client(1, ++seq, Op::kPut, "b", "x"), "put", &c);
  Do(p, Client(1, ++seq, Op::kDelete, "b", ""), "delete", &c);

  // A membership change: the joiner becomes a voter and is replicated to
  // from an empty log.
  Do(p, Admin(1, Op::kAddVoter, 4), "add voter 4", &c);
  p.Steps(20);

  // A follower falls behind while the log is compacted past it, then gets a
  // snapshot.
  leader = p.Leader();
  NodeId lagger = 0;
  for (NodeId id : {1, 2, 3}) {
    if (id != leader && lagger == 0) lagger = id;
  }
  p.Isolate(lagger);
  for (int i = 0; i < 40; ++i) {
    Do(p,
       Client(2, static_cast<uint64_t>(i + 1), Op::kPut, absl::StrCat("k", i % 5),
              absl::StrCat("v", i)),
       "put while lagging", &c);
  }
  Do(p, Admin(2, Op::kCompact, 0), "compact", &c);
  p.Heal(lagger);
  p.Steps(60);

  // Membership shrinks again.
  Do(p, Admin(3, Op::kRemoveVoter, 4), "remove voter 4", &c);
  p.Steps(20);

  // The leader crashes: a new election among the rest, then it comes back.
  leader = p.Leader();
  if (leader != 0) {
    p.Crash(leader, /*tear=*/false);
    if (p.RunUntilLeader(300) == 0) c.notes.push_back("no leader after the crash");
    // Enough writes while it is down that the log is compacted past it: it
    // comes back to a second snapshot install.
    for (int i = 0; i < 24; ++i) {
      Do(p,
         Client(3, static_cast<uint64_t>(i + 1), Op::kPut, absl::StrCat("c", i % 3),
                absl::StrCat("w", i)),
         "put while crashed", &c);
    }
    if (absl::Status s = p.Restart(leader); !s.ok()) {
      c.notes.push_back(absl::StrCat("restart: ", s.ToString()));
    }
    p.Steps(60);
  }
  Do(p, Client(1, ++seq, Op::kGet, "after", ""), "final get", &c);
  p.Steps(10);
  if (p.violations() != 0) {
    c.notes.push_back(absl::StrCat("safety violation in the run: ", p.first_violation()));
  }
  sampler.Finish(&c);
  return c;
}

uint64_t CaptureDigest(const Capture& capture) {
  uint64_t h = api::Fnv1a64(capture.tag);
  for (const Sample& s : capture.samples) {
    h = api::Fnv1a64(
        absl::StrCat(s.sender_tag, "|", s.from, "|", s.to, "|", s.type, "|", s.bytes.size(), "|"),
        h);
    h = api::Fnv1a64(s.bytes, h);
  }
  return h;
}

}  // namespace raftlog::wire::cross_decode
