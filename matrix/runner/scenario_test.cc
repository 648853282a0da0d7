#include "matrix/runner/scenario.h"

#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

TEST(Scenario, EveryScenarioCompilesDeterministically) {
  for (const Scenario& s : AllScenarios()) {
    for (Mode mode : {Mode::kFast, Mode::kFull}) {
      auto a = Compile(s.name, "v1", "v2", 5, mode);
      auto b = Compile(s.name, "v1", "v2", 5, mode);
      ASSERT_TRUE(a.ok()) << a.status();
      EXPECT_EQ(a->ToString(true), b->ToString(true)) << s.name;
      EXPECT_FALSE(s.requires.empty()) << s.name;
      EXPECT_TRUE(s.requires.Has(policy::Capability::kRollingUpgrade)) << s.name;
    }
  }
}

TEST(Scenario, SeedsChangeTheOrderAndTheBackground) {
  std::set<std::string> plans;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    plans.insert(Compile("rolling_upgrade", "v1", "v2", seed, Mode::kFast)->ToString());
  }
  EXPECT_GT(plans.size(), 3u);
}

TEST(Scenario, StepsAreOrderedAndStartEveryMemberFirst) {
  for (const Scenario& s : AllScenarios()) {
    auto p = Compile(s.name, "v1", "v2", 11, Mode::kFast);
    ASSERT_TRUE(p.ok());
    ASSERT_GE(p->steps.size(), static_cast<size_t>(p->nodes));
    for (int i = 0; i < p->nodes; ++i) {
      EXPECT_EQ(p->steps[i].kind, StepKind::kStart) << s.name;
      EXPECT_EQ(p->steps[i].node, static_cast<api::NodeId>(i + 1));
      EXPECT_EQ(p->steps[i].tag, "v1");
    }
    for (size_t i = 1; i < p->steps.size(); ++i) {
      EXPECT_LE(p->steps[i - 1].at_us, p->steps[i].at_us) << s.name << " step " << i + 1;
    }
    // Every wait is bounded.
    for (const Step& st : p->steps) {
      if (st.kind == StepKind::kCheck || st.kind == StepKind::kCatchUp ||
          st.kind == StepKind::kElect || st.kind == StepKind::kFinalize) {
        EXPECT_GT(st.duration_us, 0u) << s.name << ": " << StepString(st);
      }
    }
    EXPECT_GE(p->planned_end_us, p->steps.back().at_us);
  }
}

TEST(Scenario, BackgroundFaultsNeverOverlapAndStayInTheFaultPhase) {
  for (const Scenario& s : AllScenarios()) {
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      auto p = Compile(s.name, "v1", "v1", seed, Mode::kFull);
      uint64_t free_at = 0;
      for (const sim::Fault& f : p->background.faults) {
        EXPECT_GE(f.time_us, free_at) << s.name << " seed " << seed << ": " << sim::FaultString(f);
        EXPECT_LT(f.time_us, p->planned_end_us);
        free_at = f.time_us + f.duration_us;
        EXPECT_NE(f.kind, sim::FaultKind::kUpgrade) << "upgrades are steps";
        EXPECT_NE(f.kind, sim::FaultKind::kMembership) << "membership changes are steps";
      }
    }
  }
  // The rolling upgrade runs under faults.
  size_t faults = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    faults += Compile("rolling_upgrade", "v1", "v2", seed, Mode::kFast)->background.faults.size();
  }
  EXPECT_GE(faults, 5u);
}

TEST(Scenario, RollingUpgradeMovesEveryNodeOnceWithACheckAfterEach) {
  auto p = Compile("rolling_upgrade", "v1", "v2", 3, Mode::kFast);
  std::set<api::NodeId> moved;
  for (size_t i = 0; i < p->steps.size(); ++i) {
    const Step& s = p->steps[i];
    if (s.kind != StepKind::kUpgrade) continue;
    EXPECT_EQ(s.from_tag, "v1");
    EXPECT_EQ(s.tag, "v2");
    EXPECT_TRUE(s.rollout);
    EXPECT_TRUE(moved.insert(s.node).second) << "node upgraded twice";
    ASSERT_LT(i + 1, p->steps.size());
    EXPECT_EQ(p->steps[i + 1].kind, StepKind::kCheck) << "a check at every mixed state";
  }
  EXPECT_EQ(moved.size(), static_cast<size_t>(p->nodes));
  EXPECT_EQ(p->steps.end()[-2].kind, StepKind::kFinalize);
}

