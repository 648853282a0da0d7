#include "matrix/runner/adversary.h"

#include "gtest/gtest.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::runner {
namespace {

std::string Genuine(bool with_mac) {
  wire::v3::Message m;
  m.set_protocol_version(3);
  m.set_type(wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  m.set_from(1);
  m.set_to(2);
  m.set_term(4);
  if (with_mac) m.set_mac(std::string(32, 'm'));
  auto* ae = m.mutable_append_entries();
  ae->set_prev_log_index(7);
  ae->set_prev_log_term(4);
  ae->set_leader_commit(7);
  auto* e = ae->add_entries();
  e->set_index(8);
  e->set_term(4);
  return m.SerializeAsString();
}

wire::v3::Message Parse(const std::string& bytes) {
  wire::v3::Message m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  return m;
}

TEST(Alter, ForgedKeepsTheShapeAndAltersTheMac) {
  auto bytes = Alter(Genuine(true), Injection::kForged, 1, 9);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  wire::v3::Message m = Parse(*bytes);
  EXPECT_EQ(m.mac().size(), 32u);
  EXPECT_NE(m.mac(), std::string(32, 'm'));
  EXPECT_EQ(m.term(), 9u);
  EXPECT_EQ(m.from(), 1u);
  EXPECT_EQ(m.protocol_version(), 3u);
  // Accepted, it could move the term only: no entries, no commit.
  EXPECT_EQ(m.append_entries().entries_size(), 0);
  EXPECT_EQ(m.append_entries().leader_commit(), 0u);
  EXPECT_EQ(m.append_entries().prev_log_index(), 7u);
  // A sender that sent no MAC gets a made-up one of the right size.
  auto unsealed = Alter(Genuine(false), Injection::kForged, 1, 9);
  ASSERT_TRUE(unsealed.ok());
  EXPECT_EQ(Parse(*unsealed).mac().size(), 32u);
}

TEST(Alter, StrippedAndOlderClaimCarryNoMacAndOlderClaimLowersTheVersion) {
  auto stripped = Alter(Genuine(true), Injection::kStripped, kNonMemberId, 5);
  ASSERT_TRUE(stripped.ok());
  EXPECT_TRUE(Parse(*stripped).mac().empty());
  EXPECT_EQ(Parse(*stripped).from(), kNonMemberId);
  EXPECT_EQ(Parse(*stripped).protocol_version(), 3u);
  auto older = Alter(Genuine(true), Injection::kOlderClaim, 1, 5);
  ASSERT_TRUE(older.ok());
  EXPECT_TRUE(Parse(*older).mac().empty());
  EXPECT_EQ(Parse(*older).protocol_version(), 2u);
}

TEST(Alter, RefusesReplaysGarbageAndSnapshots) {
  EXPECT_FALSE(Alter(Genuine(true), Injection::kReplay, 1, 5).ok());
  EXPECT_FALSE(Alter(std::string("\xff\xff\xff", 3), Injection::kForged, 1, 5).ok());
  wire::v3::Message snap;
  snap.set_type(wire::v3::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  snap.mutable_install_snapshot()->set_last_index(3);
  EXPECT_FALSE(Alter(snap.SerializeAsString(), Injection::kStripped, 1, 5).ok());
  EXPECT_TRUE(IsAppendWithEntries(Genuine(true)));
  EXPECT_FALSE(IsAppendWithEntries(*Alter(Genuine(true), Injection::kStripped, 1, 5)));
}

TEST(Difference, NamesEveryComparedFieldAndTheTail) {
  Observed a;
  a.state.term = 3;
  a.state.leader = 1;
  a.state.config.voters = {1, 2, 3};
  api::EntryId last;
  last.term = 3;
  last.digest = 11;
  a.tail = {last};
  Observed b = a;
  EXPECT_EQ(Difference(a, b), "");
  b.state.term = 4;
  b.state.role = api::Role::kCandidate;
  b.state.config.voters = {1, 2};
  EXPECT_EQ(Difference(a, b),
            "term 3 -> 4, role follower -> candidate, config voters={1,2,3} learners={} -> "
            "voters={1,2} learners={}");
  Observed c = a;
  last.digest = 12;
  c.tail = {last};
  EXPECT_EQ(Difference(a, c), "the last entries changed");
}

}  // namespace
}  // namespace raftlog::runner
