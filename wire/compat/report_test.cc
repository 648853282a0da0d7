#include "wire/compat/report.h"

#include "gtest/gtest.h"

namespace raftlog::wire::compat {
namespace {

CheckResult Sample() {
  CheckResult result;
  result.findings.push_back(Finding{"FILE_SAME_PACKAGE", Severity::kError, "wire/v2/raft.proto",
                                    "", "", "package changed"});
  result.findings.push_back(Finding{"FIELD_SAME_NAME", Severity::kWarning, "wire/v2/raft.proto",
                                    "Entry", "term=2", "renamed \"t\"\tto term"});
  result.errors = 1;
  result.warnings = 1;
  result.excepted = 3;
  return result;
}

TEST(ReportTest, TextHasOneLinePerFindingAndASummary) {
  EXPECT_EQ(FormatText(Sample()),
            "error FILE_SAME_PACKAGE wire/v2/raft.proto - -: package changed\n"
            "warning FIELD_SAME_NAME wire/v2/raft.proto Entry term=2: renamed \"t\"\tto term\n"
            "INCOMPATIBLE: 1 error, 1 warning, 3 excepted\n");
}

TEST(ReportTest, TextOfACleanResult) {
  EXPECT_EQ(FormatText(CheckResult{}), "compatible: 0 errors, 0 warnings, 0 excepted\n");
}

TEST(ReportTest, JsonIsStableAndEscaped) {
  EXPECT_EQ(
      FormatJson(Sample(), "old.binpb", "dir/new.binpb"),
      "{\"old\": \"old.binpb\", \"new\": \"dir/new.binpb\", \"compatible\": false, "
      "\"errors\": 1, \"warnings\": 1, \"excepted\": 3, \"findings\": [\n"
      "  {\"rule\": \"FILE_SAME_PACKAGE\", \"severity\": \"error\", \"file\": "
      "\"wire/v2/raft.proto\", \"message\": \"\", \"field\": \"\", \"why\": \"package "
      "changed\"},\n"
      "  {\"rule\": \"FIELD_SAME_NAME\", \"severity\": \"warning\", \"file\": "
      "\"wire/v2/raft.proto\", \"message\": \"Entry\", \"field\": \"term=2\", \"why\": "
      "\"renamed \\\"t\\\"\\tto term\"}\n"
      "]}\n");
  EXPECT_EQ(FormatJson(CheckResult{}, "a", "b"),
            "{\"old\": \"a\", \"new\": \"b\", \"compatible\": true, \"errors\": 0, "
            "\"warnings\": 0, \"excepted\": 0, \"findings\": []}\n");
}

TEST(ReportTest, RuleTableListsEveryRule) {
  const std::string table = FormatRuleTable();
  size_t lines = 0;
  for (const char c : table) lines += c == '\n';
  EXPECT_EQ(lines, AllRules().size());
  EXPECT_NE(table.find("FIELD_SAME_NAME warning: "), std::string::npos);
  EXPECT_NE(table.find("FIELD_WIRE_COMPATIBLE_TYPE error: "), std::string::npos);
}

}  // namespace
}  // namespace raftlog::wire::compat