TEST(Scenario, DowngradesGoBackToFrom) {
  for (const char* name : {"rolling_downgrade", "downgrade_after_finalize"}) {
    auto p = Compile(name, "v1", "v2", 2, Mode::kFast);
    int up = 0, down = 0;
    bool finalized = false, down_after_finalize = false;
    for (const Step& s : p->steps) {
      if (s.kind == StepKind::kFinalize) finalized = true;
      if (s.kind != StepKind::kUpgrade) continue;
      if (s.tag == "v2") ++up;
      if (s.tag == "v1") {
        ++down;
        EXPECT_EQ(s.from_tag, "v2");
        if (finalized) down_after_finalize = true;
      }
    }
    EXPECT_EQ(up, p->nodes) << name;
    EXPECT_EQ(down, p->nodes) << name;
    EXPECT_EQ(down_after_finalize, std::string(name) == "downgrade_after_finalize");
  }
}

TEST(Scenario, TopologiesVisitEveryMixedTopology) {
  for (const char* name : {"topologies_3", "topologies_5"}) {
    auto p = Compile(name, "v1", "v2", 4, Mode::kFast);
    std::string text = p->ToString();
    for (const char* want : {"old majority", "old minority", "new leader, old followers",
                             "old leader, new followers", "all on v2"}) {
      EXPECT_TRUE(absl::StrContains(text, want)) << name << " lacks " << want << "\n" << text;
    }
    EXPECT_EQ(p->nodes, std::string(name) == "topologies_3" ? 3 : 5);
  }
}

TEST(Scenario, SnapshotExchangeLagsBehindACompactedPrefixBothWays) {
  auto p = Compile("snapshot_exchange", "v1", "v2", 9, Mode::kFast);
  EXPECT_LE(p->snapshot_threshold, 100u);
  int lags = 0, rejoins = 0, catchups = 0, compacts = 0;
  for (const Step& s : p->steps) {
    lags += s.kind == StepKind::kLag;
    rejoins += s.kind == StepKind::kRejoin;
    catchups += s.kind == StepKind::kCatchUp;
    compacts += s.kind == StepKind::kCompact;
  }
  EXPECT_EQ(lags, 2);
  EXPECT_EQ(rejoins, 2);
  EXPECT_EQ(catchups, 2);
  EXPECT_GE(compacts, 4);
  std::string text = p->ToString();
  EXPECT_TRUE(absl::StrContains(text, "snapshot v1 leader -> v2 follower")) << text;
  EXPECT_TRUE(absl::StrContains(text, "snapshot v2 leader -> v1 follower")) << text;
}

TEST(Scenario, MembershipAddsANewNodeRemovesAnOldOneAndTheLeader) {
  auto p = Compile("membership_mixed", "v1", "v2", 1, Mode::kFast);
  int joins = 0;
  bool remove_leader = false, remove_node = false, learner = false;
  for (const Step& s : p->steps) {
    if (s.kind == StepKind::kJoin) {
      ++joins;
      EXPECT_EQ(s.tag, "v2");
      EXPECT_GT(s.node, static_cast<api::NodeId>(p->nodes));
    }
    if (s.kind == StepKind::kRemove) (s.node == 0 ? remove_leader : remove_node) = true;
    if (s.kind == StepKind::kAddLearner) learner = true;
  }
  EXPECT_EQ(joins, 7);  // n4, n5, n7, n8, n9, n10 in the mixed state, n6 after finalize
  EXPECT_TRUE(remove_leader);
  EXPECT_TRUE(remove_node);
  EXPECT_TRUE(learner);
}

