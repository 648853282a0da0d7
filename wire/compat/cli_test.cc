// The CLI over descriptor sets that Bazel wrote (see BUILD: data).
#include "wire/compat/cli.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace raftlog::wire::compat {
namespace {

std::string Runfiles() {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/", std::getenv("TEST_WORKSPACE"));
}

std::string Set(const std::string& name) {
  return absl::StrCat(Runfiles(), "/wire/testdata/", name, "_set.binpb");
}

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun RunWith(const std::vector<std::string>& args, const std::string& wd = "") {
  std::ostringstream out, err;
  const int code = RunCli(args, wd, out, err);
  return CliRun{code, out.str(), err.str()};
}

TEST(CliTest, CompatiblePairExitsZero) {
  const CliRun run = RunWith({Set("field_wire_compatible_type_v1"),
                           Set("field_wire_compatible_type_v2_ok")});
  EXPECT_EQ(run.code, kExitCompatible) << run.out << run.err;
  EXPECT_EQ(run.out, "compatible: 0 errors, 0 warnings, 0 excepted\n");
}

TEST(CliTest, IncompatiblePairExitsOneWithOneLinePerFinding) {
  const CliRun run =
      RunWith({Set("field_wire_compatible_type_v1"), Set("field_wire_compatible_type_v2")});
  EXPECT_EQ(run.code, kExitIncompatible);
  EXPECT_TRUE(absl::StartsWith(
      run.out,
      "error FIELD_WIRE_COMPATIBLE_TYPE wire/testdata/field_wire_compatible_type/v2/schema.proto "
      "Entry term=1: type changed from int32 to string"))
      << run.out;
  EXPECT_TRUE(absl::EndsWith(run.out, "INCOMPATIBLE: 1 error, 0 warnings, 0 excepted\n"));
}

TEST(CliTest, WarningsAloneExitZero) {
  const CliRun run = RunWith({Set("field_same_name_v1"), Set("field_same_name_v2")});
  EXPECT_EQ(run.code, kExitCompatible);
  EXPECT_TRUE(absl::StartsWith(run.out, "warning FIELD_SAME_NAME ")) << run.out;
}

TEST(CliTest, JsonFormat) {
  for (const std::vector<std::string>& flag :
       std::vector<std::vector<std::string>>{{"--format=json"}, {"--format", "json"}}) {
    std::vector<std::string> args = {Set("field_wire_compatible_type_v1"),
                                     Set("field_wire_compatible_type_v2")};
    args.insert(args.end(), flag.begin(), flag.end());
    const CliRun run = RunWith(args);
    EXPECT_EQ(run.code, kExitIncompatible);
    EXPECT_TRUE(absl::StartsWith(run.out, "{\"old\": ")) << run.out;
    EXPECT_NE(run.out.find("\"compatible\": false"), std::string::npos);
    EXPECT_NE(run.out.find("\"rule\": \"FIELD_WIRE_COMPATIBLE_TYPE\""), std::string::npos);
  }
}

TEST(CliTest, ExceptAcceptsCommaListsRepeatsAndFollowingIds) {
  const std::string old_set = Set("field_wire_compatible_type_v1");
  const std::string new_set = Set("field_wire_compatible_type_v2");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {old_set, new_set, "--except=FIELD_WIRE_COMPATIBLE_TYPE"},
           {old_set, new_set, "--except", "FIELD_SAME_NAME,FIELD_WIRE_COMPATIBLE_TYPE"},
           {old_set, new_set, "--except", "FIELD_SAME_NAME", "--except", "FIELD_WIRE_COMPATIBLE_TYPE"},
           {"--except", "FIELD_SAME_NAME", "FIELD_WIRE_COMPATIBLE_TYPE", old_set, new_set},
       }) {
    const CliRun run = RunWith(args);
    EXPECT_EQ(run.code, kExitCompatible) << run.out << run.err;
    EXPECT_EQ(run.out, "compatible: 0 errors, 0 warnings, 1 excepted\n");
  }
}

TEST(CliTest, UnknownRuleInExceptIsAUsageError) {
  const CliRun run = RunWith({Set("field_wire_compatible_type_v1"),
                           Set("field_wire_compatible_type_v2"), "--except=FIELD_SAME_TYPO"});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_NE(run.err.find("FIELD_SAME_TYPO"), std::string::npos);
  EXPECT_TRUE(run.out.empty());
}

TEST(CliTest, UnreadableInputExitsTwo) {
  CliRun run = RunWith({"/nonexistent.binpb", Set("field_wire_compatible_type_v1")});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_NE(run.err.find("OLD unreadable"), std::string::npos) << run.err;

  const std::string garbage = absl::StrCat(std::getenv("TEST_TMPDIR"), "/garbage.binpb");
  std::FILE* f = std::fopen(garbage.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("\xff\xff\xff\xff not a descriptor set", f);
  std::fclose(f);
  run = RunWith({Set("field_wire_compatible_type_v1"), garbage});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_NE(run.err.find("NEW unreadable"), std::string::npos) << run.err;
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunWith({}).code, kExitBadInput);
  EXPECT_EQ(RunWith({"a"}).code, kExitBadInput);
  EXPECT_EQ(RunWith({"a", "b", "c"}).code, kExitBadInput);
  EXPECT_EQ(RunWith({"a", "b", "--format=xml"}).code, kExitBadInput);
  EXPECT_EQ(RunWith({"a", "b", "--bogus"}).code, kExitBadInput);
  EXPECT_EQ(RunWith({"a", "b", "--except"}).code, kExitBadInput);
}

TEST(CliTest, RelativePathsResolveAgainstTheWorkingDirectory) {
  const CliRun run = RunWith({"wire/testdata/field_same_name_v1_set.binpb",
                           "wire/testdata/field_same_name_v2_ok_set.binpb"},
                          Runfiles());
  EXPECT_EQ(run.code, kExitCompatible) << run.err;
  // Without it, the same relative paths name nothing under a bogus directory.
  EXPECT_EQ(RunWith({"wire/testdata/field_same_name_v1_set.binpb",
                     "wire/testdata/field_same_name_v2_ok_set.binpb"},
                    "/nonexistent")
                .code,
            kExitBadInput);
}

// proto_library's own output: a non-transitive set (no wire/options.proto).
TEST(CliTest, ReadsTheNonTransitiveSetOfAProtoLibrary) {
  const std::string direct = absl::StrCat(
      Runfiles(), "/wire/testdata/field_wire_compatible_type_v1_proto-descriptor-set.proto.bin");
  CliRun run = RunWith({direct, Set("field_wire_compatible_type_v2_ok")});
  EXPECT_EQ(run.code, kExitCompatible) << run.out << run.err;
  run = RunWith({direct, Set("field_wire_compatible_type_v2")});
  EXPECT_EQ(run.code, kExitIncompatible) << run.out << run.err;
}

// The set of //wire:options_proto alone holds nothing to compare.
TEST(CliTest, ASetWithoutSchemaFilesIsBadInput) {
  const std::string options_set =
      absl::StrCat(Runfiles(), "/wire/options_proto-descriptor-set.proto.bin");
  const CliRun run = RunWith({options_set, options_set});
  EXPECT_EQ(run.code, kExitBadInput) << run.out;
  EXPECT_NE(run.err.find("no schema file"), std::string::npos) << run.err;
}

TEST(CliTest, ListRules) {
  const CliRun run = RunWith({"--list_rules"});
  EXPECT_EQ(run.code, kExitCompatible);
  EXPECT_NE(run.out.find("SINCE_ANNOTATION_MISSING error: "), std::string::npos);
}

}  // namespace
}  // namespace raftlog::wire::compat
