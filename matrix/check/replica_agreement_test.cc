#include "matrix/check/replica_agreement.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace raftlog::check {
namespace {

void Step(ReplicaAgreement& c, api::NodeId id, const char* tag, uint64_t applied, uint64_t digest,
          uint64_t t = 0) {
  api::ProtocolState s;
  s.id = id;
  s.applied_index = applied;
  s.kv_digest = digest;
  std::vector<api::AppliedEntry> none;
  c.OnStep(NodeStep{t, id, tag, &s, nullptr, &none});
}

TEST(ReplicaAgreement, EqualStateAtEqualIndexIsFine) {
  ReplicaAgreement c;
  Step(c, 1, "v1", 5, 0xaa);
  Step(c, 2, "v2", 5, 0xaa);
  Step(c, 3, "v1", 6, 0xbb);
  Step(c, 2, "v2", 6, 0xbb);
  Step(c, 1, "v1", 0, 0x0);  // nothing applied: not compared
  Step(c, 2, "v2", 0, 0x0);
  EXPECT_EQ(c.violation_count(), 0u);
  EXPECT_EQ(c.comparisons(), 2u);
  EXPECT_FALSE(c.liveness());
}

TEST(ReplicaAgreement, DifferentStateAtTheSameIndexIsReportedOnce) {
  ReplicaAgreement c;
  Step(c, 1, "v2", 7, 0x11, 100);
  Step(c, 3, "v2", 7, 0x22, 200);  // e.g. restored from a snapshot without sessions
  Step(c, 2, "v1", 7, 0x33, 300);  // same index again: reported once per index
  ASSERT_EQ(c.violation_count(), 1u);
  const Violation& v = c.violations()[0];
  EXPECT_EQ(v.checker, "replica_agreement");
  EXPECT_EQ(v.time_us, 200u);
  EXPECT_TRUE(absl::StrContains(v.message, "n1@v2 and n3@v2 applied through index 7")) << v.message;
  Step(c, 3, "v2", 8, 0x44);
  Step(c, 1, "v2", 8, 0x55);
  EXPECT_EQ(c.violation_count(), 2u);
}

TEST(ReplicaAgreement, MemoryIsBounded) {
  ReplicaAgreement c;
  for (uint64_t i = 1; i <= ReplicaAgreement::kMaxIndexes + 10; ++i) Step(c, 1, "v1", i, i);
  // The oldest indexes were forgotten: a late report there is not compared.
  Step(c, 2, "v1", 1, 999);
  EXPECT_EQ(c.violation_count(), 0u);
  Step(c, 2, "v1", ReplicaAgreement::kMaxIndexes, 999);
  EXPECT_EQ(c.violation_count(), 1u);
}

}  // namespace
}  // namespace raftlog::check
