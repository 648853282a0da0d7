// Message authentication through the ABI (RELEASE.md, "Authentication"):
// no MAC below cluster version 3 (v2 nodes interoperate); every message
// sealed once cv 3 is applied; forged, stripped and older-version-claiming
// messages dropped, counted and audited while the cluster keeps serving; a
// node with the wrong key isolated without a safety violation; the switch
// (and the way back by downgrade) stays live for a follower that lags behind
// it; no cv 3 without a key; the audit chain shows an edit or a gap.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v2/adapter/adapter.h"
#include "versions/v3/adapter/adapter.h"
#include "versions/v3/auth.h"
#include "versions/v3/test_util.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using api::Pump;
using wire::v3::Message;
using namespace raftlog::v3::testing;  // NOLINT

constexpr char kWrongKey[] = "not-the-cluster-key";

// Per-node choices, read whenever a node starts (a restart may change them).
struct Setup {
  std::map<NodeId, std::string> key;      // absent: TestNodeOptions' key
  std::map<NodeId, std::string> release;  // "v2"; absent: v3
  std::map<NodeId, int> election_ticks;
};

struct Cluster {
  std::shared_ptr<Setup> setup = std::make_shared<Setup>();
  std::unique_ptr<Pump> pump;
  uint64_t seq = 1;
  std::vector<Pump::Envelope> seen;  // every envelope that reached the filter

  explicit Cluster(uint64_t seed, const api::NodeOptions& node = TestNodeOptions()) {
    setup->election_ticks[1] = 3;  // node 1 leads
    Pump::Options o;
    o.ids = {1, 2, 3};
    o.seed = seed;
    o.node = node;
    std::shared_ptr<Setup> s = setup;
    pump = std::make_unique<Pump>(
        [s](const api::NodeOptions& options) -> std::unique_ptr<api::Node> {
          api::NodeOptions opts = options;
          if (auto it = s->key.find(opts.id); it != s->key.end()) opts.cluster_key = it->second;
          if (auto it = s->election_ticks.find(opts.id); it != s->election_ticks.end()) {
            opts.election_ticks = it->second;
          }
          auto rel = s->release.find(opts.id);
          if (rel != s->release.end() && rel->second == "v2") {
            return v2::adapter::Release().make_node(opts);
          }
          return adapter::Release().make_node(opts);
        },
        o);
    pump->SetFilter([this](const Pump::Envelope& e) {
      seen.push_back(e);
      return true;
    });
  }
  Pump& p() { return *pump; }

  void Start() {
    ASSERT_TRUE(p().StartAll().ok());
    ASSERT_EQ(p().RunUntilLeader(100), 1u);
    p().Steps(3);
  }
  std::optional<api::Reply> Finalize(uint32_t version) {
    std::optional<api::Reply> r = p().Submit(1, testing::Finalize(9, seq++, version), 30);
    p().Steps(5);
    return r;
  }
  void Put(int n, const std::string& prefix) {
    for (int i = 0; i < n; ++i) {
      std::optional<api::Reply> r = p().SubmitToLeader(
          testing::Put(1, seq, absl::StrCat(prefix, i), absl::StrCat("v", seq)), 300);
      ++seq;
      ASSERT_TRUE(r.has_value()) << prefix << i;
      ASSERT_TRUE(r->status.ok()) << r->status;
    }
  }
  uint32_t Cv(NodeId id) { return p().node(id)->State().cluster_version; }
  uint64_t AuthFailures(NodeId id) { return p().node(id)->Counters()[api::kCounterAuthFailures]; }
  const api::AuditEvent* FindAudit(NodeId id, const std::string& kind, const std::string& part) {
    for (const api::AuditEvent& a : p().audit(id)) {
      if (a.kind == kind && absl::StrContains(a.detail, part)) return &a;
    }
    return nullptr;
  }
};

Message Parse(const std::string& bytes) {
  Message m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  return m;
}

