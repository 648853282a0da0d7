// For every rule of the checker's table: the breaking pair of
// wire/testdata/<rule_id_lowercase>/ reports exactly that rule ID, and the
// allowed pair reports nothing at all. The descriptor sets come from
// proto_library + wire_descriptor_set (cases.bzl), as real tags do.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/compat/checker.h"
#include "wire/compat/rules.h"
#include "wire/compat/schema.h"
#include "wire/compat/test_schemas.h"

namespace raftlog::wire::compat {
namespace {

std::vector<std::string>* g_cases = nullptr;  // from --cases (cases.bzl)

}  // namespace

// Test names and failure messages show the rule ID, not the struct's bytes.
void PrintTo(const Rule& rule, std::ostream* os) { *os << rule.id; }

namespace {

using ::raftlog::wire::compat::testing::Describe;
using ::raftlog::wire::compat::testing::RuleIds;

std::string SetPath(const std::string& rule, absl::string_view variant) {
  const std::string relative = absl::StrCat("wire/testdata/", rule, "_", variant, "_set.binpb");
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir != nullptr && workspace != nullptr) {
    return absl::StrCat(srcdir, "/", workspace, "/", relative);
  }
  return relative;
}

std::unique_ptr<Schema> Load(const std::string& rule, absl::string_view variant) {
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromFile(SetPath(rule, variant));
  EXPECT_TRUE(schema.ok()) << schema.status();
  return schema.ok() ? *std::move(schema) : nullptr;
}


class RuleCaseTest : public ::testing::TestWithParam<Rule> {
 protected:
  std::string dir() const { return absl::AsciiStrToLower(GetParam().id); }
};

TEST_P(RuleCaseTest, BreakingPairReportsTheRule) {
  const Rule& rule = GetParam();
  std::unique_ptr<Schema> v1 = Load(dir(), "v1");
  std::unique_ptr<Schema> v2 = Load(dir(), "v2");
  ASSERT_NE(v1, nullptr);
  ASSERT_NE(v2, nullptr);
  const CheckResult result = CheckCompatibility(*v1, *v2);
  EXPECT_THAT(RuleIds(result), ::testing::Contains(std::string(rule.id))) << Describe(result);
  // An error rule makes the pair incompatible; a warning alone does not.
  if (rule.severity == Severity::kError) {
    EXPECT_FALSE(result.compatible()) << Describe(result);
  } else {
    EXPECT_EQ(result.errors, 0) << Describe(result);
    EXPECT_GE(result.warnings, 1);
  }
}

TEST_P(RuleCaseTest, ExceptingTheRuleDropsItsFindings) {
  const Rule& rule = GetParam();
  std::unique_ptr<Schema> v1 = Load(dir(), "v1");
  std::unique_ptr<Schema> v2 = Load(dir(), "v2");
  ASSERT_NE(v1, nullptr);
  ASSERT_NE(v2, nullptr);
  CheckOptions options;
  options.except.insert(std::string(rule.id));
  const CheckResult result = CheckCompatibility(*v1, *v2, options);
  EXPECT_THAT(RuleIds(result), ::testing::Not(::testing::Contains(std::string(rule.id))));
  EXPECT_GE(result.excepted, 1);
}

TEST_P(RuleCaseTest, AllowedPairReportsNothing) {
  std::unique_ptr<Schema> v1 = Load(dir(), "v1");
  std::unique_ptr<Schema> ok = Load(dir(), "v2_ok");
  ASSERT_NE(v1, nullptr);
  ASSERT_NE(ok, nullptr);
  const CheckResult result = CheckCompatibility(*v1, *ok);
  EXPECT_THAT(RuleIds(result), ::testing::Not(::testing::Contains(std::string(GetParam().id))));
  EXPECT_TRUE(result.findings.empty()) << Describe(result);
}

TEST_P(RuleCaseTest, EveryVersionIsCompatibleWithItself) {
  for (absl::string_view variant : {"v1", "v2", "v2_ok"}) {
    std::unique_ptr<Schema> a = Load(dir(), variant);
    std::unique_ptr<Schema> b = Load(dir(), variant);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    const CheckResult result = CheckCompatibility(*a, *b);
    // v2 of SINCE_ANNOTATION_MISSING lacks annotations by design.
    if (GetParam().id == rule_id::kSinceAnnotationMissing && variant == "v2") {
      EXPECT_THAT(RuleIds(result),
                  ::testing::Each(std::string(rule_id::kSinceAnnotationMissing)));
      continue;
    }
    EXPECT_TRUE(result.findings.empty()) << variant << "\n" << Describe(result);
  }
}

INSTANTIATE_TEST_SUITE_P(AllRules, RuleCaseTest, ::testing::ValuesIn(AllRules()),
                         [](const ::testing::TestParamInfo<Rule>& info) {
                           return std::string(info.param.id);
                         });

TEST(RuleCasesTest, EveryRuleHasACaseAndEveryCaseARule) {
  ASSERT_NE(g_cases, nullptr) << "run with --cases=<comma list> (see BUILD)";
  std::vector<std::string> from_table;
  for (const Rule& rule : AllRules()) from_table.push_back(absl::AsciiStrToLower(rule.id));
  std::vector<std::string> cases = *g_cases;
  std::sort(cases.begin(), cases.end());
  std::sort(from_table.begin(), from_table.end());
  EXPECT_EQ(cases, from_table) << "cases.bzl RULE_CASES and rules.cc disagree";
}

}  // namespace
}  // namespace raftlog::wire::compat

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::vector<std::string> cases;
  bool have_cases = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--cases=")) {
      cases = absl::StrSplit(arg, ',', absl::SkipEmpty());
      have_cases = true;
    }
  }
  if (have_cases) raftlog::wire::compat::g_cases = new std::vector<std::string>(cases);
  return RUN_ALL_TESTS();
}
