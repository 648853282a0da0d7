#include "versions/policy.h"

#include "gtest/gtest.h"

namespace raftlog::policy {
namespace {

using ::absl::StatusCode;

TEST(Policy, ParsesPairsCommentsAndBlankLines) {
  auto p = Policy::Parse(
      "# comment\n"
      "\n"
      "v1 -> v1: rolling_upgrade, snapshot_exchange   # trailing comment\n"
      "  v1->v2 :rolling_upgrade,downgrade_before_finalize\n"
      "v2 -> v2: none\n",
      "p.txt");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->pairs().size(), 3u);
  EXPECT_EQ(p->pairs()[1].line, 4);
  EXPECT_TRUE(p->For("v1", "v1").Has(Capability::kSnapshotExchange));
  EXPECT_FALSE(p->For("v1", "v1").Has(Capability::kDowngradeAfterFinalize));
  EXPECT_TRUE(p->For("v1", "v2").Has(Capability::kDowngradeBeforeFinalize));
  EXPECT_TRUE(p->For("v2", "v2").empty());
  EXPECT_TRUE(p->For("v2", "v1").empty()) << "a missing pair supports nothing";
  EXPECT_EQ(p->For("v1", "v2").ToString(), "rolling_upgrade, downgrade_before_finalize");
  EXPECT_EQ(p->For("v9", "v9").ToString(), "none");
}

TEST(Policy, AcceptsCanaryTags) {
  // A canary "<base>+<name>" (versions/canaries) is a valid tag spelling.
  auto p = Policy::Parse("v1 -> v2+ack: rolling_upgrade\n", "p.txt");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->For("v1", "v2+ack").Has(Capability::kRollingUpgrade));
}

struct BadCase {
  const char* text;
  const char* message;  // a substring of the error
};

TEST(Policy, ErrorsNameTheFileLineAndProblem) {
  const BadCase cases[] = {
      {"v1 v2 rolling_upgrade\n", "p.txt:1: expected '<from> -> <to>: <capability>, ...'"},
      {"\n\nv1 -> v2: rolling\n", "p.txt:3: unknown capability 'rolling'; known: rolling_upgrade"},
      {"v1 -> v2:\n", "p.txt:1: no capabilities for v1 -> v2"},
      {"v1 -> v2: rolling_upgrade,\n", "p.txt:1: empty capability"},
      {"v1 -> v2: rolling_upgrade, rolling_upgrade\n", "listed twice"},
      {"v1 -> v2: none, rolling_upgrade\n", "'none' cannot be combined"},
      {"v1 -> v2: none\n# x\nv1 -> v2: rolling_upgrade\n", "p.txt:3: pair v1 -> v2 already declared at line 1"},
      {"v 1 -> v2: none\n", "bad release tag 'v 1'"},
      {" -> v2: none\n", "bad release tag ''"},
      {"v1 : -> v2\n", "expected"},
  };
  for (const BadCase& c : cases) {
    auto p = Policy::Parse(c.text, "p.txt");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(p.status().message().find(c.message), absl::string_view::npos)
        << "text: " << c.text << "\nerror: " << p.status();
  }
}

TEST(Policy, ValidatesAgainstTheRegistry) {
  const std::vector<std::string> tags = {"v1", "v2", "v3"};
  auto ok = Policy::Parse(
      "v1 -> v2: rolling_upgrade\nv1 -> v3: skip_version, rolling_upgrade\nv2 -> v3: none\n"
      "v1 -> v1: rolling_upgrade\n",
      "p");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->Validate(tags).ok()) << ok->Validate(tags);

  const BadCase cases[] = {
      {"v1 -> v4: rolling_upgrade\n", "p:1: tag 'v4' is not registered (registered: v1,v2,v3)"},
      {"v2 -> v1: rolling_upgrade\n", "goes from newer to older"},
      {"v1 -> v2: skip_version\n", "skip_version on v1 -> v2, which skips no release"},
      {"v1 -> v3: rolling_upgrade\n", "v1 -> v3 skips 1 release(s): add skip_version"},
  };
  for (const BadCase& c : cases) {
    auto p = Policy::Parse(c.text, "p");
    ASSERT_TRUE(p.ok()) << p.status();
    absl::Status s = p->Validate(tags);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(s.message().find(c.message), absl::string_view::npos) << c.text << "\n" << s;
  }
  // A non-adjacent pair may declare none without skip_version.
  auto none = Policy::Parse("v1 -> v3: none\n", "p");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->Validate(tags).ok());
}

TEST(Policy, LoadReportsAMissingFile) {
  auto p = Policy::Load("/nonexistent/policy.txt");
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
}

TEST(Capabilities, MissingAndHasAll) {
  Capabilities have{Capability::kRollingUpgrade};
  Capabilities need{Capability::kRollingUpgrade, Capability::kSnapshotExchange};
  EXPECT_FALSE(have.HasAll(need));
  EXPECT_EQ(have.Missing(need).ToString(), "snapshot_exchange");
  have.Add(Capability::kSnapshotExchange);
  EXPECT_TRUE(have.HasAll(need));
  EXPECT_TRUE(have.Missing(need).empty());
}

}  // namespace
}  // namespace raftlog::policy