// Before cv 3 a v3 node sends no MAC, so a v2 member reads everything; the
// v2 member also keeps finalize from reaching 3.
TEST(Auth, NoMacBeforeClusterVersion3AndV2Interoperates) {
  Cluster c(1);
  c.setup->release[3] = "v2";
  c.Start();
  c.Put(3, "a");
  std::optional<api::Reply> to2 = c.Finalize(2);
  ASSERT_TRUE(to2.has_value() && to2->status.ok()) << (to2 ? to2->status.ToString() : "none");
  ASSERT_EQ(c.Cv(1), 2u);
  c.Put(3, "b");
  std::optional<api::Reply> to3 = c.Finalize(3);
  ASSERT_TRUE(to3.has_value());
  EXPECT_EQ(to3->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(to3->status.message(), "3: 1..2")) << to3->status;
  c.Put(3, "c");
  c.p().Steps(5);

  size_t from_v3 = 0;
  for (const Pump::Envelope& e : c.seen) {
    Message m = Parse(e.bytes);
    EXPECT_TRUE(m.mac().empty()) << e.from << "->" << e.to << " " << e.type;
    EXPECT_LE(m.protocol_version(), 2u);
    if (e.from != 3) ++from_v3;
  }
  EXPECT_GT(from_v3, 20u);
  for (NodeId id : {1, 2, 3}) {
    EXPECT_EQ(c.Cv(id), 2u) << id;
    EXPECT_EQ(c.p().applied_index(id), c.p().applied_index(1)) << id;
    EXPECT_EQ(c.p().node(id)->Counters()[api::kCounterDecodeErrors], 0u) << id;
  }
  EXPECT_EQ(c.AuthFailures(1), 0u);
  EXPECT_EQ(c.AuthFailures(2), 0u);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// Once every node applied cv 3, every message on the wire is sealed under
// the cluster key and speaks protocol 3.
TEST(Auth, EveryMessageIsSealedOnceClusterVersion3IsApplied) {
  Cluster c(2);
  c.Start();
  c.Put(2, "a");
  std::optional<api::Reply> r = c.Finalize(3);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "none");
  c.p().Steps(5);
  for (NodeId id : {1, 2, 3}) ASSERT_EQ(c.Cv(id), 3u) << id;
  // On an orderly network the switch costs nothing: a follower seals from
  // the moment it receives the entry raising the version to 3, so its
  // answers are sealed before the leader commits and applies it. (A
  // reordering network may still deliver an older unsealed answer late: it
  // is dropped, counted, and the leader retries.)
  std::map<NodeId, uint64_t> at_switch;
  for (NodeId id : {1, 2, 3}) {
    at_switch[id] = c.AuthFailures(id);
    EXPECT_EQ(at_switch[id], 0u) << id;
  }
  EXPECT_TRUE(c.p().deliver_errors().empty()) << c.p().deliver_errors().front();

  c.seen.clear();
  c.Put(5, "b");
  c.p().Steps(10);
  std::map<std::string, int> types;
  for (const Pump::Envelope& e : c.seen) {
    Message m = Parse(e.bytes);
    EXPECT_EQ(m.protocol_version(), 3u);
    EXPECT_EQ(m.mac().size(), auth::kMacSize) << e.type;
    EXPECT_TRUE(auth::Verify(kTestClusterKey, e.bytes, m).ok()) << e.type;
    EXPECT_FALSE(auth::Verify(kWrongKey, e.bytes, m).ok()) << e.type;
    ++types[e.type];
  }
  EXPECT_GT(types["AppendEntries"], 0);
  EXPECT_GT(types["AppendEntriesResponse"], 0);
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(c.AuthFailures(id), at_switch[id]) << id;
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// After cv 3: a forged message (another key), a stripped one, and messages
// that claim protocol 2 or 1 without a MAC (or under a MAC they no longer
// match) are dropped before the core sees them, counted and audited; the
// cluster keeps its leader and term and keeps serving. A genuine sealed
// message still gets through.
TEST(Auth, DropsForgedStrippedAndOlderVersionClaimsAndKeepsServing) {
  Cluster c(3);
  c.Start();
  std::optional<api::Reply> r = c.Finalize(3);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  c.p().Steps(5);
  for (NodeId id : {1, 2, 3}) ASSERT_EQ(c.Cv(id), 3u) << id;
  c.seen.clear();
  c.p().Steps(2);
  // A genuine heartbeat 1 -> 2 from the wire.
  std::string genuine;
  for (const Pump::Envelope& e : c.seen) {
    if (e.from == 1 && e.to == 2 && e.type == "AppendEntries") genuine = e.bytes;
  }
  ASSERT_FALSE(genuine.empty());
  const uint64_t term = c.p().node(1)->State().term;
  std::map<NodeId, uint64_t> before;
  for (NodeId id : {1, 2, 3}) before[id] = c.AuthFailures(id);
  std::map<NodeId, std::map<std::string, uint64_t>> counters_before;
  for (NodeId id : {2, 3}) counters_before[id] = c.p().node(id)->Counters();
  auto grew = [&](NodeId id, const std::string& name) {
    return c.p().node(id)->Counters()[name] - counters_before[id][name];
  };

  auto deliver = [&](NodeId from, NodeId to, const std::string& bytes) {
    absl::Status s = c.p().node(to)->Deliver(from, bytes);
    c.p().Tick(to);  // drains what the input produced (audit)
    return s;
  };

  // 1. Forged: node 2 "leads" a higher term, sealed with another key.
  Message forged;
  forged.set_protocol_version(3);
  forged.set_type(wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  forged.set_from(2);
  forged.set_to(3);
  forged.set_term(term + 5);
  forged.mutable_append_entries()->set_leader_commit(0);
  absl::Status s = deliver(2, 3, auth::Seal(kWrongKey, &forged));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "mismatch")) << s;

  // 2. Stripped: the genuine heartbeat without its MAC.
  Message stripped = Parse(genuine);
  stripped.clear_mac();
  s = deliver(1, 2, stripped.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "no mac")) << s;

  // 3. Older-version claims without a MAC: a RequestVote of a higher term
  //    claiming protocol 2 (and one claiming 1), as a v2 binary would send.
  for (uint32_t claim : {2u, 1u}) {
    Message vote;
    vote.set_protocol_version(claim);
    vote.set_type(wire::v3::MESSAGE_TYPE_REQUEST_VOTE);
    vote.set_from(3);
    vote.set_to(2);
    vote.set_term(term + 7);
    vote.mutable_request_vote()->set_last_log_index(1000);
    vote.mutable_request_vote()->set_last_log_term(term + 6);
    s = deliver(3, 2, vote.SerializeAsString());
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("claims protocol version ", claim)))
        << s;
  }

  // 4. An older-version claim under the genuine MAC: no longer matches.
  Message downgraded = Parse(genuine);
  downgraded.set_protocol_version(2);
  s = deliver(1, 2, downgraded.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;

  // Counted and audited, with sender, type and reason.
  EXPECT_EQ(c.AuthFailures(3), before[3] + 1);
  EXPECT_EQ(c.AuthFailures(2), before[2] + 4);
  // By kind: node 3 got one forged message; node 2 the stripped one and the
  // two unsealed votes (no MAC), and the re-versioned one (MAC no longer
  // valid); three of node 2's claimed a protocol below its cluster version 3.
  EXPECT_EQ(grew(3, "auth_drops_forged"), 1u);
  EXPECT_EQ(grew(3, "auth_drops_unauthenticated"), 0u);
  EXPECT_EQ(grew(3, "auth_drops_older_version"), 0u);
  EXPECT_EQ(grew(2, "auth_drops_forged"), 1u);
  EXPECT_EQ(grew(2, "auth_drops_unauthenticated"), 3u);
  EXPECT_EQ(grew(2, "auth_drops_older_version"), 3u);
  EXPECT_NE(c.FindAudit(3, "auth_failure", "from=2 claimed_from=2 type=AppendEntries"), nullptr);
  EXPECT_NE(c.FindAudit(2, "auth_failure", "type=AppendEntries protocol_version=3"), nullptr);
  const api::AuditEvent* claim =
      c.FindAudit(2, "auth_failure", "from=3 claimed_from=3 type=RequestVote protocol_version=2");
  ASSERT_NE(claim, nullptr);
  EXPECT_TRUE(absl::StrContains(claim->detail, "reason=no mac")) << claim->detail;
  EXPECT_TRUE(absl::StrContains(claim->detail, "cluster_version=3")) << claim->detail;

  // None of it reached the core: terms and leader unchanged.
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(c.p().node(id)->State().term, term) << id;
  EXPECT_EQ(c.p().node(2)->State().vote, 1u);

  // The genuine message itself (a replay, as a duplicating network would
  // deliver it) is accepted.
  EXPECT_TRUE(deliver(1, 2, genuine).ok());

  c.Put(5, "after");
  EXPECT_EQ(c.p().Leader(), 1u);
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(c.p().node(id)->State().term, term) << id;
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// A node with another key interoperates below cv 3 (nothing is sealed), and
// is cut off once cv 3 is applied: its messages are dropped (and it drops
// the others'), its campaigns disturb no one, the others keep serving with
// no safety violation. Given the right key, it catches up.
TEST(Auth, WrongKeyNodeIsIsolatedWithoutSafetyViolation) {
  Cluster c(4);
  c.setup->key[3] = kWrongKey;
  c.Start();
  c.Put(3, "a");
  EXPECT_EQ(c.p().applied_index(3), c.p().applied_index(1));
  std::optional<api::Reply> r = c.Finalize(3);
  ASSERT_TRUE(r.has_value() && r->status.ok()) << (r ? r->status.ToString() : "none");
  c.p().Steps(40);  // node 3 times out and campaigns, over and over
  const uint64_t term = c.p().node(1)->State().term;
  c.Put(10, "b");
  c.p().Steps(40);

  EXPECT_EQ(c.Cv(1), 3u);
  EXPECT_EQ(c.Cv(2), 3u);
  EXPECT_LT(c.Cv(3), 3u);  // never learned that the change committed
  EXPECT_LT(c.p().applied_index(3), c.p().applied_index(1));
  EXPECT_EQ(c.p().Leader(), 1u);
  EXPECT_EQ(c.p().node(1)->State().term, term);
  EXPECT_EQ(c.p().node(2)->State().term, term);
  EXPECT_GT(c.p().node(3)->Counters()[api::kCounterElections], 0u);
  EXPECT_GT(c.AuthFailures(1), 0u);
  EXPECT_GT(c.AuthFailures(2), 0u);
  EXPECT_GT(c.AuthFailures(3), 0u);  // it refuses the others' MACs too
  EXPECT_NE(c.FindAudit(1, "auth_failure", "from=3 "), nullptr);
  EXPECT_NE(c.FindAudit(3, "auth_failure", "from=1 claimed_from=1 type=AppendEntries"), nullptr);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();

  // The right key: it is heard again and catches up to cv 3.
  c.setup->key.erase(3);
  c.p().Crash(3, false);
  ASSERT_TRUE(c.p().Restart(3).ok());
  c.p().Steps(60);
  EXPECT_EQ(c.Cv(3), 3u);
  EXPECT_EQ(c.p().applied_index(3), c.p().applied_index(1));
  EXPECT_EQ(c.p().node(3)->State().kv_digest, c.p().node(1)->State().kv_digest);
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// The switch is live for a follower that missed it by far: it is cut off
// while cv 3 commits and the leader compacts, then heals while still at
// cv 2. The leader (requiring MACs) drops its unsealed answers until the
// follower has seen the leader's first MAC; from then on the follower seals
// too (still at cv 2), is heard, gets the snapshot, applies cv 3.
TEST(Auth, LaggingFollowerCatchesUpAcrossTheSwitch) {
  Cluster c(5, TestNodeOptions(/*snapshot_threshold=*/5));
  c.Start();
  c.Put(3, "a");
  std::optional<api::Reply> to2 = c.Finalize(2);
  ASSERT_TRUE(to2.has_value() && to2->status.ok());
  c.p().Steps(3);
  ASSERT_EQ(c.Cv(3), 2u);
  c.p().Isolate(3);
  std::optional<api::Reply> to3 = c.Finalize(3);
  ASSERT_TRUE(to3.has_value() && to3->status.ok()) << (to3 ? to3->status.ToString() : "none");
  c.Put(12, "b");
  ASSERT_EQ(c.Cv(1), 3u);
  ASSERT_GT(c.p().node(1)->State().snapshot_index, c.p().applied_index(3));
  c.seen.clear();
  c.p().Heal(3);
  c.p().Steps(80);

  EXPECT_EQ(c.Cv(3), 3u);
  EXPECT_EQ(c.p().applied_index(3), c.p().applied_index(1));
  EXPECT_GE(c.p().node(3)->Counters()[api::kCounterSnapshotsInstalled], 1u);
  // It sealed while still at cv 2 (protocol 2 in the header), after seeing
  // the leader's MAC.
  bool sealed_at_2 = false;
  for (const Pump::Envelope& e : c.seen) {
    Message m = Parse(e.bytes);
    if (e.from == 3 && m.protocol_version() == 2 && !m.mac().empty()) sealed_at_2 = true;
  }
  EXPECT_TRUE(sealed_at_2);
  c.Put(2, "c");
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// No cv 3 without a key: finalize to 3 (or to "the highest", which is 3) is
// refused, 2 is fine; auto-finalize stops at 2; and a node restarted on cv 3
// data without a key refuses to start.
TEST(Auth, ClusterVersion3NeedsAClusterKey) {
  api::NodeOptions keyless = TestNodeOptions();
  keyless.cluster_key.clear();
  {
    Cluster c(6, keyless);
    c.Start();
    for (uint32_t v : {3u, 0u}) {
      std::optional<api::Reply> r = c.Finalize(v);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->status.code(), absl::StatusCode::kFailedPrecondition) << v;
      EXPECT_TRUE(absl::StrContains(r->status.message(), "no cluster key")) << r->status;
      EXPECT_EQ(r->leader_hint, 1u);
    }
    EXPECT_EQ(c.Cv(1), 1u);
    std::optional<api::Reply> r = c.Finalize(2);
    ASSERT_TRUE(r.has_value() && r->status.ok());
    EXPECT_EQ(c.Cv(1), 2u);
    c.Put(2, "a");
  }
  {
    api::NodeOptions o = keyless;
    o.auto_finalize = true;
    Cluster c(7, o);
    c.Start();
    c.p().Steps(30);
    c.Put(2, "a");
    for (NodeId id : {1, 2, 3}) EXPECT_EQ(c.Cv(id), 2u) << id;
  }
  {
    Cluster c(8);
    c.Start();
    std::optional<api::Reply> r = c.Finalize(3);
    ASSERT_TRUE(r.has_value() && r->status.ok());
    c.p().Steps(3);
    ASSERT_EQ(c.Cv(2), 3u);
    c.p().Crash(2, false);
    c.setup->key[2] = "";
    absl::Status s = c.p().Restart(2);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), "no cluster key")) << s;
    c.setup->key.erase(2);
    ASSERT_TRUE(c.p().Restart(2).ok());
    c.Put(2, "a");
    c.p().Steps(5);
    EXPECT_EQ(c.p().applied_index(2), c.p().applied_index(1));
  }
}

