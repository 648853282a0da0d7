#include "matrix/sim/cluster.h"

#include "gtest/gtest.h"
#include "matrix/sim/fake_node.h"

namespace raftlog::sim {
namespace {

// A release whose nodes send undecodable bytes to node 1 on every tick.
// A node that sends `bytes` to node 1 on every tick and answers every
// delivery with `on_deliver`; nothing else.
class ScriptedNode : public api::Node {
 public:
  ScriptedNode(std::string type, std::string bytes, absl::Status on_deliver)
      : type_(std::move(type)), bytes_(std::move(bytes)), on_deliver_(std::move(on_deliver)) {}
  absl::Status Start() override { return absl::OkStatus(); }
  absl::Status Deliver(api::NodeId, absl::string_view) override { return on_deliver_; }
  void Tick() override { ready_.messages.push_back({1, type_, bytes_}); }
  void Submit(const api::Request&) override {}
  api::Ready TakeReady() override {
    api::Ready r;
    std::swap(r, ready_);
    return r;
  }
  api::ProtocolState State() const override { return {}; }
  std::optional<api::EntryId> EntryAt(uint64_t) const override { return std::nullopt; }
  std::map<std::string, uint64_t> Counters() const override { return {}; }

 private:
  std::string type_, bytes_;
  absl::Status on_deliver_;
  api::Ready ready_;
};

// Sends garbage and accepts everything.
class GarbageNode : public ScriptedNode {
 public:
  GarbageNode() : ScriptedNode("junk", "\x7f garbage", absl::OkStatus()) {}
};

// A release whose nodes refuse every message as unauthenticated (as v3 does
// a message without a valid MAC) and send one to node 1 on every tick. Each
// node records the cluster key it was given.
std::vector<std::string>& KeysGiven() {
  static std::vector<std::string> keys;
  return keys;
}

class StrictNode : public ScriptedNode {
 public:
  StrictNode() : ScriptedNode("plain", "\x08\x01", absl::UnauthenticatedError("no mac")) {}
};

const api::ReleaseInfo* Find(absl::string_view tag) {
  static api::ReleaseInfo strict = [] {
    api::ReleaseInfo r;
    r.tag = "strict";
    r.make_node = [](const api::NodeOptions& o) -> std::unique_ptr<api::Node> {
      KeysGiven().push_back(o.cluster_key);
      return std::make_unique<StrictNode>();
    };
    return r;
  }();
  if (tag == "strict") return &strict;
  static api::ReleaseInfo garbage = [] {
    api::ReleaseInfo r;
    r.tag = "garbage";
    r.make_node = [](const api::NodeOptions&) -> std::unique_ptr<api::Node> {
      return std::make_unique<GarbageNode>();
    };
    return r;
  }();
  if (tag == "garbage") return &garbage;
  return fake::FindFakeRelease(tag);
}

ClusterOptions Options(std::vector<std::string> tags) {
  ClusterOptions o;
  o.tags = std::move(tags);
  o.find_release = &Find;
  return o;
}

void RunTo(Cluster& c, uint64_t t) {
  for (int guard = 0; guard < 1'000'000 && c.NextTime() <= t; ++guard) {
    c.AdvanceTo(std::max(c.now(), c.NextTime()));
    c.StepOne();
  }
  if (c.now() < t) c.AdvanceTo(t);
}

struct Replies {
  std::vector<std::pair<api::NodeId, api::Reply>> got;
  std::vector<std::optional<api::EntryId>> entries;
};

api::Request Put(uint64_t client, uint64_t seq, std::string key, std::string value) {
  api::Request r;
  r.client_id = client;
  r.sequence = seq;
  r.op = api::Op::kPut;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

TEST(Cluster, ReplicatesCommitsAndRepliesWithTheEntry) {
  Trace trace;
  check::CheckerSet checkers;
  Cluster c(1, Options({"fake", "fake", "fake"}), &trace, &checkers);
  Replies rep;
  c.set_reply_fn([&](uint64_t, api::NodeId from, const api::Reply& r, std::optional<api::EntryId> e) {
    rep.got.push_back({from, r});
    rep.entries.push_back(e);
  });
  c.StartAll();
  EXPECT_EQ(c.up_ids().size(), 3u);
  EXPECT_EQ(c.Leader(), 1u);
  EXPECT_TRUE(c.Submit(2, Put(7, 1, "k", "v")));  // not the leader
  ASSERT_EQ(rep.got.size(), 1u);
  EXPECT_EQ(rep.got[0].second.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rep.got[0].second.leader_hint, 1u);
  EXPECT_TRUE(c.Submit(1, Put(7, 1, "k", "v")));
  RunTo(c, 100'000);
  ASSERT_EQ(rep.got.size(), 2u);
  EXPECT_TRUE(rep.got[1].second.status.ok());
  EXPECT_EQ(rep.got[1].second.index, 1u);
  ASSERT_TRUE(rep.entries[1].has_value());
  for (api::NodeId id : {1, 2, 3}) {
    EXPECT_EQ(c.state(id)->commit_index, 1u) << id;
    EXPECT_EQ(c.node(id)->EntryAt(1)->digest, rep.entries[1]->digest);
  }
  EXPECT_GT(c.stats().delivered, 0u);
  EXPECT_GT(c.stats().ticks, 20u);
  EXPECT_EQ(checkers.safety_violations(), 0u);
  EXPECT_NE(c.StateTable().find("leader"), std::string::npos);
}

TEST(Cluster, CrashRestartUpgradeAndRefusal) {
  Trace trace;
  check::CheckerSet checkers;
  Cluster c(2, Options({"fake", "fake", "fake"}), &trace, &checkers);
  c.StartAll();
  c.Submit(1, Put(7, 1, "k", "v"));
  RunTo(c, 100'000);
  c.Crash(3, /*tear=*/true);
  EXPECT_EQ(c.status(3), NodeStatus::kCrashed);
  EXPECT_EQ(c.node(3), nullptr);
  c.Submit(1, Put(7, 2, "k", "w"));
  RunTo(c, 200'000);
  // A restart with a release that cannot read the data: a clean refusal.
  absl::Status s = c.Start(3, "fake_refuse");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.status(3), NodeStatus::kRefused);
  ASSERT_EQ(c.refusals().size(), 1u);
  EXPECT_EQ(c.refusals()[0].node, 3u);
  EXPECT_EQ(c.refusals()[0].tag, "fake_refuse");
  // Back on its own data with a working release: catches up.
  EXPECT_TRUE(c.Start(3, "fake").ok());
  RunTo(c, 400'000);
  EXPECT_EQ(c.state(3)->commit_index, 2u);
  EXPECT_EQ(c.state(3)->last_index, 2u);
  EXPECT_EQ(c.stats().crashes, 1u);
  EXPECT_EQ(c.stats().refusals, 1u);
  EXPECT_EQ(c.stats().upgrades, 1u);  // fake_refuse -> fake counts as a release change
  EXPECT_TRUE(absl::IsInvalidArgument(c.Start(3, "fake")));   // already running
  EXPECT_TRUE(absl::IsInvalidArgument(c.Start(4, "nope")));   // unknown tag
  EXPECT_EQ(checkers.safety_violations(), 0u);
}

TEST(Cluster, DecodeErrorsAreAttributedBySenderReceiverAndType) {
  Trace trace;
  Cluster c(3, Options({"fake", "fake", "garbage"}), &trace, nullptr);
  c.StartAll();
  RunTo(c, 50'000);
  ASSERT_EQ(c.decode_errors().size(), 1u);
  auto [key, count] = *c.decode_errors().begin();
  EXPECT_EQ(std::get<0>(key), "garbage");
  EXPECT_EQ(std::get<1>(key), "fake");
  EXPECT_EQ(std::get<2>(key), "junk");
  EXPECT_GE(count, 3u);
  EXPECT_EQ(c.ReleaseCounters()[api::kCounterUnknownMessages], count);  // the receiver agrees
  // Per release: the receivers ran "fake", the sender counted nothing.
  auto by_tag = c.ReleaseCountersByTag();
  EXPECT_EQ(by_tag["fake"][api::kCounterUnknownMessages], count);
  EXPECT_EQ(by_tag["garbage"][api::kCounterUnknownMessages], 0u);
  // A crashed incarnation's counters stay with the tag it ran.
  c.Crash(1, /*tear=*/false);
  EXPECT_EQ(c.ReleaseCountersByTag()["fake"][api::kCounterUnknownMessages], count);
}

// Every node gets the same non-empty cluster key by default (so releases
// that authenticate do so in every run), and a message refused as
// unauthenticated is counted apart from decode errors: a message sent
// unsealed just before a cluster switches to authentication and delivered
// late is dropped like a lost one, not a wire incompatibility.
TEST(Cluster, SameClusterKeyEverywhereAndAuthFailuresAreNotDecodeErrors) {
  KeysGiven().clear();
  Trace trace;
  Cluster c(5, Options({"strict", "strict", "strict"}), &trace, nullptr);
  c.StartAll();
  RunTo(c, 50'000);
  ASSERT_EQ(KeysGiven().size(), 3u);
  for (const std::string& k : KeysGiven()) {
    EXPECT_FALSE(k.empty());
    EXPECT_EQ(k, ClusterOptions().cluster_key);
  }
  EXPECT_TRUE(c.decode_errors().empty());
  EXPECT_GE(c.stats().auth_dropped, 3u);
}

TEST(Cluster, SameSeedSameTraceDigest) {
  auto run = [](uint64_t seed) {
    Trace trace;
    ClusterOptions o = Options({"fake", "fake", "fake"});
    o.network.defaults.drop = ToPpm(0.1);
    o.network.defaults.reorder = ToPpm(0.2);
    o.max_drift_ppm = 50'000;
    Cluster c(seed, o, &trace, nullptr);
    c.StartAll();
    for (uint64_t s = 1; s <= 20; ++s) {
      c.Submit(1, Put(9, s, "k", std::to_string(s)));
      RunTo(c, s * 20'000);
    }
    return trace.digest();
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

TEST(Cluster, PartitionedFollowerCatchesUpAfterHeal) {
  Trace trace;
  check::CheckerSet checkers;
  Cluster c(4, Options({"fake", "fake", "fake"}), &trace, &checkers);
  c.StartAll();
  int p = c.network().StartPartition(Partition::Isolate(3, c.ids()));
  for (uint64_t s = 1; s <= 5; ++s) c.Submit(1, Put(1, s, "k", "v"));
  RunTo(c, 200'000);
  EXPECT_EQ(c.state(1)->commit_index, 5u);
  EXPECT_EQ(c.state(3)->last_index, 0u);
  c.network().Heal(p);
  RunTo(c, 400'000);
  EXPECT_EQ(c.state(3)->commit_index, 5u);
  EXPECT_GT(c.network().stats().dropped_partition, 0u);
  EXPECT_EQ(checkers.safety_violations(), 0u);
}

}  // namespace
}  // namespace raftlog::sim

namespace raftlog::sim {
namespace {

TEST(ClusterFaults, PausedNodeHoldsItsInputsAndGetsThemInOrderOnResume) {
  Trace trace;
  check::CheckerSet checkers;
  Cluster c(3, Options({"fake", "fake", "fake"}), &trace, &checkers);
  Replies rep;
  c.set_reply_fn([&](uint64_t, api::NodeId from, const api::Reply& r, std::optional<api::EntryId>) {
    rep.got.push_back({from, r});
  });
  c.StartAll();
  ASSERT_EQ(c.Leader(), 1u);
  ASSERT_TRUE(c.Submit(1, Put(7, 1, "k", "a")));
  RunTo(c, 100'000);
  const uint64_t commit = c.state(2)->commit_index;
  ASSERT_GE(commit, 1u);
  c.Pause(2);
  EXPECT_TRUE(c.paused(2));
  EXPECT_EQ(c.paused_ids(), std::vector<api::NodeId>{2});
  const uint64_t ticks = c.clock(2)->ticks();
  ASSERT_TRUE(c.Submit(1, Put(7, 2, "k", "b")));
  ASSERT_TRUE(c.Submit(2, Put(8, 1, "k", "c")));  // held, not lost
  RunTo(c, 400'000);
  EXPECT_EQ(c.state(2)->commit_index, commit);  // frozen view
  EXPECT_EQ(c.clock(2)->ticks(), ticks);        // no tick while paused
  EXPECT_GT(c.state(1)->commit_index, commit);  // the majority goes on
  const size_t held = c.held(2);
  EXPECT_GT(held, 1u);
  EXPECT_EQ(c.max_held(), held);
  const size_t replies = rep.got.size();
  EXPECT_EQ(c.Inject(2, 1, "x", "probe").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Resume(2), held);
  EXPECT_FALSE(c.paused(2));
  EXPECT_EQ(c.held(2), 0u);
  // Handed in at once: the leader's commit and the held request's answer.
  EXPECT_EQ(c.state(2)->commit_index, c.state(1)->commit_index);
  ASSERT_EQ(rep.got.size(), replies + 1);
  EXPECT_EQ(rep.got.back().first, 2u);
  EXPECT_EQ(rep.got.back().second.client_id, 8u);
  EXPECT_EQ(checkers.safety_violations(), 0u);
}

TEST(ClusterFaults, ObserverSeesBytesAsSentAndInjectDeliversThem) {
  Trace trace;
  Cluster c(4, Options({"fake", "fake", "fake"}), &trace, nullptr);
  std::vector<std::pair<api::NodeId, api::Outbound>> sent;
  c.set_send_observer([&](uint64_t, api::NodeId from, const api::Outbound& m) {
    sent.push_back({from, m});
  });
  c.StartAll();
  RunTo(c, 50'000);
  const api::Outbound* to2 = nullptr;
  for (const auto& [from, m] : sent) {
    if (from == 1 && m.to == 2) to2 = &m;
  }
  ASSERT_NE(to2, nullptr);
  const uint64_t delivered = c.stats().delivered;
  EXPECT_TRUE(c.Inject(2, 1, to2->bytes, to2->type).ok());
  EXPECT_EQ(c.stats().delivered, delivered + 1);
  EXPECT_EQ(c.Inject(9, 1, to2->bytes, to2->type).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ClusterFaults, OpenRequestsCountWhatTheLeaderHoldsUntilItAnswers) {
  Trace trace;
  Cluster c(5, Options({"fake", "fake", "fake"}), &trace, nullptr);
  c.StartAll();
  ASSERT_EQ(c.Leader(), 1u);
  for (uint64_t s = 1; s <= 3; ++s) ASSERT_TRUE(c.Submit(1, Put(7 + s, 1, "k", "v")));
  ASSERT_TRUE(c.Submit(2, Put(20, 1, "k", "v")));  // a follower answers at once
  EXPECT_EQ(c.open_requests(1), 3u);
  EXPECT_EQ(c.open_requests(2), 0u);
  RunTo(c, 100'000);
  EXPECT_EQ(c.open_requests(1), 0u);
  EXPECT_EQ(c.open_requests_peak(1), 3u);
  c.ResetOpenRequestPeaks();
  EXPECT_EQ(c.open_requests_peak(1), 0u);
}

TEST(ClusterFaults, CrashAtNextSyncDiesInsideTheInputAndNothingItProducedLeaves) {
  Trace trace;
  check::CheckerSet checkers;
  Cluster c(5, Options({"fake", "fake", "fake"}), &trace, &checkers);
  Replies rep;
  c.set_reply_fn([&](uint64_t, api::NodeId from, const api::Reply& r, std::optional<api::EntryId>) {
    rep.got.push_back({from, r});
  });
  c.StartAll();
  c.Submit(1, Put(7, 1, "k", "v"));
  RunTo(c, 100'000);
  ASSERT_EQ(rep.got.size(), 1u);
  const uint64_t delivered = c.stats().delivered;
  c.CrashAtNextSync(1, /*tear=*/true);
  EXPECT_TRUE(c.crash_armed(1));
  EXPECT_EQ(c.status(1), NodeStatus::kUp);  // runs on until it syncs
  // The leader appends and syncs inside this submit: it dies there, so it
  // neither replies nor sends the entry to anyone.
  c.Submit(1, Put(7, 2, "k", "w"));
  EXPECT_EQ(c.status(1), NodeStatus::kCrashed);
  EXPECT_FALSE(c.crash_armed(1));
  EXPECT_EQ(c.stats().crashes, 1u);
  EXPECT_EQ(c.stats().crashes_in_sync, 1u);
  EXPECT_EQ(c.disk(1)->stats().crashes_in_sync, 1u);
  RunTo(c, 150'000);
  EXPECT_EQ(rep.got.size(), 1u);
  for (api::NodeId id : {2, 3}) EXPECT_EQ(c.state(id)->last_index, 1u) << id;
  EXPECT_GE(c.stats().delivered, delivered);
  // Back on what the crash left: the first write survived, the second did not.
  ASSERT_TRUE(c.Start(1, "fake").ok());
  EXPECT_EQ(c.state(1)->last_index, 1u);
  EXPECT_EQ(checkers.safety_violations(), 0u);
}

TEST(ClusterFaults, AnArmedCrashThatMetNoSyncHappensWhenItsRestartComes) {
  Trace trace;
  check::CheckerSet checkers;
  Cluster c(6, Options({"fake", "fake", "fake"}), &trace, &checkers);
  c.StartAll();
  c.CrashAtNextSync(3, /*tear=*/true);
  c.FireArmedCrash(3);
  EXPECT_EQ(c.status(3), NodeStatus::kCrashed);
  EXPECT_EQ(c.stats().crashes, 1u);
  EXPECT_EQ(c.stats().crashes_in_sync, 0u);
  // A stop ends the wait too; the disk is not left armed for the next life.
  c.CrashAtNextSync(2, /*tear=*/true);
  c.Stop(2);
  ASSERT_TRUE(c.Start(2, "fake").ok());
  EXPECT_FALSE(c.crash_armed(2));
}

}  // namespace
}  // namespace raftlog::sim
