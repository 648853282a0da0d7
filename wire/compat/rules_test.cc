#include "wire/compat/rules.h"

#include <string>

#include "absl/strings/ascii.h"
#include "gtest/gtest.h"

namespace raftlog::wire::compat {
namespace {

TEST(RulesTest, TableIsSortedUniqueAndDocumented) {
  const std::vector<Rule>& rules = AllRules();
  ASSERT_FALSE(rules.empty());
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    if (i > 0) {
      EXPECT_LT(rules[i - 1].id, rule.id);
    }
    for (const char c : rule.id) {
      EXPECT_TRUE(absl::ascii_isupper(c) || c == '_') << rule.id;
    }
    EXPECT_FALSE(rule.doc.empty()) << rule.id;
    EXPECT_EQ(rule.doc.find('\n'), absl::string_view::npos) << rule.id;
    EXPECT_EQ(FindRule(rule.id), &rule);
  }
}

TEST(RulesTest, CoversBufWireCategory) {
  for (absl::string_view id : {
           "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
           "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
           "FIELD_SAME_DEFAULT",
           "FIELD_SAME_ONEOF",
           "FIELD_WIRE_COMPATIBLE_CARDINALITY",
           "FIELD_WIRE_COMPATIBLE_TYPE",
           "FILE_SAME_PACKAGE",
           "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT",
           "MESSAGE_SAME_REQUIRED_FIELDS",
           "RESERVED_ENUM_NO_DELETE",
           "RESERVED_MESSAGE_NO_DELETE",
           "RPC_SAME_CLIENT_STREAMING",
           "RPC_SAME_IDEMPOTENCY_LEVEL",
           "RPC_SAME_REQUEST_TYPE",
           "RPC_SAME_RESPONSE_TYPE",
           "RPC_SAME_SERVER_STREAMING",
       }) {
    const Rule* rule = FindRule(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_EQ(rule->severity, Severity::kError) << id;
  }
}

TEST(RulesTest, ProjectRulesAndSeverities) {
  ASSERT_NE(FindRule(rule_id::kFieldSameName), nullptr);
  EXPECT_EQ(FindRule(rule_id::kFieldSameName)->severity, Severity::kWarning);
  for (absl::string_view id :
       {rule_id::kReservedNumberReused, rule_id::kReservedNameReused, rule_id::kEnumValueSameName,
        rule_id::kSinceAnnotationMissing, rule_id::kSinceAnnotationChanged,
        rule_id::kNewValueSinceNotNewer}) {
    ASSERT_NE(FindRule(id), nullptr) << id;
    EXPECT_EQ(FindRule(id)->severity, Severity::kError) << id;
  }
  EXPECT_EQ(AllRules().size(), 23u);
}

TEST(RulesTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(FindRule(""), nullptr);
  EXPECT_EQ(FindRule("FIELD_SAME_TYPE"), nullptr);
  EXPECT_EQ(FindRule("field_same_name"), nullptr);
  EXPECT_EQ(FindRule("ZZZ"), nullptr);
}

TEST(RulesTest, SeverityNames) {
  EXPECT_EQ(SeverityName(Severity::kError), "error");
  EXPECT_EQ(SeverityName(Severity::kWarning), "warning");
}

}  // namespace
}  // namespace raftlog::wire::compat
