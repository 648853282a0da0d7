#include "matrix/sim/workload.h"

#include <map>

#include "gtest/gtest.h"

namespace raftlog::sim {
namespace {

TEST(Zipf, HotKeysDominate) {
  Zipf z(10, 1.0);
  api::SeededRandom r(1);
  std::map<uint32_t, int> hits;
  for (int i = 0; i < 100000; ++i) ++hits[z.Sample(r)];
  // Weight of key 0 is 1/H(10) ~ 0.341; key 9 is 0.0341.
  EXPECT_NEAR(hits[0] / 100000.0, 0.341, 0.01);
  EXPECT_NEAR(hits[9] / 100000.0, 0.0341, 0.005);
  EXPECT_GT(hits[0], hits[1]);
  EXPECT_GT(hits[1], hits[5]);
  Zipf uniform(4, 0.0);
  std::map<uint32_t, int> u;
  for (int i = 0; i < 40000; ++i) ++u[uniform.Sample(r)];
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(u[k], 10000, 600);
}

TEST(GenerateOps, DeterministicMixedAndUnique) {
  WorkloadOptions o;
  o.clients = 3;
  auto a = GenerateOps(5, o, 2'000'000);
  auto b = GenerateOps(5, o, 2'000'000);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(ClientOpString(a[i]), ClientOpString(b[i]));
  std::map<api::Op, int> kinds;
  std::map<std::string, int> values;
  for (const auto& op : a) {
    ++kinds[op.op];
    if (!op.value.empty()) ++values[op.value];
  }
  EXPECT_EQ(kinds.size(), 4u);
  for (const auto& [v, n] : values) EXPECT_EQ(n, 1) << v;
  EXPECT_NE(ClientOpString(GenerateOps(6, o, 2'000'000)[0]) + ClientOpString(GenerateOps(6, o, 2'000'000)[1]),
            ClientOpString(a[0]) + ClientOpString(a[1]));
}

// Drives a workload by hand: runs events up to `until`, returns submissions.
std::vector<Workload::Submission> RunTo(Workload& w, uint64_t until, uint64_t* now) {
  std::vector<Workload::Submission> subs;
  while (w.NextTime() <= until) {
    *now = w.NextTime();
    if (auto s = w.Step(*now)) subs.push_back(*s);
  }
  *now = until;
  return subs;
}

WorkloadOptions OneClient() {
  WorkloadOptions o;
  o.clients = 1;
  o.timeout_us = 1000;
  o.backoff_base_us = 100;
  o.backoff_max_us = 400;
  o.max_attempts = 3;
  o.latency_min_us = o.latency_max_us = 10;
  o.cohorts = 2;
  return o;
}

TEST(Workload, TimeoutsRetryWithTheSameSequenceThenGoIndeterminate) {
  WorkloadOptions o = OneClient();
  std::vector<ClientOp> script = {{1, api::Op::kPut, 0, "v1", 0}, {1, api::Op::kGet, 0, "", 0}};
  lin::History h;
  Workload w(1, o, script, &h);
  w.set_nodes({1, 2, 3});
  w.Begin(0);
  uint64_t now = 0;
  auto subs = RunTo(w, 100'000, &now);
  // Three attempts of the put (same client id and sequence), then the get.
  ASSERT_GE(subs.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(subs[i].request.sequence, 1u);
    EXPECT_EQ(subs[i].request.op, api::Op::kPut);
  }
  EXPECT_EQ(subs[3].request.sequence, 2u);
  ASSERT_GE(h.size(), 1u);
  EXPECT_EQ(h[0].outcome, lin::Outcome::kInfo);
  EXPECT_TRUE(h[0].complete_time.has_value());
  const CohortStats& st = w.cohorts().at(1);
  EXPECT_EQ(st.timeouts, 6u);  // 3 for the put, 3 for the get
  EXPECT_EQ(st.retries, 4u);
  EXPECT_EQ(st.info, 2u);
}

TEST(Workload, FollowsHintsAndIgnoresStaleOnes) {
  WorkloadOptions o = OneClient();
  o.max_attempts = 10;
  std::vector<ClientOp> script = {{1, api::Op::kPut, 0, "x", 0}};
  lin::History h;
  Workload w(1, o, script, &h);
  w.set_nodes({1, 2, 3});
  std::vector<check::Ack> acks;
  w.set_ack_fn([&](const check::Ack& a) { acks.push_back(a); });
  w.Begin(0);
  uint64_t now = 0;
  auto subs = RunTo(w, 10, &now);
  ASSERT_EQ(subs.size(), 1u);
  api::Reply not_leader;
  not_leader.client_id = 1;
  not_leader.sequence = 1;
  not_leader.status = absl::FailedPreconditionError("not leader");
  not_leader.leader_hint = 3;
  not_leader.hint_term = 5;
  w.OnReply(now, subs[0].node, not_leader, std::nullopt);
  subs = RunTo(w, 30, &now);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].node, 3u);  // went to the hinted leader
  // A hint from an older term is ignored.
  not_leader.leader_hint = 2;
  not_leader.hint_term = 4;
  w.OnReply(now, 3, not_leader, std::nullopt);
  RunTo(w, 45, &now);
  EXPECT_EQ(w.stale_hints_ignored(), 1u);
  api::Reply ok;
  ok.client_id = 1;
  ok.sequence = 1;
  ok.index = 7;
  w.OnReply(now, 3, ok, api::EntryId{5, 99});
  RunTo(w, 2000, &now);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].outcome, lin::Outcome::kOk);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].index, 7u);
  EXPECT_EQ(acks[0].node, 3u);
  EXPECT_EQ(acks[0].entry->digest, 99u);
  // A duplicate reply for the finished operation is late, not a second outcome.
  w.OnReply(now, 3, ok, api::EntryId{5, 99});
  RunTo(w, 3000, &now);
  EXPECT_EQ(w.late_replies(), 1u);
  EXPECT_TRUE(w.Idle());
}

