// Default bounded runs on the good releases: every state within the bounds
// satisfies every safety checker. Each bound is small enough to finish in
// seconds and large enough that the search reaches its depth bound (it is
// not cut short by a budget), which the tests assert, together with a floor
// on the distinct states (about 80% of what the bounds give today, so a
// change that silently shrinks the explored space fails) and evidence, from
// the states themselves, that the feature under test was exercised (a
// configuration change replicated, a joint configuration entered, a cluster
// version raised after an upgrade). Beyond the checkers, every state is
// checked for a cluster version some running node's release does not speak.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "matrix/check/read_freshness.h"
#include "matrix/check/read_leadership.h"
#include "matrix/explore/search.h"
#include "matrix/explore/test_util.h"

namespace raftlog::explore {
namespace {

using testing::Joint;
using testing::Membership;
using testing::Mixed;
using testing::Tight;
using testing::TwoLeaders;

// What the reached states showed, gathered by SearchOptions::observe.
struct Evidence {
  bool node_down = false;            // a crash (or an upgrade's restart) happened
  bool follower_changed_config = false;  // a follower holds a config other than the bootstrap's
  bool follower_joint = false;       // a follower holds a joint configuration
  bool follower_replacing = false;   // ... one that replaces a voter (as many in as out)
  bool upgraded = false;             // a node runs another tag than it started with
  uint32_t max_cluster_version = 0;  // over every node in every state
  // A state where some node runs at a cluster version that a running node's
  // release does not speak (finalize stranded a member): what it looked like.
  std::string stranded;
};

void Observe(const World& w, const Bounds& b, const api::Config& bootstrap, Evidence* e) {
  uint32_t highest_cv = 0, lowest_spoken = UINT32_MAX;
  for (api::NodeId id = 1; id <= b.tags.size(); ++id) {
    const api::ProtocolState* s = w.state(id);
    if (s == nullptr) continue;
    highest_cv = std::max(highest_cv, s->cluster_version);
    if (const api::ReleaseInfo* r = FindAnyRelease(s->release); r != nullptr) {
      lowest_spoken = std::min(lowest_spoken, r->max_protocol);
    }
  }
  if (highest_cv > lowest_spoken && e->stranded.empty()) e->stranded = w.StateTable();
  for (api::NodeId id = 1; id <= b.tags.size(); ++id) {
    const api::ProtocolState* s = w.state(id);
    if (s == nullptr) {
      e->node_down = true;
      continue;
    }
    e->max_cluster_version = std::max(e->max_cluster_version, s->cluster_version);
    if (s->release != b.tags[id - 1]) e->upgraded = true;
    if (s->role == api::Role::kLeader) continue;
    const api::Config& c = s->config;
    if (!c.voters.empty() && c.voters != bootstrap.voters) e->follower_changed_config = true;
    if (!c.voters_outgoing.empty()) e->follower_joint = true;
    if (!c.voters_outgoing.empty() && c.voters.size() == c.voters_outgoing.size()) {
      e->follower_replacing = true;
    }
  }
}

// Runs `o` (its own observer too, if any; one pass to the depth bound: every
// state within the bounds, no shortest-path iterations), expects safety, the
// depth bound reached, at least `min_distinct` distinct states; returns what
// the states showed.
Evidence ExpectSafe(SearchOptions o, uint64_t min_distinct) {
  const int voters = o.bounds.voters > 0 ? o.bounds.voters : static_cast<int>(o.bounds.tags.size());
  api::Config bootstrap;
  for (int i = 1; i <= voters; ++i) bootstrap.voters.push_back(i);
  Evidence e;
  const Bounds bounds = o.bounds;
  std::function<void(const World&)> also = std::move(o.observe);
  o.observe = [&](const World& w) {
    Observe(w, bounds, bootstrap, &e);
    if (also) also(w);
  };
  o.iterative = false;
  absl::StatusOr<SearchResult> r = Search(o);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return e;
  EXPECT_EQ(r->verdict, Verdict::kSafe) << r->stopped_by;
  for (const check::Violation& v : r->violations) ADD_FAILURE() << check::ViolationString(v);
  EXPECT_EQ(r->stopped_by, "depth");
  EXPECT_EQ(r->depth_reached, o.bounds.depth);
  EXPECT_GE(r->distinct, min_distinct) << "the bounds cover fewer states than they did";
  EXPECT_EQ(e.stranded, "") << "a cluster version a running node does not speak";
  std::printf("%s: %llu distinct states, %llu explored, depth %d, %.1fs\n",
              absl::StrJoin(o.bounds.tags, ",").c_str(),
              static_cast<unsigned long long>(r->distinct),
              static_cast<unsigned long long>(r->transitions), r->depth_reached, r->seconds);
  return e;
}

// Elections with a crash. Depth 8: a release that forgets its vote across a
// crash elects two leaders in one term at 8 choices (v2+vote in
// canaries_test; the same bounds).
SearchOptions Elections(const std::string& tag) {
  SearchOptions o;
  o.bounds = Tight({tag, tag, tag}, 8);
  o.bounds.timeouts = 2;
  o.bounds.crashes = 1;
  o.max_transitions = 200'000;
  return o;
}

TEST(Runs, ElectionsWithCrashesV1) {
  EXPECT_TRUE(ExpectSafe(Elections("v1"), 14'000).node_down);
}
TEST(Runs, ElectionsWithCrashesV2) {
  EXPECT_TRUE(ExpectSafe(Elections("v2"), 14'000).node_down);
}
TEST(Runs, ElectionsWithCrashesV3) {
  EXPECT_TRUE(ExpectSafe(Elections("v3"), 14'000).node_down);
}

TEST(Runs, SingleServerChangesWithCrashV1) {
  Evidence e = ExpectSafe(Membership("v1"), 12'000);
  EXPECT_TRUE(e.follower_changed_config);
  EXPECT_TRUE(e.node_down);
}
TEST(Runs, SingleServerChangesWithCrashV2) {
  Evidence e = ExpectSafe(Membership("v2"), 12'000);
  EXPECT_TRUE(e.follower_changed_config);
  EXPECT_TRUE(e.node_down);
}

TEST(Runs, JointConsensusWithCrashV3) {
  Evidence e = ExpectSafe(Joint("v3"), 10'000);
  EXPECT_EQ(e.max_cluster_version, 3u);
  EXPECT_TRUE(e.follower_joint);
  EXPECT_TRUE(e.follower_replacing);
  EXPECT_TRUE(e.node_down);
}

// Evidence that a read was judged and that leadership changed hands:
// ReadFreshness / ReadLeadership count the reads they judged.
TEST(Runs, ReadsAcrossALeadershipChangeV3) {
  SearchOptions o = TwoLeaders("v3");
  uint64_t judged = 0;
  bool old_leader_deposed = false;
  o.observe = [&](const World& w) {
    for (const char* name : {"read_freshness", "read_leadership"}) {
      const check::Checker* c = w.checkers().Find(name);
      if (auto* f = dynamic_cast<const check::ReadFreshness*>(c)) {
        judged = std::max(judged, f->reads_judged());
      } else if (auto* l = dynamic_cast<const check::ReadLeadership*>(c)) {
        judged = std::max(judged, l->reads_judged());
      }
    }
    const api::ProtocolState* n1 = w.state(1);
    if (n1 != nullptr && n1->term >= 3 && n1->role != api::Role::kLeader) {
      old_leader_deposed = true;
    }
  };
  ExpectSafe(o, 30'000);
  EXPECT_GT(judged, 0u);
  EXPECT_TRUE(old_leader_deposed);
}

TEST(Runs, MixedV1V2UpgradeAndFinalize) {
  Evidence e = ExpectSafe(Mixed({"v1", "v2", "v2"}), 16'000);
  EXPECT_TRUE(e.upgraded);
  EXPECT_EQ(e.max_cluster_version, 2u);
}
TEST(Runs, MixedV2V3UpgradeAndFinalize) {
  Evidence e = ExpectSafe(Mixed({"v2", "v3", "v3"}), 38'000);
  EXPECT_TRUE(e.upgraded);
  EXPECT_EQ(e.max_cluster_version, 3u);
}

}  // namespace
}  // namespace raftlog::explore