// Downgrade 3 -> 2 is live across the switch too: the leader applies the
// downgrade first and stops requiring MACs, but keeps sealing (it has seen
// MACs in this incarnation), so followers still at cv 3 keep hearing it.
TEST(Auth, DowngradeTo2StaysLiveAcrossTheSwitch) {
  Cluster c(9);
  c.Start();
  std::optional<api::Reply> r = c.Finalize(3);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  c.Put(2, "a");
  for (NodeId id : {1, 2, 3}) ASSERT_EQ(c.Cv(id), 3u) << id;
  std::optional<api::Reply> d = c.p().Submit(1, Downgrade(9, c.seq++, 2), 30);
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->status.ok()) << d->status;
  c.p().Steps(10);
  for (NodeId id : {1, 2, 3}) EXPECT_EQ(c.Cv(id), 2u) << id;
  c.Put(2, "b");
  // A node restarted at cv 2 sends nothing sealed and is heard.
  c.p().Crash(3, false);
  ASSERT_TRUE(c.p().Restart(3).ok());
  c.Put(2, "c");
  c.p().Steps(5);
  EXPECT_EQ(c.p().applied_index(3), c.p().applied_index(1));
  EXPECT_EQ(c.p().violations(), 0u) << c.p().first_violation();
}

// The index of the first event whose seq or chain does not follow from the
// ones before it (api::ChainDigest), or nullopt when the whole list chains.
std::optional<size_t> FirstBreak(const std::vector<api::AuditEvent>& events) {
  uint64_t chain = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const api::AuditEvent& e = events[i];
    if (e.seq != i + 1 || e.chain != api::ChainDigest(chain, e.seq, e.kind, e.detail)) return i;
    chain = e.chain;
  }
  return std::nullopt;
}

