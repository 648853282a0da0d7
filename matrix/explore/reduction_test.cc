// The partial-order reduction loses nothing: on small bounds the search with
// sleep sets visits exactly the states, and finds exactly the violating
// states, that the unreduced search does, with fewer transitions.
#include "gtest/gtest.h"
#include "matrix/explore/search.h"
#include "matrix/explore/test_util.h"

namespace raftlog::explore {
namespace {

using testing::Tight;

struct Both {
  SearchResult reduced, full;
};

Both RunBoth(SearchOptions o) {
  // The exact digest: equal digests are equal states, so "the same states"
  // is a theorem of sleep sets, not an accident of the abstraction.
  o.bounds.exact_digest = true;
  o.iterative = false;  // one pass to the depth bound
  o.stop_at_violation = false;
  o.keep_states = true;
  Both b;
  o.reduction = true;
  absl::StatusOr<SearchResult> r = Search(o);
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok()) b.reduced = *r;
  o.reduction = false;
  r = Search(o);
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok()) b.full = *r;
  return b;
}

TEST(Reduction, SameStatesFewerTransitionsV1) {
  SearchOptions o;
  o.bounds = Tight({"v1", "v1", "v1"}, 6);
  o.bounds.timeouts = 2;
  o.bounds.client_ops = 1;
  Both b = RunBoth(o);
  EXPECT_EQ(b.reduced.states, b.full.states);
  EXPECT_GT(b.full.states.size(), 100u);
  EXPECT_LT(b.reduced.transitions, b.full.transitions);
}

TEST(Reduction, SameViolationsOnACanary) {
  SearchOptions o;
  o.bounds = Tight({"v2+vote", "v2+vote", "v2+vote"}, 8);
  o.bounds.timeouts = 2;
  o.bounds.crashes = 1;
  Both b = RunBoth(o);
  ASSERT_FALSE(b.full.violating.empty());
  EXPECT_EQ(b.reduced.violating, b.full.violating);
  EXPECT_EQ(b.reduced.states, b.full.states);
  EXPECT_LT(b.reduced.transitions, b.full.transitions);
}

}  // namespace
}  // namespace raftlog::explore
