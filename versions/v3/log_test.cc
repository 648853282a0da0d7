#include "versions/v3/log.h"

#include "gtest/gtest.h"

namespace raftlog::v3 {
namespace {

Entry E(uint64_t index, uint64_t term) {
  Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_type(wire::v3::ENTRY_TYPE_NOOP);
  return e;
}

RaftLog Make(const std::vector<uint64_t>& terms) {
  RaftLog log;
  for (size_t i = 0; i < terms.size(); ++i) log.Append(E(i + 1, terms[i]));
  return log;
}

TEST(RaftLog, EmptyLogKnowsTermZeroAtIndexZero) {
  RaftLog log;
  EXPECT_EQ(log.first_index(), 1u);
  EXPECT_EQ(log.last_index(), 0u);
  EXPECT_EQ(log.last_term(), 0u);
  EXPECT_TRUE(log.MatchTerm(0, 0));
  EXPECT_FALSE(log.Term(1).has_value());
  EXPECT_EQ(log.At(1), nullptr);
}

TEST(RaftLog, TermsTruncateAndSlice) {
  RaftLog log = Make({1, 1, 2, 3, 3});
  EXPECT_EQ(log.last_index(), 5u);
  EXPECT_EQ(log.last_term(), 3u);
  EXPECT_EQ(*log.Term(3), 2u);
  EXPECT_TRUE(log.MatchTerm(4, 3));
  EXPECT_FALSE(log.MatchTerm(4, 2));
  EXPECT_FALSE(log.MatchTerm(6, 3));
  log.TruncateFrom(4);
  EXPECT_EQ(log.last_index(), 3u);
  EXPECT_EQ(log.last_term(), 2u);
  std::vector<Entry> s = log.Slice(2, 10, 100);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].index(), 2u);
  EXPECT_EQ(log.Slice(1, 3, 1).size(), 1u);
}

TEST(RaftLog, CompactionKeepsTheBoundaryTerm) {
  RaftLog log = Make({1, 1, 2, 3, 3});
  log.CompactTo(3);
  EXPECT_EQ(log.snapshot_index(), 3u);
  EXPECT_EQ(log.snapshot_term(), 2u);
  EXPECT_EQ(log.first_index(), 4u);
  EXPECT_EQ(log.At(3), nullptr);
  EXPECT_TRUE(log.MatchTerm(3, 2));
  EXPECT_FALSE(log.Term(2).has_value());
  EXPECT_EQ(log.At(4)->term(), 3u);
  log.CompactTo(5);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(log.last_index(), 5u);
  EXPECT_EQ(log.last_term(), 3u);
  log.Append(E(6, 4));
  EXPECT_EQ(log.last_index(), 6u);
}

TEST(RaftLog, TermSearchesForFastBacktracking) {
  RaftLog log = Make({1, 1, 1, 4, 4, 5, 5, 6, 6, 6});
  EXPECT_EQ(log.FirstIndexOfTerm(10), 8u);
  EXPECT_EQ(log.FirstIndexOfTerm(5), 4u);
  EXPECT_EQ(log.FirstIndexOfTerm(2), 1u);
  EXPECT_EQ(log.LastIndexOfTerm(4, 100), 5u);
  EXPECT_EQ(log.LastIndexOfTerm(6, 9), 9u);
  EXPECT_EQ(log.LastIndexOfTerm(2, 100), 0u);  // no entry of term 2
  EXPECT_EQ(log.LastIndexOfTerm(7, 100), 0u);
  log.CompactTo(5);
  EXPECT_EQ(log.FirstIndexOfTerm(6), 6u);  // bounded by first_index
  EXPECT_EQ(log.LastIndexOfTerm(4, 100), 5u);  // the snapshot boundary counts
  EXPECT_EQ(log.LastIndexOfTerm(1, 100), 0u);  // compacted away: unknown
}

}  // namespace
}  // namespace raftlog::v3
