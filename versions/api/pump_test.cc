// Tests the pump's own mechanics with a toy Node (no release needed): FIFO
// delivery, isolation, filters, crash and restart on the same env, replies,
// and the state machine safety check on applied entries.
#include "versions/api/pump.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace raftlog::api {
namespace {

// Node 1 leads forever. The leader "applies" each submitted request at the
// next index and sends "apply:<index>:<payload>" to every peer, which applies
// it too. A node also keeps a durable tick count ("ticks", synced every 2nd
// tick). Node 3 misapplies when `lie` is set.
class ToyNode : public Node {
 public:
  ToyNode(const NodeOptions& o, bool lie) : o_(o), lie_(lie) {}
  absl::Status Start() override {
    absl::StatusOr<std::string> t = o_.env.fs->Read("ticks");
    if (t.ok() && !absl::SimpleAtoi(*t, &ticks_)) return absl::DataLossError("ticks");
    return absl::OkStatus();
  }
  absl::Status Deliver(NodeId from, absl::string_view bytes) override {
    if (bytes.substr(0, 6) != "apply:") return absl::DataLossError("garbage");
    ++received_;
    std::string payload(bytes.substr(6));
    uint64_t index = ++last_;
    Apply(index, payload);
    return absl::OkStatus();
  }
  void Tick() override {
    ++ticks_;
    (void)o_.env.fs->Write("ticks", absl::StrCat(ticks_));
    if (ticks_ % 2 == 0) (void)o_.env.fs->Sync("ticks");
  }
  void Submit(const Request& r) override {
    Reply rep;
    rep.client_id = r.client_id;
    rep.sequence = r.sequence;
    if (o_.id != 1) {
      rep.status = absl::FailedPreconditionError("not leader");
      rep.leader_hint = 1;
      ready_.replies.push_back(rep);
      return;
    }
    uint64_t index = ++last_;
    Apply(index, r.value);
    for (NodeId peer : o_.bootstrap_voters) {
      if (peer != o_.id) ready_.messages.push_back({peer, "apply", "apply:" + r.value});
    }
    rep.index = index;
    ready_.replies.push_back(rep);
  }
  Ready TakeReady() override {
    Ready r = std::move(ready_);
    ready_ = Ready();
    return r;
  }
  ProtocolState State() const override {
    ProtocolState s;
    s.id = o_.id;
    s.role = o_.id == 1 ? Role::kLeader : Role::kFollower;
    s.term = 1;
    s.applied_index = last_;
    return s;
  }
  std::optional<EntryId> EntryAt(uint64_t) const override { return std::nullopt; }
  std::map<std::string, uint64_t> Counters() const override {
    return {{"received", received_}, {"ticks", ticks_}};
  }