TEST(Scenario, ElectionAndConfigurationRacesArePlanned) {
  for (const char* name : {"leader_flaps", "crash_mid_upgrade"}) {
    auto p = Compile(name, "v1", "v2", 6, Mode::kFast);
    int split = 0;
    for (const Step& s : p->steps) {
      if (s.kind != StepKind::kSplitVote) continue;
      ++split;
      EXPECT_NE(s.node, s.peer);
      EXPECT_NE(s.node, 0u);
      EXPECT_NE(s.peer, 0u);
    }
    EXPECT_GE(split, 1) << name;
  }
  auto m = Compile("membership_mixed", "v1", "v2", 6, Mode::kFast);
  int cut = 0;
  for (const Step& s : m->steps) {
    if (s.kind != StepKind::kAddVoterCut) continue;
    ++cut;
    EXPECT_LE(s.delay_us, 3'000u);
    EXPECT_GT(s.duration_us, 0u);
  }
  EXPECT_EQ(cut, 1);
}

TEST(Scenario, ErrorsAreStatuses) {
  EXPECT_EQ(Compile("nope", "v1", "v2", 1, Mode::kFast).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Compile("rolling_upgrade", "", "v2", 1, Mode::kFast).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ModeFromName("slow").ok());
  EXPECT_EQ(*ModeFromName("full"), Mode::kFull);
}

}  // namespace
TEST(Scenario, TagsBetweenFollowsTheReleaseNumbers) {
  EXPECT_EQ(TagsBetween("v1", "v3"), (std::vector<std::string>{"v2"}));
  EXPECT_EQ(TagsBetween("v1", "v4"), (std::vector<std::string>{"v2", "v3"}));
  EXPECT_TRUE(TagsBetween("v1", "v2").empty());
  EXPECT_TRUE(TagsBetween("v2", "v2").empty());
  EXPECT_TRUE(TagsBetween("v3", "v1").empty());
  EXPECT_EQ(TagsBetween("v1", "v3+canary"), (std::vector<std::string>{"v2"}));
  EXPECT_TRUE(TagsBetween("mine", "v3").empty());
}

// v1 -> v3 goes through v2: every node reaches v2 and the cluster finalizes
// before any node runs v3.
TEST(Scenario, MultiHopVisitsEveryReleaseBetweenInOrder) {
  auto p = Compile("multi_hop", "v1", "v3", 7, Mode::kFast);
  ASSERT_TRUE(p.ok()) << p.status();
  int on_v2 = 0, finalizes = 0;
  bool v3_started = false;
  for (const Step& s : p->steps) {
    if (s.kind == StepKind::kFinalize) ++finalizes;
    if (s.kind != StepKind::kUpgrade) continue;
    if (s.tag == "v2") {
      EXPECT_FALSE(v3_started) << StepString(s);
      EXPECT_EQ(s.from_tag, "v1");
      ++on_v2;
    } else {
      EXPECT_EQ(s.tag, "v3");
      EXPECT_EQ(s.from_tag, "v2");
      EXPECT_EQ(on_v2, p->nodes) << "v3 before every node ran v2";
      EXPECT_EQ(finalizes, 1) << "v3 before the cluster finalized on v2";
      v3_started = true;
    }
  }
  EXPECT_TRUE(v3_started);
  EXPECT_EQ(finalizes, 2);
}

