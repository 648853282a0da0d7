#include "matrix/sim/choice.h"

#include "gtest/gtest.h"
#include "matrix/sim/choice_recording.h"

namespace raftlog::sim {
namespace {

TEST(Choice, EveryKindRoundTrips) {
  for (const char* line :
       {"deliver 1->2 #00000000000000ff", "drop 3->1 #0123456789abcdef",
        "dup 2->3 #0000000000000001", "tick 2", "crash 1", "restart 1", "put 3", "add 1 4",
        "remove 2 3", "joint 1 1,2,4", "upgrade 2", "finalize 1", "deliver 1->2 RequestVote", "read 2",
        "compact 3", "learner 1 4", "promote 1 4", "downgrade 1", "rollback 2"}) {
    absl::StatusOr<Choice> c = ParseChoice(line);
    ASSERT_TRUE(c.ok()) << line << ": " << c.status();
    EXPECT_EQ(ChoiceString(*c), line);
  }
}

TEST(Choice, CommentsAndBlanksAreIgnored) {
  absl::StatusOr<std::vector<Choice>> cs =
      ParseChoices("% header\n\ntick 1   % a timeout\n  put 1\n");
  ASSERT_TRUE(cs.ok()) << cs.status();
  ASSERT_EQ(cs->size(), 2u);
  EXPECT_EQ((*cs)[0].kind, ChoiceKind::kTick);
  EXPECT_EQ((*cs)[1].kind, ChoiceKind::kPut);
}

TEST(Choice, BadInputIsAClearError) {
  for (const char* line : {"fly 1", "tick", "tick 0", "tick x", "deliver 1-2 #ff",
                           "deliver 1->2 #zz", "deliver 1->2 7", "add 1", "joint 1 1,,2",
                           "read", "read 1 2", "learner 1", "promote 1 x"}) {
    absl::StatusOr<Choice> c = ParseChoice(line);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << line;
  }
  absl::StatusOr<std::vector<Choice>> cs = ParseChoices("tick 1\nbogus 2\n");
  ASSERT_FALSE(cs.ok());
  EXPECT_NE(cs.status().message().find("line 2"), std::string::npos) << cs.status();
}

TEST(Choice, KeysDistinguishChoices) {
  Choice a = *ParseChoice("deliver 1->2 #01");
  Choice b = *ParseChoice("deliver 2->1 #01");
  Choice c = *ParseChoice("drop 1->2 #01");
  EXPECT_NE(ChoiceKey(a), ChoiceKey(b));
  EXPECT_NE(ChoiceKey(a), ChoiceKey(c));
  EXPECT_EQ(ChoiceKey(a), ChoiceKey(*ParseChoice("deliver 1->2 #0000000000000001")));
}

TEST(Recording, RoundTripsAndRejectsGarbage) {
  Recording r;
  r.tags = {"v1", "v2"};
  r.voters = 2;
  r.election_ticks = 3;
  r.comments = {"why"};
  r.choices = {*ParseChoice("tick 1"), *ParseChoice("deliver 1->2 #0a")};
  absl::StatusOr<Recording> back = ParseRecording(FormatRecording(r, {"", "RequestVote"}));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->tags, r.tags);
  EXPECT_EQ(back->voters, 2);
  EXPECT_EQ(back->election_ticks, 3);
  EXPECT_EQ(back->comments, r.comments);
  ASSERT_EQ(back->choices.size(), 2u);
  EXPECT_EQ(back->choices[1], r.choices[1]);
  EXPECT_FALSE(ParseRecording("tick 1\n").ok());  // no tags line
  EXPECT_FALSE(ParseRecording("tags v1\nvoters -1\n").ok());
  EXPECT_FALSE(ParseRecording("tags v1\ntick 1\nwhat 2\n").ok());
}

TEST(Replay, AChoiceThatIsNotEnabledIsAnError) {
  Recording r;
  r.tags = {"v1", "v1", "v1"};
  r.choices = {*ParseChoice("put 1")};  // nobody leads yet
  absl::StatusOr<ReplayResult> out = Replay(r, false);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  r.tags = {"v9"};
  EXPECT_FALSE(Replay(r, false).ok());
}

}  // namespace
}  // namespace raftlog::sim