 private:
  void Apply(uint64_t index, const std::string& payload) {
    std::string p = lie_ && o_.id == 3 ? payload + "!" : payload;
    ready_.applied.push_back(AppliedEntry{index, EntryId{1, Fnv1a64(p)}});
  }
  NodeOptions o_;
  bool lie_;
  uint64_t ticks_ = 0;
  uint64_t last_ = 0;
  uint64_t received_ = 0;
  Ready ready_;
};

Pump MakePump(bool lie = false) {
  Pump::Options o;
  o.ids = {1, 2, 3};
  return Pump([lie](const NodeOptions& no) { return std::make_unique<ToyNode>(no, lie); }, o);
}

Request Req(uint64_t seq, const std::string& value) {
  Request r;
  r.client_id = 5;
  r.sequence = seq;
  r.op = Op::kPut;
  r.value = value;
  return r;
}

TEST(Pump, SubmitDeliversAndChecksAppliedEntries) {
  Pump p = MakePump();
  ASSERT_TRUE(p.StartAll().ok());
  EXPECT_EQ(p.RunUntilLeader(5), 1u);
  std::optional<Reply> r = p.SubmitToLeader(Req(1, "a"), 10);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok());
  EXPECT_EQ(r->index, 1u);
  EXPECT_EQ(p.applied_index(2), 1u);
  EXPECT_EQ(p.applied_index(3), 1u);
  EXPECT_EQ(p.delivered(), 2u);
  EXPECT_EQ(p.violations(), 0u);
  // A non-leader answers "not leader" at once.
  std::optional<Reply> nl = p.Submit(2, Req(2, "b"), 0);
  ASSERT_TRUE(nl.has_value());
  EXPECT_EQ(nl->status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Pump, IsolationAndFiltersDropMessages) {
  Pump p = MakePump();
  ASSERT_TRUE(p.StartAll().ok());
  p.Isolate(3);
  ASSERT_TRUE(p.Submit(1, Req(1, "a"), 1).has_value());
  EXPECT_EQ(p.applied_index(2), 1u);
  EXPECT_EQ(p.applied_index(3), 0u);
  p.HealAll();
  p.SetFilter([](const Pump::Envelope& e) { return e.to != 2; });
  ASSERT_TRUE(p.Submit(1, Req(2, "b"), 1).has_value());
  EXPECT_EQ(p.applied_index(2), 1u);
  EXPECT_EQ(p.applied_index(3), 1u);  // its first apply (index numbering is per node)
  EXPECT_EQ(p.node(3)->Counters()["received"], 1u);
}

TEST(Pump, DetectsDivergentApplies) {
  Pump p = MakePump(/*lie=*/true);
  ASSERT_TRUE(p.StartAll().ok());
  ASSERT_TRUE(p.Submit(1, Req(1, "a"), 1).has_value());
  EXPECT_EQ(p.violations(), 1u);
  EXPECT_NE(p.first_violation().find("node 3"), std::string::npos) << p.first_violation();
}

TEST(Pump, CrashLosesUnsyncedStateAndRestartReadsTheSameEnv) {
  Pump p = MakePump();
  ASSERT_TRUE(p.StartAll().ok());
  p.Steps(3);  // ticks 1..3; synced at 2
  EXPECT_EQ(p.node(2)->Counters()["ticks"], 3u);
  p.Crash(2, /*tear=*/false);
  EXPECT_EQ(p.node(2), nullptr);
  p.Step();  // a crashed node is not ticked
  ASSERT_TRUE(p.Restart(2).ok());
  EXPECT_EQ(p.node(2)->Counters()["ticks"], 2u);
  EXPECT_EQ(p.node(1)->Counters()["ticks"], 4u);
}

TEST(Pump, DeliveryIsBoundedAndErrorsAreRecorded) {
  Pump::Options o;
  o.ids = {1, 2};
  o.max_deliveries = 3;
  Pump p([](const NodeOptions& no) { return std::make_unique<ToyNode>(no, false); }, o);
  ASSERT_TRUE(p.StartAll().ok());
  // Five submissions queue five messages; one DeliverAll delivers three.
  for (int i = 1; i <= 5; ++i) {
    p.node(1)->Submit(Req(i, "v"));
  }
  // Submit() on the node directly: the pump drains only through its own calls.
  EXPECT_EQ(p.queued(), 0u);
  ASSERT_TRUE(p.Submit(1, Req(6, "v"), 0).has_value());
  EXPECT_EQ(p.queued(), 3u);  // 6 queued, 3 delivered
  EXPECT_EQ(p.DeliverAll(), 3u);
  EXPECT_EQ(p.queued(), 0u);
  EXPECT_TRUE(p.deliver_errors().empty());
  // Refused bytes: the error is kept, the pump goes on.
  p.Inject(1, 2, "junk");
  p.Inject(1, 2, "apply:x");
  EXPECT_EQ(p.DeliverAll(), 2u);
  ASSERT_EQ(p.deliver_errors().size(), 1u);
  EXPECT_EQ(p.deliver_errors()[0].code(), absl::StatusCode::kDataLoss);
  // Messages to an isolated node are dropped, not delivered.
  p.Isolate(2);
  p.Inject(1, 2, "apply:y");
  uint64_t before = p.delivered();
  p.DeliverAll();
  EXPECT_EQ(p.delivered(), before);
}

}  // namespace
}  // namespace raftlog::api
