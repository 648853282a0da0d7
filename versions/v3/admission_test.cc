// Admission control: a leader with max_inflight_requests client requests
// pending answers the next ones kResourceExhausted "overloaded" at once
// (counted), instead of queueing without bound; once the pending ones
// commit it admits again. Local behaviour: no cluster-version gate.
#include <map>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/api/node.h"
#include "versions/api/pump.h"
#include "versions/v3/test_util.h"

namespace raftlog::v3 {
namespace {

using api::NodeId;
using api::Pump;
using namespace raftlog::v3::testing;  // NOLINT

TEST(Admission, OverloadedRepliesBeyondMaxInflightThenRecovers) {
  api::NodeOptions o = TestNodeOptions();
  o.max_inflight_requests = 3;
  Pump p = MakePump({1, 2, 3}, 51, o);
  ASSERT_TRUE(p.StartAll().ok());
  NodeId leader = p.RunUntilLeader(100);
  ASSERT_NE(leader, 0u);
  p.Steps(2);
  EXPECT_EQ(p.node(leader)->Counters()[api::kCounterOverloaded], 0u);
  // Nothing commits while the followers are cut off: requests stay pending.
  for (NodeId id : {1, 2, 3}) {
    if (id != leader) p.Isolate(id);
  }
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    EXPECT_FALSE(p.Submit(leader, Put(1, seq, absl::StrCat("k", seq), "v"), 0).has_value());
  }
  for (uint64_t seq = 4; seq <= 5; ++seq) {
    std::optional<api::Reply> r = p.Submit(leader, Put(1, seq, absl::StrCat("k", seq), "v"), 0);
    ASSERT_TRUE(r.has_value()) << seq;
    EXPECT_EQ(r->status.code(), absl::StatusCode::kResourceExhausted) << r->status;
    EXPECT_TRUE(absl::StrContains(r->status.message(), "overloaded")) << r->status;
    EXPECT_EQ(r->leader_hint, leader);
  }
  EXPECT_EQ(p.node(leader)->Counters()[api::kCounterOverloaded], 2u);
  // Administrative operations are not client load: still admitted.
  std::optional<api::Reply> compact = p.Submit(leader, Compact(9, 1), 0);
  ASSERT_TRUE(compact.has_value());
  EXPECT_TRUE(compact->status.ok()) << compact->status;

  p.HealAll();
  p.Steps(5);
  int answered = 0;
  for (const api::Reply& r : p.replies(leader)) {
    if (r.client_id == 1 && r.sequence <= 3 && r.status.ok()) ++answered;
  }
  EXPECT_EQ(answered, 3);
  std::optional<api::Reply> r = p.Submit(leader, Put(1, 6, "k6", "v"), 10);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(p.node(leader)->Counters()[api::kCounterOverloaded], 2u);
  EXPECT_EQ(p.violations(), 0u) << p.first_violation();
}

}  // namespace
}  // namespace raftlog::v3