TEST(Workload, FailedCasIsAFailAndGetsCarryResults) {
  WorkloadOptions o = OneClient();
  std::vector<ClientOp> script = {{1, api::Op::kGet, 2, "", 0}, {1, api::Op::kCas, 2, "new", 0}};
  lin::History h;
  Workload w(1, o, script, &h);
  w.set_nodes({1});
  w.Begin(0);
  uint64_t now = 0;
  auto subs = RunTo(w, 10, &now);
  api::Reply got;
  got.client_id = 1;
  got.sequence = 1;
  got.found = true;
  got.value = "old";
  w.OnReply(now, 1, got, std::nullopt);
  subs = RunTo(w, 40, &now);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].request.op, api::Op::kCas);
  EXPECT_EQ(subs[0].request.expected, "old");  // from what it read
  api::Reply cas;
  cas.client_id = 1;
  cas.sequence = 2;
  cas.succeeded = false;
  cas.value = "other";
  w.OnReply(now, 1, cas, std::nullopt);
  RunTo(w, 100, &now);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].outcome, lin::Outcome::kOk);
  EXPECT_EQ(h[0].result, lin::Value::Str("old"));
  EXPECT_EQ(h[1].outcome, lin::Outcome::kFail);
}

TEST(Workload, ReadBackReadsEveryKey) {
  WorkloadOptions o = OneClient();
  o.keys = 3;
  lin::History h;
  Workload w(1, o, {}, &h);
  w.set_nodes({1});
  w.Begin(0);
  w.StopIssuing();
  w.StartReadBack(0);
  EXPECT_FALSE(w.ReadBackDone());
  uint64_t now = 0;
  for (int k = 0; k < 3; ++k) {
    auto subs = RunTo(w, now + 20, &now);
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0].request.key, KeyName(k));
    api::Reply r;
    r.client_id = subs[0].request.client_id;
    r.sequence = subs[0].request.sequence;
    w.OnReply(now, 1, r, std::nullopt);
  }
  RunTo(w, now + 100, &now);
  EXPECT_TRUE(w.ReadBackDone());
  EXPECT_EQ(h.size(), 3u);
}

}  // namespace
}  // namespace raftlog::sim