// Audit events (membership, cluster version, finalize, auth failures) are
// hash-chained: recomputing the chain finds an edited, dropped or reordered
// event. An editor who also recomputes every later link changes the head,
// which someone who kept it sees.
TEST(Auth, AuditChainShowsAnEditOrAGap) {
  Cluster c(10);
  c.setup->key[3] = kWrongKey;
  c.Start();
  std::optional<api::Reply> r = c.Finalize(3);
  ASSERT_TRUE(r.has_value() && r->status.ok());
  c.p().Steps(20);
  const std::vector<api::AuditEvent> events = c.p().audit(1);
  ASSERT_GE(events.size(), 5u);
  ASSERT_EQ(FirstBreak(events), std::nullopt);
  size_t auth = 0;
  while (auth < events.size() && events[auth].kind != "auth_failure") ++auth;
  ASSERT_LT(auth, events.size() - 1);
  EXPECT_NE(c.FindAudit(1, "finalize", "version=3"), nullptr);
  EXPECT_NE(c.FindAudit(1, "cluster_version", "version=3"), nullptr);

  std::vector<api::AuditEvent> edited = events;
  edited[auth].detail = "node=1 from=3 (nothing happened)";
  EXPECT_EQ(FirstBreak(edited), auth);

  std::vector<api::AuditEvent> dropped = events;
  dropped.erase(dropped.begin() + auth);
  EXPECT_EQ(FirstBreak(dropped), auth);

  std::vector<api::AuditEvent> swapped = events;
  std::swap(swapped[auth], swapped[auth + 1]);
  EXPECT_EQ(FirstBreak(swapped), auth);

  // Renumbering after a drop does not help: the chain links the content.
  for (size_t i = auth; i < dropped.size(); ++i) dropped[i].seq = i + 1;
  EXPECT_EQ(FirstBreak(dropped), auth);

  // Recomputing every later link hides it from the list alone, but the head
  // differs from the one a reader kept.
  uint64_t chain = edited[auth - 1].chain;
  for (size_t i = auth; i < edited.size(); ++i) {
    edited[i].chain = api::ChainDigest(chain, edited[i].seq, edited[i].kind, edited[i].detail);
    chain = edited[i].chain;
  }
  EXPECT_EQ(FirstBreak(edited), std::nullopt);
  EXPECT_NE(edited.back().chain, events.back().chain);
}

}  // namespace
}  // namespace raftlog::v3
