// Every release's node binary keeps the node protocol (PROTOCOL.md), and the
// conformance check is not vacuous: a binary that speaks nothing fails it.
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/process/conformance.h"

namespace raftlog::process {
namespace {

std::string g_binaries[3];

std::string TempDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return absl::StrCat(tmp ? tmp : "/tmp", "/conformance_", name);
}

void ExpectConforms(const std::string& tag, const std::string& binary) {
  auto checks = RunConformance({binary, TempDir(tag)});
  EXPECT_GE(checks.size(), 21u);
  for (const auto& c : checks) EXPECT_TRUE(c.passed) << tag << ": " << c.name << ": " << c.detail;
}

TEST(ConformanceTest, V1) { ExpectConforms("v1", g_binaries[0]); }
TEST(ConformanceTest, V2) { ExpectConforms("v2", g_binaries[1]); }
TEST(ConformanceTest, V3) { ExpectConforms("v3", g_binaries[2]); }

TEST(ConformanceTest, ABinaryThatSpeaksNothingFails) {
  auto checks = RunConformance({"/bin/false", TempDir("false")});
  ASSERT_FALSE(checks.empty());
  EXPECT_FALSE(checks[0].passed);  // exits 1, not the usage code 2
  bool start_failed = false;
  for (const auto& c : checks) {
    if (c.name == "start") start_failed = !c.passed;
  }
  EXPECT_TRUE(start_failed);
  EXPECT_NE(FormatConformance(checks).find("MISSING  start"), std::string::npos);
}

}  // namespace
}  // namespace raftlog::process

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    for (int t = 0; t < 3; ++t) {
      std::string flag = absl::StrCat("--v", t + 1, "=");
      if (arg.rfind(flag, 0) == 0) raftlog::process::g_binaries[t] = arg.substr(flag.size());
    }
  }
  return RUN_ALL_TESTS();
}
