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

// Streams every delivered message into per-(type, cluster version)
// reservoirs.
class Sampler {
 public:
  Sampler(std::string tag, size_t per_type) : tag_(std::move(tag)), per_type_(per_type) {}

  // The cluster version of the scenario phase the next messages belong to.
  void SetPhase(uint32_t cluster_version) { phase_ = cluster_version; }

  void See(const Pump::Envelope& e) {
    const uint32_t cluster_version = phase_;
    ++seq_;
    ++seen_[e.type];
    PerType& t = types_[{e.type, cluster_version}];
    const bool want_first = t.first.size() < per_type_;
    const bool maybe_shape = t.by_shape.size() < per_type_;
    if (!want_first && !maybe_shape) return;
    Sample s;
    s.sender_tag = tag_;
    s.from = e.from;
    s.to = e.to;
    s.type = e.type;
    s.cluster_version = cluster_version;
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
    for (auto& [key, t] : types_) {
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
  uint32_t phase_ = 0;
  uint64_t seq_ = 0;
  std::map<std::string, uint64_t> seen_;
  // std::map: deterministic order, (type, cluster version).
  std::map<std::pair<std::string, uint32_t>, PerType> types_;
};

// Clients with their own sequence numbers (exactly-once per (client, seq)).
class Clients {
 public:
  Request Make(uint64_t client, Op op, std::string key, std::string value) {
    Request r;
    r.client_id = client;
    r.sequence = ++next_[client];
    r.op = op;
    r.key = std::move(key);
    r.value = std::move(value);
    return r;
  }
  Request Admin(Op op, NodeId target) {
    Request r = Make(9, op, "", "");
    r.target = target;
    return r;
  }

 private:
  std::map<uint64_t, uint64_t> next_;
};

// Runs one request to the leader; notes when it did not succeed.
bool Do(Pump& p, const Request& r, const std::string& what, Capture* c) {
  std::optional<api::Reply> reply = p.SubmitToLeader(r, 300);
  if (!reply.has_value()) {
    c->notes.push_back(absl::StrCat(what, ": no reply"));
    return false;
  }
  if (!reply->status.ok()) {
    c->notes.push_back(absl::StrCat(what, ": ", reply->status.ToString()));
    return false;
  }
  return true;
}

// One pass of the scenario; `phase` prefixes the notes.
void RunPhase(Pump& p, Clients& clients, const std::string& phase, Capture* c) {
  auto what = [&](const char* step) { return absl::StrCat(phase, ": ", step); };
  if (p.RunUntilLeader(300) == 0) c->notes.push_back(what("no leader"));

  // Client requests of every kind.
  Do(p, clients.Make(1, Op::kPut, "a", "1"), what("put"), c);
  Do(p, clients.Make(1, Op::kAppend, "a", "2"), what("append"), c);
  Request cas = clients.Make(1, Op::kCas, "a", "3");
  cas.expected = "12";
  Do(p, cas, what("cas"), c);
  Do(p, clients.Make(1, Op::kGet, "a", ""), what("get"), c);
  Do(p, clients.Make(1, Op::kPut, "b", "x"), what("put"), c);
  Do(p, clients.Make(1, Op::kDelete, "b", ""), what("delete"), c);

  // A membership change: node 4 becomes a voter and is replicated to.
  Do(p, clients.Admin(Op::kAddVoter, 4), what("add voter 4"), c);
  p.Steps(20);

  // A follower falls behind while the log is compacted past it, then gets a
  // snapshot.
  const NodeId leader = p.Leader();
  NodeId lagger = 0;
  for (NodeId id : {1, 2, 3}) {
    if (id != leader && lagger == 0 && p.node(id) != nullptr) lagger = id;
  }
  p.Isolate(lagger);
  for (int i = 0; i < 40; ++i) {
    Do(p, clients.Make(2, Op::kPut, absl::StrCat("k", i % 5), absl::StrCat("v", i)),
       what("put while lagging"), c);
  }
  Do(p, clients.Admin(Op::kCompact, 0), what("compact"), c);
  p.Heal(lagger);
  p.Steps(60);

  // Membership shrinks again.
  Do(p, clients.Admin(Op::kRemoveVoter, 4), what("remove voter 4"), c);
  p.Steps(20);

  // The leader crashes: a new election among the rest; enough writes while
  // it is down that the log is compacted past it; it comes back to a second
  // snapshot install.
  const NodeId crashed = p.Leader();
  if (crashed != 0) {
    p.Crash(crashed, /*tear=*/false);
    if (p.RunUntilLeader(300) == 0) c->notes.push_back(what("no leader after the crash"));
    for (int i = 0; i < 24; ++i) {
      Do(p, clients.Make(3, Op::kPut, absl::StrCat("c", i % 3), absl::StrCat("w", i)),
         what("put while crashed"), c);
    }
    if (absl::Status s = p.Restart(crashed); !s.ok()) {
      c->notes.push_back(what("restart: ") + s.ToString());
    }
    p.Steps(60);
  }
  Do(p, clients.Make(1, Op::kGet, "a", ""), what("final get"), c);
  p.Steps(10);
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
  Clients clients;
  const uint32_t initial = p.node(1)->State().cluster_version;
  sampler.SetPhase(initial);
  RunPhase(p, clients, absl::StrCat("cluster version ", initial), &c);

  // Finalize to the highest version every member supports, then the same
  // scenario again: what the release sends only after finalize. A release
  // whose binary speaks nothing above the initial version has nothing to
  // finalize to.
  if (release.max_protocol <= initial) {
    if (p.violations() != 0) {
      c.notes.push_back(absl::StrCat("safety violation in the run: ", p.first_violation()));
    }
    sampler.Finish(&c);
    return c;
  }
  // From the finalize request on, messages belong to the raised version's
  // phase: the entry that raises it, and everything sent while it commits,
  // go only to members that all speak it.
  sampler.SetPhase(release.max_protocol);
  Request finalize = clients.Admin(Op::kFinalize, 0);
  std::optional<api::Reply> reply = p.SubmitToLeader(finalize, 300);
  p.Steps(20);
  const NodeId leader = p.Leader();
  const uint32_t raised = leader != 0 ? p.node(leader)->State().cluster_version : initial;
  if (!reply.has_value() || !reply->status.ok() || raised != release.max_protocol) {
    c.notes.push_back(absl::StrCat(
        "finalize: ", !reply.has_value()
                          ? "no reply"
                          : (reply->status.ok() ? absl::StrCat("cluster version ", raised)
                                                : reply->status.ToString())));
  } else {
    RunPhase(p, clients, absl::StrCat("cluster version ", raised), &c);
  }
  if (p.violations() != 0) {
    c.notes.push_back(absl::StrCat("safety violation in the run: ", p.first_violation()));
  }
  sampler.Finish(&c);
  return c;
}

uint64_t CaptureDigest(const Capture& capture) {
  uint64_t h = api::Fnv1a64(capture.tag);
  for (const Sample& s : capture.samples) {
    h = api::Fnv1a64(absl::StrCat(s.sender_tag, "|", s.from, "|", s.to, "|", s.type, "|",
                                  s.cluster_version, "|", s.bytes.size(), "|"),
                     h);
    h = api::Fnv1a64(s.bytes, h);
  }
  return h;
}

}  // namespace raftlog::wire::cross_decode
