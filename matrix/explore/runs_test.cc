// Default bounded runs on the good releases: every state within the bounds
// satisfies every safety checker. Each bound is small enough to finish in
// seconds and large enough that the search reaches its depth bound (it is
// not cut short by a budget), which the tests assert.
#include "gtest/gtest.h"
#include "matrix/explore/search.h"
#include "matrix/explore/test_util.h"

namespace raftlog::explore {
namespace {

using testing::Tight;

void ExpectSafe(const SearchOptions& o, int min_distinct) {
  absl::StatusOr<SearchResult> r = Search(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->verdict, Verdict::kSafe) << r->stopped_by;
  for (const check::Violation& v : r->violations) ADD_FAILURE() << check::ViolationString(v);
  EXPECT_TRUE(r->stopped_by == "depth" || r->stopped_by == "closed") << r->stopped_by;
  EXPECT_EQ(r->depth_reached, o.bounds.depth);
  EXPECT_GE(r->distinct, static_cast<uint64_t>(min_distinct));  // it did explore
}

SearchOptions Elections(const std::string& tag) {
  SearchOptions o;
  o.bounds = Tight({tag, tag, tag}, 7);
  o.bounds.timeouts = 2;
  o.bounds.crashes = 1;
  o.max_transitions = 200'000;
  return o;
}

TEST(Runs, ElectionsWithCrashesV1) { ExpectSafe(Elections("v1"), 1000); }
TEST(Runs, ElectionsWithCrashesV2) { ExpectSafe(Elections("v2"), 1000); }
TEST(Runs, ElectionsWithCrashesV3) { ExpectSafe(Elections("v3"), 1000); }

// Two voters and a joining third node: elect, add it (or remove the other),
// replicate the change.
SearchOptions Membership(const std::string& tag) {
  SearchOptions o;
  o.bounds = Tight({tag, tag, tag}, 12);
  o.bounds.voters = 2;
  o.bounds.timeouts = 2;
  o.bounds.heartbeats = 1;
  o.bounds.membership = 1;
  o.max_transitions = 200'000;
  return o;
}

TEST(Runs, SingleServerChangeV1) { ExpectSafe(Membership("v1"), 1000); }
TEST(Runs, SingleServerChangeV2) { ExpectSafe(Membership("v2"), 1000); }

// Mixed releases across an upgrade and a finalize.
SearchOptions Mixed(std::vector<std::string> tags) {
  SearchOptions o;
  o.bounds = Tight(std::move(tags), 7);
  o.bounds.timeouts = 1;
  o.bounds.heartbeats = 1;
  o.bounds.upgrades = 1;
  o.bounds.finalizes = 1;
  o.bounds.client_ops = 1;
  o.max_transitions = 200'000;
  return o;
}

TEST(Runs, MixedV1V2UpgradeAndFinalize) { ExpectSafe(Mixed({"v1", "v2", "v2"}), 100); }
TEST(Runs, MixedV2V3UpgradeAndFinalize) { ExpectSafe(Mixed({"v2", "v3", "v3"}), 100); }

}  // namespace
}  // namespace raftlog::explore
