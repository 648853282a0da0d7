// Random walks on the good releases: far deeper paths than the exhaustive
// runs (runs_test) reach, with every feature of the head release on one path
// (leader changes, reads, learners and promotions, joint consensus,
// compaction and snapshot install, crashes, drops and duplicates), and mixed
// releases across upgrades and finalize. Every state of every walk satisfies
// every safety checker, and the walks show, from the states themselves, that
// they exercised what they are meant to (a floor, so a change that silently
// stops a feature from happening fails). Seeded: the same walks every run.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "matrix/check/read_freshness.h"
#include "matrix/check/read_leadership.h"
#include "matrix/explore/test_util.h"
#include "matrix/explore/walk.h"

namespace raftlog::explore {
namespace {

using testing::FiveNodeWalks;
using testing::FromScratchWalks;

// What the walks' states showed (SearchOptions::observe), in counts of states.
struct Coverage {
  uint64_t states = 0;
  uint64_t node_down = 0;
  uint64_t joint = 0;             // some node holds a joint configuration
  uint64_t learner = 0;           // some node's configuration lists a learner
  uint64_t promoted = 0;          // a node that was no voter at bootstrap is one now
  uint64_t installed = 0;         // some node installed a snapshot
  uint64_t compacted = 0;         // some node compacted its log
  uint64_t upgraded = 0;          // some node runs another tag than it started with
  uint64_t rolled_back = 0;       // some node runs an older tag than it started with
  uint64_t downgraded = 0;        // some node applied a cluster-version downgrade
  uint32_t max_cluster_version = 0;
  uint64_t reads_judged = 0;      // reads the read checkers judged (most in one walk)
};

uint64_t Counter(const std::map<std::string, uint64_t>& c, const char* name) {
  auto it = c.find(name);
  return it == c.end() ? 0 : it->second;
}

// True when `a` is a release before `b` (b is reached from a by upgrades).
bool OlderRelease(const std::string& a, const std::string& b) {
  for (std::string t = NextTag(a); !t.empty(); t = NextTag(t)) {
    if (t == b) return true;
  }
  return false;
}

void Observe(const World& w, const Bounds& b, Coverage* cov) {
  ++cov->states;
  const int voters = b.voters > 0 ? b.voters : static_cast<int>(b.tags.size());
  bool down = false, joint = false, learner = false, promoted = false, installed = false,
       compacted = false, upgraded = false, rolled_back = false, downgraded = false;
  for (api::NodeId id = 1; id <= b.tags.size(); ++id) {
    const api::ProtocolState* s = w.state(id);
    if (s == nullptr) {
      down = true;
      continue;
    }
    cov->max_cluster_version = std::max(cov->max_cluster_version, s->cluster_version);
    joint |= !s->config.voters_outgoing.empty();
    learner |= !s->config.learners.empty();
    promoted |= std::any_of(s->config.voters.begin(), s->config.voters.end(),
                            [&](api::NodeId v) { return v > static_cast<api::NodeId>(voters); });
    upgraded |= s->release != b.tags[id - 1];
    rolled_back |= OlderRelease(s->release, b.tags[id - 1]);
    const std::map<std::string, uint64_t> c = w.Counters(id);
    installed |= Counter(c, api::kCounterSnapshotsInstalled) > 0;
    compacted |= Counter(c, api::kCounterCompactions) > 0;
    // A cluster-version change that did not raise it (where the release
    // counts raises apart: v3).
    downgraded |= c.count("finalize_applied") > 0 &&
                  Counter(c, "cluster_version_changes") > Counter(c, "finalize_applied");
  }
  cov->node_down += down;
  cov->joint += joint;
  cov->learner += learner;
  cov->promoted += promoted;
  cov->installed += installed;
  cov->compacted += compacted;
  cov->upgraded += upgraded;
  cov->rolled_back += rolled_back;
  cov->downgraded += downgraded;
  uint64_t judged = 0;
  if (auto* f = dynamic_cast<const check::ReadFreshness*>(w.checkers().Find("read_freshness"))) {
    judged += f->reads_judged();
  }
  if (auto* l = dynamic_cast<const check::ReadLeadership*>(w.checkers().Find("read_leadership"))) {
    judged += l->reads_judged();
  }
  cov->reads_judged = std::max(cov->reads_judged, judged);
}

Coverage ExpectSafeWalks(WalkOptions o) {
  Coverage cov;
  const Bounds bounds = o.bounds;
  o.observe = [&](const World& w) { Observe(w, bounds, &cov); };
  absl::StatusOr<WalkResult> r = RandomWalks(o);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return cov;
  EXPECT_EQ(r->verdict, Verdict::kSafe) << r->stopped_by;
  for (const check::Violation& v : r->violations) ADD_FAILURE() << check::ViolationString(v);
  EXPECT_EQ(r->walks, o.walks);
  std::printf("%s: %llu walks, %llu states, %llu distinct ends, %.1fs; states with a node down "
              "%llu, joint %llu, learner %llu, promoted %llu, compacted %llu, installed %llu, "
              "upgraded %llu, rolled back %llu, downgraded %llu; cv up to %u; reads judged (most "
              "in a walk) %llu\n",
              absl::StrJoin(o.bounds.tags, ",").c_str(),
              static_cast<unsigned long long>(r->walks),
              static_cast<unsigned long long>(r->transitions),
              static_cast<unsigned long long>(r->distinct_ends), r->seconds,
              static_cast<unsigned long long>(cov.node_down),
              static_cast<unsigned long long>(cov.joint),
              static_cast<unsigned long long>(cov.learner),
              static_cast<unsigned long long>(cov.promoted),
              static_cast<unsigned long long>(cov.compacted),
              static_cast<unsigned long long>(cov.installed),
              static_cast<unsigned long long>(cov.upgraded),
              static_cast<unsigned long long>(cov.rolled_back),
              static_cast<unsigned long long>(cov.downgraded), cov.max_cluster_version,
              static_cast<unsigned long long>(cov.reads_judged));
  return cov;
}

// Five v3 nodes from a settled cluster at cluster version 3 (FiveNodeWalks).
TEST(Walks, HeadReleaseFeaturesFiveNodes) {
  Coverage c = ExpectSafeWalks(FiveNodeWalks("v3"));
  EXPECT_GT(c.node_down, 0u);
  EXPECT_GT(c.joint, 0u);
  EXPECT_GT(c.learner, 0u);
  EXPECT_GT(c.promoted, 0u);
  EXPECT_GT(c.compacted, 0u);
  EXPECT_GT(c.installed, 0u);
  EXPECT_GT(c.reads_judged, 0u);
}

// Each release from its first election (FromScratchWalks).
class FromScratch : public ::testing::TestWithParam<std::string> {};

TEST_P(FromScratch, ThreeVotersAndAJoiner) {
  const std::string tag = GetParam();
  Coverage c = ExpectSafeWalks(FromScratchWalks(tag));
  EXPECT_GT(c.node_down, 0u);
  EXPECT_GT(c.compacted, 0u);
  EXPECT_GT(c.installed, 0u);
  EXPECT_GT(c.reads_judged, 0u);
  EXPECT_GT(c.promoted, 0u);  // the fourth node became a voter
  if (tag != "v1") EXPECT_GT(c.learner, 0u);
}

INSTANTIATE_TEST_SUITE_P(Releases, FromScratch, ::testing::Values("v1", "v2", "v3"));

// Mixed releases from the first election: nodes restart on the next release
// at any point, finalize may be asked at any point, with crashes and writes.
class Mixed : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(Mixed, UpgradeAndFinalize) {
  WalkOptions o;
  o.bounds = testing::Everything(GetParam(), 40);
  o.bounds.upgrades = 3;
  o.bounds.finalizes = 3;
  o.walks = 10000;
  o.seed = 3;
  Coverage c = ExpectSafeWalks(o);
  EXPECT_GT(c.upgraded, 0u);
  EXPECT_GT(c.max_cluster_version, 1u);
}

// Up, finalize, down again: the downgrade procedure (lower the cluster
// version by one, via a leader) and nodes restarting on the previous release,
// which must refuse data it cannot read and read what the procedure left.
TEST_P(Mixed, DowngradeAndRollBack) {
  WalkOptions o;
  o.bounds = testing::Everything(GetParam(), 50);
  o.bounds.upgrades = 3;
  o.bounds.finalizes = 3;
  o.bounds.downgrades = 2;
  o.bounds.rollbacks = 2;
  o.walks = 10000;
  o.seed = 4;
  Coverage c = ExpectSafeWalks(o);
  EXPECT_GT(c.upgraded, 0u);
  EXPECT_GT(c.rolled_back, 0u);
  if (GetParam().back() == "v3") EXPECT_GT(c.downgraded, 0u);
}

INSTANTIATE_TEST_SUITE_P(Releases, Mixed,
                         ::testing::Values(std::vector<std::string>{"v1", "v1", "v2"},
                                           std::vector<std::string>{"v2", "v2", "v3"}));

}  // namespace
}  // namespace raftlog::explore
