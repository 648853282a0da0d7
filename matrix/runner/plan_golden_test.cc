// Golden plans: the plan of fixed (scenario, tags, seed, mode) cases compared
// with the checked-in text under matrix/runner/testdata/. A change to a
// scenario or to the seeded draws shows up as a readable diff.
//
// Rewrite the files after an intended change:
//   bazel run //matrix/runner:plan_golden_test -- --update
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/runner/scenario.h"

namespace raftlog::runner {
namespace {

bool g_update = false;

struct Case {
  std::string scenario, from, to;
  uint64_t seed;
  Mode mode;
  std::string File() const {
    return absl::StrCat(scenario, "__", from, "_", to, "__seed", seed, "__", ModeName(mode), ".plan");
  }
};

std::vector<Case> Cases() {
  std::vector<Case> out;
  for (const Scenario& s : AllScenarios()) out.push_back({s.name, "v1", "v2", 1, Mode::kFast});
  out.push_back({"rolling_upgrade", "v1", "v2", 2, Mode::kFull});
  out.push_back({"topologies_5", "v1", "v1", 3, Mode::kFast});
  out.push_back({"multi_hop", "v1", "v3", 1, Mode::kFast});
  // Where v3's features are required after finalize (v1 -> v2 expects refusals).
  out.push_back({"joint_mixed", "v2", "v3", 1, Mode::kFast});
  out.push_back({"learners_mixed", "v2", "v3", 1, Mode::kFast});
  return out;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PlanGolden, PlansMatchTheCheckedInFiles) {
  const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  const std::string dir = g_update && ws ? absl::StrCat(ws, "/matrix/runner/testdata")
                                         : "matrix/runner/testdata";
  if (g_update) ASSERT_NE(ws, nullptr) << "--update needs bazel run (BUILD_WORKSPACE_DIRECTORY)";
  for (const Case& c : Cases()) {
    auto plan = Compile(c.scenario, c.from, c.to, c.seed, c.mode);
    ASSERT_TRUE(plan.ok()) << plan.status();
    const std::string text = plan->ToString();
    const std::string path = absl::StrCat(dir, "/", c.File());
    if (g_update) {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << text;
      ASSERT_TRUE(out.good()) << "cannot write " << path;
      continue;
    }
    const std::string want = Read(path);
    ASSERT_FALSE(want.empty()) << "missing golden file " << path
                               << "; run: bazel run //matrix/runner:plan_golden_test -- --update";
    EXPECT_EQ(text, want) << "plan of " << c.File() << " changed; if intended, run: "
                          << "bazel run //matrix/runner:plan_golden_test -- --update";
  }
}

}  // namespace
}  // namespace raftlog::runner

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--update") raftlog::runner::g_update = true;
  }
  return RUN_ALL_TESTS();
}