namespace {

// Joint consensus: always refused (gated) before finalize; after finalize
// required where <to> has it (v3) and an expected refusal where it does not.
TEST(Scenario, JointMixedExpectsRefusalsExactlyWhereTheReleaseLacksJointConsensus) {
  for (const auto& [from, to, after_finalize_refused] :
       std::vector<std::tuple<std::string, std::string, bool>>{
           {"v1", "v2", true}, {"v2", "v3", false}, {"v1", "v3", false}, {"v3", "v3", false},
           {"v2", "v3+canary", false}}) {
    auto p = Compile("joint_mixed", from, to, 3, Mode::kFast);
    ASSERT_TRUE(p.ok()) << p.status();
    bool finalized = false;
    int changes = 0, crash = 0, isolate = 0;
    for (const Step& st : p->steps) {
      if (st.kind == StepKind::kFinalize) finalized = true;
      if (st.kind != StepKind::kChangeConfig) continue;
      ++changes;
      crash += st.crash_after;
      isolate += st.isolate_after;
      EXPECT_EQ(st.expect_refusal, !finalized || after_finalize_refused)
          << from << to << StepString(st);
      EXPECT_TRUE(!st.voters.empty() || st.peer != 0) << StepString(st);
    }
    EXPECT_EQ(changes, 5) << from << to;
    EXPECT_EQ(crash, 1);
    EXPECT_EQ(isolate, 1);
  }
}

TEST(Scenario, LearnersAreRequiredWhereBothReleasesHaveThem) {
  for (const auto& [from, to, required] : std::vector<std::tuple<std::string, std::string, bool>>{
           {"v1", "v2", false}, {"v1", "v3", false}, {"v2", "v3", true}, {"v2", "v2", true}}) {
    auto p = Compile("learners_mixed", from, to, 4, Mode::kFast);
    ASSERT_TRUE(p.ok()) << p.status();
    std::set<std::string> learner_tags;
    bool lag_before_promote_cut = false, lagging = false;
    for (size_t i = 0; i < p->steps.size(); ++i) {
      const Step& st = p->steps[i];
      if (st.kind == StepKind::kJoin) learner_tags.insert(st.tag);
      if (st.kind == StepKind::kLag) lagging = true;
      if (st.kind == StepKind::kAddLearner || st.kind == StepKind::kPromote ||
          st.kind == StepKind::kPromoteCut) {
        EXPECT_EQ(st.optional, !required) << from << to << StepString(st);
      }
      if (st.kind == StepKind::kPromoteCut) {
        lag_before_promote_cut = lagging;
        ASSERT_LT(i + 1, p->steps.size());
        EXPECT_EQ(p->steps[i + 1].kind, StepKind::kCatchUp);  // rejoined and caught up
        EXPECT_GT(st.delay_us, 0u);
      }
    }
    EXPECT_TRUE(lag_before_promote_cut);
    EXPECT_EQ(learner_tags, (std::set<std::string>{from, to}));
  }
}

TEST(Scenario, ReadsMixedAsksForStaleReadsAndDeposesTheLeaderOnBothSidesOfFinalize) {
  auto p = Compile("reads_mixed", "v2", "v3", 5, Mode::kFast);
  ASSERT_TRUE(p.ok());
  EXPECT_GT(p->workload.stale_read_ppm, 0u);
  size_t stale = 0, gets = 0;
  for (const sim::ClientOp& op : p->background.ops) {
    if (op.op != api::Op::kGet) {
      EXPECT_FALSE(op.stale);
      continue;
    }
    ++gets;
    stale += op.stale;
  }
  EXPECT_GT(stale, gets / 10);
  EXPECT_LT(stale, gets / 2);
  int deposed_before = 0, deposed_after = 0, flaps = 0;
  bool finalized = false;
  for (const Step& st : p->steps) {
    if (st.kind == StepKind::kFinalize) finalized = true;
    if (st.kind == StepKind::kDepose) ++(finalized ? deposed_after : deposed_before);
    if (st.kind == StepKind::kIsolate) ++flaps;
  }
  EXPECT_EQ(deposed_before, 1 + p->nodes);  // all on <from>, then after every upgrade
  EXPECT_EQ(deposed_after, 2);
  EXPECT_GE(flaps, 2 * (p->nodes + 1));
  // Other scenarios ask for no stale read: their scripts are unchanged.
  auto r = Compile("rolling_upgrade", "v2", "v3", 5, Mode::kFast);
  for (const sim::ClientOp& op : r->background.ops) EXPECT_FALSE(op.stale);
}

}  // namespace

}  // namespace raftlog::runner
