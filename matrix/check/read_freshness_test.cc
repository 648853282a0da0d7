#include "matrix/check/read_freshness.h"

#include "gtest/gtest.h"

namespace raftlog::check {
namespace {

api::Request Req(api::Op op, uint64_t sequence, const std::string& value = "") {
  api::Request r;
  r.client_id = 1;
  r.sequence = sequence;
  r.op = op;
  r.key = "k";
  r.value = value;
  return r;
}

// A Put of `value` submitted at `t` and acknowledged at index `index`.
void AckedPut(ReadFreshness& c, uint64_t sequence, const std::string& value, uint64_t index,
              uint64_t t) {
  c.OnSubmit(t, 1, Req(api::Op::kPut, sequence, value));
  Ack a;
  a.time_us = t + 1;
  a.client_id = 1;
  a.sequence = sequence;
  a.node = 1;
  a.index = index;
  c.OnAck(a);
}

void Answer(ReadFreshness& c, uint64_t sequence, bool found, const std::string& value,
            bool stale = false) {
  api::Reply r;
  r.client_id = 1;
  r.sequence = sequence;
  r.found = found;
  r.value = value;
  r.succeeded = stale;
  c.OnReply(ClientReply{100, 2, "v3", 4, api::Role::kLeader, &r});
}

TEST(ReadFreshness, AnOlderAcknowledgedValueIsAViolation) {
  ReadFreshness c;
  AckedPut(c, 1, "a", 3, 10);
  AckedPut(c, 2, "b", 5, 20);
  c.OnSubmit(30, 2, Req(api::Op::kGet, 3));
  Answer(c, 3, true, "a");
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(c.violations()[0].message.find(
                "node 2 (v3, leader, term 4) answered get k client 1 seq 3 (arrived at node 2 at "
                "30us) with 'a' (the write acknowledged at index 3), but 'b' was acknowledged at "
                "index 5 at 21us, before the read arrived"),
            std::string::npos)
      << c.violations()[0].message;
}

TEST(ReadFreshness, AbsentAfterAnAcknowledgedWriteIsAViolation) {
  ReadFreshness c;
  AckedPut(c, 1, "a", 3, 10);
  c.OnSubmit(30, 2, Req(api::Op::kGet, 2));
  Answer(c, 2, false, "");
  ASSERT_EQ(c.violation_count(), 1u);
  EXPECT_NE(c.violations()[0].message.find("with nothing"), std::string::npos);
}

TEST(ReadFreshness, TheNewestOrALaterOrAnUnacknowledgedValueIsFine) {
  ReadFreshness c;
  AckedPut(c, 1, "a", 3, 10);
  c.OnSubmit(30, 2, Req(api::Op::kGet, 2));
  c.OnSubmit(30, 2, Req(api::Op::kGet, 3));
  c.OnSubmit(30, 2, Req(api::Op::kGet, 4));
  AckedPut(c, 5, "b", 4, 40);             // acknowledged after the reads arrived
  c.OnSubmit(41, 1, Req(api::Op::kPut, 6, "c"));  // never acknowledged
  Answer(c, 2, true, "a");
  Answer(c, 3, true, "b");
  Answer(c, 4, true, "c");
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.reads_judged(), 3u);
}

TEST(ReadFreshness, AReadThatArrivedBeforeTheAckIsNotHeldToIt) {
  ReadFreshness c;
  c.OnSubmit(5, 2, Req(api::Op::kGet, 1));
  AckedPut(c, 2, "a", 3, 10);
  Answer(c, 1, false, "");
  EXPECT_EQ(c.violation_count(), 0u);
}

TEST(ReadFreshness, StaleReadsAsAllowedAndUnjudgeableKeysAreLeftAlone) {
  ReadFreshness c;
  AckedPut(c, 1, "a", 3, 10);
  api::Request stale = Req(api::Op::kGet, 2);
  stale.stale_read_ok = true;
  c.OnSubmit(30, 2, stale);
  Answer(c, 2, false, "", /*stale=*/true);
  EXPECT_EQ(c.violation_count(), 0u);
  // An Append makes values ambiguous: the key is no longer judged.
  c.OnSubmit(40, 1, Req(api::Op::kAppend, 3, "x"));
  c.OnSubmit(50, 2, Req(api::Op::kGet, 4));
  Answer(c, 4, false, "");
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.reads_judged(), 0u);
}

TEST(ReadFreshness, AFailedReadIsNotJudged) {
  ReadFreshness c;
  AckedPut(c, 1, "a", 3, 10);
  c.OnSubmit(30, 2, Req(api::Op::kGet, 2));
  api::Reply r;
  r.client_id = 1;
  r.sequence = 2;
  r.status = absl::UnavailableError("not leader");
  c.OnReply(ClientReply{100, 2, "v3", 4, api::Role::kFollower, &r});
  EXPECT_EQ(c.violation_count(), 0u);
}

}  // namespace
}  // namespace raftlog::check
