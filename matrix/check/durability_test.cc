#include "matrix/check/durability.h"

#include "gtest/gtest.h"
#include "matrix/check/test_util.h"

namespace raftlog::check {
namespace {
using testing::FakeNode;

Ack MakeAck(uint64_t index, api::EntryId id, uint64_t client = 7) {
  Ack a;
  a.time_us = 5;
  a.client_id = client;
  a.sequence = 1;
  a.node = 1;
  a.index = index;
  a.entry = id;
  a.what = "put k1=x";
  return a;
}

TEST(Durability, LostAcknowledgedWriteIsAViolation) {
  Durability c;
  FakeNode a(1), b(2);
  a.log.Terms({1, 1, 1});
  a.state.commit_index = 3;
  a.Role(api::Role::kLeader, 1).Step(c, 1);
  c.OnAck(MakeAck(3, {1, 1003}));
  // Later a new leader commits a different entry at index 3.
  b.log.Terms({1, 1, 2});
  b.state.commit_index = 3;
  b.Role(api::Role::kLeader, 2).Step(c, 10);
  ASSERT_EQ(c.violation_count(), 1u);
  const std::string& m = c.violations()[0].message;
  EXPECT_NE(m.find("acknowledged write lost: client 7 seq 1 (put k1=x)"), std::string::npos) << m;
  EXPECT_NE(m.find("node 2 (v1, term 2) committed (term 2"), std::string::npos) << m;
}

TEST(Durability, RestartThatLosesAnAcknowledgedCommittedIndexIsAViolation) {
  Durability c;
  FakeNode a(1);
  a.log.Terms({1, 1, 1, 1});
  a.state.commit_index = 4;
  a.Step(c, 1);
  c.OnAck(MakeAck(4, {1, 1004}));
  c.OnCrash(2, 1);
  a.log.entries.erase(4);
  a.log.entries.erase(3);  // recovered log ends at 2
  a.state.commit_index = 0;
  a.Step(c, 3);
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(c.violations()[0].message.find("lost acknowledged index 4 across a restart: commit was 4"),
            std::string::npos)
      << c.violations()[0].message;
}

TEST(Durability, RestartKeepingTheLogAndUnacknowledgedLossesAreFine) {
  Durability c;
  FakeNode a(1);
  a.log.Terms({1, 1, 1, 1, 1});
  a.state.commit_index = 4;
  a.Step(c, 1);
  c.OnAck(MakeAck(3, {1, 1003}));
  c.OnCrash(2, 1);
  a.log.entries.erase(5);  // unacknowledged, uncommitted tail lost: fine
  a.state.commit_index = 0;
  a.Step(c, 3);
  a.state.commit_index = 4;  // commit comes back with the same entries
  a.Step(c, 4);
  EXPECT_EQ(c.violation_count(), 0u);
}

TEST(Durability, TwoDifferentAcksAtOneIndexIsAViolation) {
  Durability c;
  c.OnAck(MakeAck(3, {1, 1003}, 1));
  c.OnAck(MakeAck(3, {1, 1003}, 1));  // a retry answered the same way: fine
  EXPECT_EQ(c.violation_count(), 0u);
  c.OnAck(MakeAck(3, {2, 2003}, 2));
  EXPECT_EQ(c.violation_count(), 1u);
}

}  // namespace
}  // namespace raftlog::check
