#include "matrix/sim/choice_world.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "matrix/sim/choice_recording.h"

namespace raftlog::sim {
namespace {

// Elects n1 among voters {1,2,3} (n4 runs, no member), finalizes to cluster
// version 3 and delivers every message.
constexpr char kToClusterVersion3[] =
    "tick 1\n"
    "deliver 1->2 RequestVote\n"
    "deliver 1->3 RequestVote\n"
    "deliver 2->1 RequestVoteResponse\n"
    "deliver 3->1 RequestVoteResponse\n"
    "deliver 1->2 AppendEntries\n"
    "deliver 1->3 AppendEntries\n"
    "deliver 2->1 AppendEntriesResponse\n"
    "deliver 3->1 AppendEntriesResponse\n"
    "finalize 1\n"
    "deliver 1->3 AppendEntries\n"
    "deliver 3->1 AppendEntriesResponse\n"
    "deliver 1->2 AppendEntries\n"
    "deliver 1->2 AppendEntries\n"
    "deliver 1->2 AppendEntries\n"
    "deliver 1->3 AppendEntries\n"
    "deliver 2->1 AppendEntriesResponse\n"
    "deliver 2->1 AppendEntriesResponse\n"
    "deliver 2->1 AppendEntriesResponse\n"
      "deliver 3->1 AppendEntriesResponse\n";

ChoiceBounds FourV3Nodes() {
  ChoiceBounds b;
  b.tags = {"v3", "v3", "v3", "v3"};
  b.voters = 3;
  b.timeouts = b.heartbeats = b.finalizes = b.membership = 1;
  return b;
}

// Applies the choices of `text` (messages named by type) to `w`, each checked.
void ApplyAll(ChoiceWorld& w, const char* text) {
  absl::StatusOr<std::vector<Choice>> choices = ParseChoices(text);
  ASSERT_TRUE(choices.ok()) << choices.status();
  for (const Choice& named : *choices) {
    absl::StatusOr<Choice> c = w.Resolve(named);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(w.Apply(*c).ok()) << ChoiceString(*c);
  }
}

std::vector<std::string> Joints(const ChoiceWorld& w) {
  std::vector<std::string> out;
  for (const Choice& c : w.Enabled()) {
    if (c.kind == ChoiceKind::kJoint) out.push_back(ChoiceString(c));
  }
  return out;
}

TEST(ChoiceWorld, JointChangesOnlyAtClusterVersion3AndReplacementsAmongThem) {
  absl::StatusOr<std::unique_ptr<ChoiceWorld>> w = ChoiceWorld::Create(FourV3Nodes());
  ASSERT_TRUE(w.ok()) << w.status();
  ApplyAll(**w, "tick 1\ndeliver 1->2 RequestVote\ndeliver 2->1 RequestVoteResponse\n");
  ASSERT_EQ((*w)->state(1)->role, api::Role::kLeader);
  EXPECT_TRUE(Joints(**w).empty()) << "cluster version 1: no joint change";
  // The same from scratch, on to cluster version 3.
  w = ChoiceWorld::Create(FourV3Nodes());
  ASSERT_TRUE(w.ok()) << w.status();
  ApplyAll(**w, kToClusterVersion3);
  ASSERT_EQ((*w)->state(1)->cluster_version, 3u);
  std::vector<std::string> joints = Joints(**w);
  std::sort(joints.begin(), joints.end());
  // One voter removed (three), n4 added (one), one voter replaced by n4 (three).
  EXPECT_EQ(joints, (std::vector<std::string>{"joint 1 1,2", "joint 1 1,2,3,4", "joint 1 1,2,4",
                                              "joint 1 1,3", "joint 1 1,3,4", "joint 1 2,3",
                                              "joint 1 2,3,4"}));
  ApplyAll(**w, "joint 1 1,2,4\n");
  const api::ProtocolState* leader = (*w)->state(1);
  EXPECT_EQ(leader->config.voters, (std::vector<api::NodeId>{1, 2, 4}));
  EXPECT_EQ(leader->config.voters_outgoing, (std::vector<api::NodeId>{1, 2, 3}));
  EXPECT_EQ((*w)->spent().membership, 1);
  EXPECT_TRUE(Joints(**w).empty()) << "the membership budget is spent";
}

TEST(ChoiceWorld, NoJointChangeBeforeV3) {
  ChoiceBounds b = FourV3Nodes();
  b.tags = {"v2", "v2", "v2", "v2"};
  absl::StatusOr<std::unique_ptr<ChoiceWorld>> w = ChoiceWorld::Create(b);
  ASSERT_TRUE(w.ok()) << w.status();
  ApplyAll(**w, "tick 1\ndeliver 1->2 RequestVote\ndeliver 2->1 RequestVoteResponse\n");
  ASSERT_EQ((*w)->state(1)->role, api::Role::kLeader);
  EXPECT_TRUE(Joints(**w).empty());
  bool add4 = false;
  for (const Choice& c : (*w)->Enabled()) add4 |= ChoiceString(c) == "add 1 4";
  EXPECT_TRUE(add4) << "single-server changes are offered";
}

TEST(ChoiceWorld, TracesTheSimulatorsWayWhenAsked) {
  ChoiceBounds b;
  b.tags = {"v1", "v1", "v1"};
  b.crashes = 1;
  absl::StatusOr<std::unique_ptr<ChoiceWorld>> w = ChoiceWorld::Create(b);
  ASSERT_TRUE(w.ok()) << w.status();
  Trace trace(SIZE_MAX);
  (*w)->set_trace(&trace);
  ApplyAll(**w, "tick 1\ndeliver 1->2 RequestVote\ndeliver 2->1 RequestVoteResponse\ncrash 3\n");
  std::vector<std::string> lines = trace.Lines();
  ASSERT_EQ(lines.size(), 5u) << trace.Tail(10);
  EXPECT_EQ(lines[0].rfind("1000 ticks 1 ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("2000 deliver 1->2 RequestVote ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[3], "3000 leader n1 term 2");
  EXPECT_EQ(lines[4], "4000 crash n3");
  EXPECT_EQ((*w)->state(3), nullptr);
  const std::string table = (*w)->StateTable();
  EXPECT_EQ(table.rfind("node status   release", 0), 0u) << table;
  EXPECT_NE(table.find("3    down     v1"), std::string::npos) << table;
  EXPECT_NE(table.find(" leader "), std::string::npos) << table;
}

TEST(ChoiceWorld, FindsRegisteredAndSimulatorReleases) {
  EXPECT_NE(FindAnyRelease("v1"), nullptr);
  EXPECT_NE(FindAnyRelease("fake_broken"), nullptr);
  EXPECT_EQ(FindAnyRelease("v9"), nullptr);
  EXPECT_EQ(NextTag("v1"), "v2");
  EXPECT_EQ(NextTag("v2+reconfig"), "v3");
  EXPECT_EQ(NextTag("fake"), "");
}

}  // namespace
}  // namespace raftlog::sim
