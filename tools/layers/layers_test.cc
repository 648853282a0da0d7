// The layer rules over the real tree, the violating fixtures, and the parser
// on the constructs the repository's BUILD files use. Arguments (from BUILD):
// --rules=tools/layers/rules.txt and every BUILD file.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/layers/layers.h"

namespace raftlog::layers {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::string g_rules_path;
std::vector<std::string> g_build_paths;

RuleTable LoadRules() {
  absl::StatusOr<std::string> text = ReadTextFile(g_rules_path);
  EXPECT_TRUE(text.ok()) << text.status();
  absl::StatusOr<RuleTable> rules = RuleTable::Parse(text.ok() ? *text : "", "rules.txt");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : RuleTable();
}

std::vector<BuildFile> LoadTree() {
  absl::StatusOr<std::vector<BuildFile>> files = ReadBuildFiles(g_build_paths);
  EXPECT_TRUE(files.ok()) << files.status();
  return files.ok() ? *files : std::vector<BuildFile>();
}

BuildFile Fixture(const std::string& name, const std::string& package) {
  const std::string path = "tools/layers/testdata/" + name;
  absl::StatusOr<std::string> text = ReadTextFile(path);
  EXPECT_TRUE(text.ok()) << text.status();
  return BuildFile{package, path, text.ok() ? *text : ""};
}

std::vector<std::string> Edges(const std::vector<Violation>& vs) {
  std::vector<std::string> out;
  for (const Violation& v : vs) out.push_back(v.target + " -> " + v.dep);
  return out;
}

TEST(LayersTest, TheTreeKeepsTheLayerRules) {
  ASSERT_GT(g_build_paths.size(), 30u) << "every BUILD file should be given";
  Report r = Check(LoadTree(), ReadBzlFile, LoadRules());
  std::cout << FormatReport(r);
  EXPECT_TRUE(r.violations.empty()) << FormatReport(r);
  EXPECT_TRUE(r.stale_exceptions.empty()) << FormatReport(r);
  EXPECT_TRUE(r.problems.empty()) << FormatReport(r);
  // The parse found the tree, not an empty shell.
  EXPECT_GT(r.targets, 300u);
  EXPECT_GT(r.edges, 1000u);
}

TEST(LayersTest, AViolatingReleaseIsReportedWithTargetAndLabel) {
  std::vector<BuildFile> files = LoadTree();
  files.push_back(Fixture("release_v9.BUILD", "versions/v9"));
  Report r = Check(files, ReadBzlFile, LoadRules());
  const std::vector<std::string> edges = Edges(r.violations);
  EXPECT_THAT(edges, Contains("//versions/v9:node -> //matrix/runner:driver"));
  EXPECT_THAT(edges, Contains("//versions/v9:node -> //versions/v1:raft"));
  EXPECT_THAT(edges, Contains("//versions/v9:node -> //wire/v1:raft_cc_proto"));
  // Its allowed edges are not reported.
  EXPECT_THAT(edges, Not(Contains("//versions/v9:node -> //versions/api:api")));
  EXPECT_THAT(edges, Not(Contains("//versions/v9:node -> //third_party:absl")));
  EXPECT_EQ(r.violations.size(), 3u) << FormatReport(r);
  for (const Violation& v : r.violations) {
    EXPECT_THAT(v.message, HasSubstr(v.target));
    EXPECT_THAT(v.message, HasSubstr(v.dep));
    EXPECT_THAT(v.message, HasSubstr("release_v9.BUILD:"));
  }
  EXPECT_FALSE(r.ok());
}

TEST(LayersTest, AMatrixTestReachingIntoAReleaseIsReported) {
  std::vector<BuildFile> files = LoadTree();
  files.push_back(Fixture("matrix_fixture.BUILD", "matrix/fixture"));
  Report r = Check(files, ReadBzlFile, LoadRules());
  EXPECT_EQ(Edges(r.violations),
            std::vector<std::string>{"//matrix/fixture:reaches_in_test -> //versions/v3:raft"})
      << FormatReport(r);
}

TEST(LayersTest, UnknownPackagesAndLayerlessLabelsAreProblems) {
  absl::StatusOr<RuleTable> rules = RuleTable::Parse(
      "layer a //a/...\nlayer b //b/...\nallow a -> b\n", "t.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  std::vector<BuildFile> files = {
      {"a", "a/BUILD", "cc_library(name = 'x', deps = ['//b:y', '//c:z'])\n"},
      {"b", "b/BUILD", "cc_library(name = 'y')\n"},
      {"d", "d/BUILD", "cc_library(name = 'w')\n"},
  };
  Report r = Check(files, ReadBzlFile, *rules);
  EXPECT_TRUE(r.violations.empty());
  ASSERT_EQ(r.problems.size(), 2u) << FormatReport(r);
  EXPECT_THAT(r.problems[0], HasSubstr("//c:z, whose package's BUILD file is not checked"));
  EXPECT_THAT(r.problems[1], HasSubstr("//d:w is in no layer"));
}

TEST(LayersTest, StaleExceptionsAreReported) {
  absl::StatusOr<RuleTable> rules = RuleTable::Parse(
      "layer a //a/...\nlayer b //b/...\n"
      "exception //a:* -> //b/... : the reason\n",
      "t.txt");
  ASSERT_TRUE(rules.ok()) << rules.status();
  std::vector<BuildFile> files = {{"a", "a/BUILD", "cc_library(name = 'x')\n"},
                                  {"b", "b/BUILD", "cc_library(name = 'y')\n"}};
  Report r = Check(files, ReadBzlFile, *rules);
  ASSERT_EQ(r.stale_exceptions.size(), 1u);
  EXPECT_THAT(r.stale_exceptions[0], HasSubstr("rules.txt:3"));
  // The same exception, matched, turns a violation into a known one.
  files[0].text = "cc_library(name = 'x', deps = ['//b:y'])\n";
  r = Check(files, ReadBzlFile, *rules);
  EXPECT_TRUE(r.violations.empty());
  ASSERT_EQ(r.known.size(), 1u);
  EXPECT_THAT(r.known[0].message, HasSubstr("the reason"));
  EXPECT_TRUE(r.ok());
}

TEST(LayersTest, RuleTableErrors) {
  EXPECT_FALSE(RuleTable::Parse("allow a -> b\n", "t").ok());  // unknown layers
  EXPECT_FALSE(RuleTable::Parse("layer a //a\nexception //a -> //b\n", "t").ok());  // no why
  EXPECT_FALSE(RuleTable::Parse("layer a //a\nexception //a -> //b : \n", "t").ok());
  EXPECT_FALSE(RuleTable::Parse("layer a //a\nlayer a //b\n", "t").ok());
  EXPECT_FALSE(RuleTable::Parse("frobnicate\n", "t").ok());
}

TEST(LayersTest, SameTagRules) {
  absl::StatusOr<RuleTable> rules = RuleTable::Parse(
      "layer rel //versions/{tag}/...\nlayer schema //wire/{tag}/...\n"
      "allow rel -> same:schema\n",
      "t");
  ASSERT_TRUE(rules.ok());
  std::string t1, t2;
  EXPECT_EQ(rules->LayerOf("//versions/v3:raft", &t1), "rel");
  EXPECT_EQ(t1, "v3");
  EXPECT_EQ(rules->LayerOf("//wire/v2:raft_cc_proto", &t2), "schema");
  EXPECT_FALSE(rules->Allowed("rel", "v3", false, "schema", "v2"));
  EXPECT_TRUE(rules->Allowed("rel", "v3", false, "schema", "v3"));
  // {tag} matches release tags only.
  EXPECT_EQ(rules->LayerOf("//wire/compat:checker", &t2), "");
}

TEST(LayersTest, Patterns) {
  EXPECT_TRUE(MatchPattern("//matrix/...", "//matrix:cells"));
  EXPECT_TRUE(MatchPattern("//matrix/...", "//matrix/runner:driver"));
  EXPECT_FALSE(MatchPattern("//matrix/...", "//matrixx:a"));
  EXPECT_TRUE(MatchPattern("//versions/canaries:*", "//versions/canaries:detect"));
  EXPECT_FALSE(MatchPattern("//versions/canaries:*", "//versions/canaries/x:detect"));
  EXPECT_TRUE(MatchPattern("//:*", "//:README.md"));
  EXPECT_TRUE(MatchPattern("@*//...", "@com_google_protobuf//:descriptor_proto"));
  EXPECT_FALSE(MatchPattern("@*//...", "//third_party:protobuf"));
  EXPECT_TRUE(MatchPattern("//versions:policy*", "//versions:policy.txt"));
}

TEST(LayersTest, Labels) {
  EXPECT_EQ(*NormalizeLabel(":x", "a/b"), "//a/b:x");
  EXPECT_EQ(*NormalizeLabel("//versions/api", "z"), "//versions/api:api");
  EXPECT_EQ(*NormalizeLabel("//:README.md", "z"), "//:README.md");
  EXPECT_EQ(*NormalizeLabel("@com_google_protobuf//:protobuf", "z"),
            "@com_google_protobuf//:protobuf");
  EXPECT_FALSE(NormalizeLabel(":", "z").ok());
  EXPECT_EQ(PackageOf("//a/b:c"), "a/b");
}

// The constructs of the repository's BUILD files: loads of project macros,
// list variables, comprehensions, default_testonly, select-free expressions.
TEST(LayersTest, ParserConstructs) {
  const std::string build = R"(
load("@rules_cc//cc:defs.bzl", "cc_library", "cc_test")
load("//m:macro.bzl", "my_macro")
package(default_visibility = ["//visibility:public"])
LIST = [
    ":a",
    "//other:b",
]
cc_library(
    name = "lib",
    srcs = ["lib.cc"],
    deps = LIST + ["//third:c"],
    linkopts = ["-lfoo"],
)
[cc_test(
    name = n + "_test",
    srcs = [n + "_test.cc"],
    deps = [":" + n, "//third:gtest"],
) for n in ["x", "y"]]
my_macro(
    name = "m",
    base = "v2",
    runner = "//r:runner",
    cmd = """
echo '$(location :z)' "quoted"
""",
)
)";
  const std::string macro = R"(
"""Doc with //not/a:label inside a docstring."""
load("//other:defs.bzl", "x")
def my_macro(name, base, runner, cmd):
    native.genrule(srcs = ["//versions/%s:release_files" % base, "//fixed:dep"])
)";
  BzlReader bzl = [&](const std::string& label) -> absl::StatusOr<std::string> {
    if (label == "//m:macro.bzl") return macro;
    return absl::NotFoundError(label);
  };
  absl::StatusOr<std::vector<Target>> ts =
      ParseBuildFile({"p", "p/BUILD", build}, bzl, {"p", "versions/v2", "fixed", "r"});
  ASSERT_TRUE(ts.ok()) << ts.status();
  ASSERT_EQ(ts->size(), 3u);
  EXPECT_EQ((*ts)[0].label, "//p:lib");
  EXPECT_FALSE((*ts)[0].test);
  EXPECT_EQ((*ts)[0].deps,
            (std::vector<std::string>{"//other:b", "//p:a", "//third:c"}));
  EXPECT_TRUE((*ts)[1].test);
  EXPECT_EQ((*ts)[1].deps, std::vector<std::string>{"//third:gtest"});
  EXPECT_EQ((*ts)[2].label, "//p:m");
  EXPECT_EQ((*ts)[2].rule, "my_macro");
  // The docstring's text is a string too: only labels of known packages
  // survive a "%s" substitution, and plain ones are kept as written.
  EXPECT_THAT((*ts)[2].deps, Contains("//versions/v2:release_files"));
  EXPECT_THAT((*ts)[2].deps, Contains("//fixed:dep"));
  EXPECT_THAT((*ts)[2].deps, Contains("//r:runner"));
  EXPECT_THAT((*ts)[2].deps, Not(Contains("//other:defs.bzl")));

  absl::StatusOr<std::vector<Target>> testonly = ParseBuildFile(
      {"q", "q/BUILD", "package(default_testonly = True)\ncc_library(name = 'x')\n"}, bzl, {});
  ASSERT_TRUE(testonly.ok());
  EXPECT_TRUE((*testonly)[0].test);

  EXPECT_FALSE(ParseBuildFile({"q", "q/BUILD", "cc_library(name = 'x'"}, bzl, {}).ok());
  EXPECT_FALSE(ParseBuildFile({"q", "q/BUILD", "x = 'unterminated\n"}, bzl, {}).ok());
}

}  // namespace
}  // namespace raftlog::layers

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (absl::StartsWith(a, "--rules=")) {
      raftlog::layers::g_rules_path = a.substr(8);
    } else {
      raftlog::layers::g_build_paths.push_back(a);
    }
  }
  return RUN_ALL_TESTS();
}
