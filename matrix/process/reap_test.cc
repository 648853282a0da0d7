// No node process outlives the harness that started it (process_cluster.h,
// "Safety contract"): when the cluster object is destroyed (a failed test
// unwinding), when the harness is SIGKILLed (a Bazel timeout's last resort:
// PR_SET_PDEATHSIG), and when it is SIGTERMed or interrupted (its handlers).
// This test process makes itself a child subreaper, so that the nodes of a
// harness it killed are re-parented to it and their death can be observed
// with waitpid, not guessed.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/process/process_cluster.h"

namespace raftlog::process {
namespace {

std::string g_v3_binary;

std::string TempDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return absl::StrCat(tmp ? tmp : "/tmp", "/reap_test_", name, "_", ::getpid());
}

ProcessClusterOptions Options(const std::string& name) {
  ProcessClusterOptions o;
  o.base_dir = TempDir(name);
  o.binaries["v3"] = g_v3_binary;
  o.ids = {1};
  return o;
}

bool Alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// waitpid for `pid`, polling for at most `timeout_ms`.
bool ReapedWithin(pid_t pid, int timeout_ms, int* status) {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (::waitpid(pid, status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(ReapTest, DestroyingTheClusterKillsAndReapsItsNodes) {
  auto cluster = ProcessCluster::Create(Options("destroy"));
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ASSERT_TRUE((*cluster)->Start(1, "v3").ok());
  ASSERT_TRUE((*cluster)
                  ->WaitFor("the node to answer",
                            [](const auto& states) { return states.size() == 1; }, 5000)
                  .ok());
  const pid_t node = (*cluster)->pid(1);
  ASSERT_GT(node, 0);
  EXPECT_TRUE(Alive(node));
  cluster->reset();
  EXPECT_FALSE(Alive(node)) << "node " << node << " outlived its cluster";
}

// Forks a harness that starts one node, reports the node's pid through a
// pipe and waits (bounded) to be signalled. Returns {harness, node}.
std::pair<pid_t, pid_t> ForkHarness(const std::string& name) {
  int fds[2];
  if (::pipe(fds) != 0) return {0, 0};
  pid_t harness = ::fork();
  if (harness == 0) {
    ::close(fds[0]);
    auto cluster = ProcessCluster::Create(Options(name));
    pid_t node = 0;
    if (cluster.ok() && (*cluster)->Start(1, "v3").ok()) node = (*cluster)->pid(1);
    (void)!::write(fds[1], &node, sizeof(node));
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::seconds(30));  // the test signals long before
    ::_exit(0);
  }
  ::close(fds[1]);
  pid_t node = 0;
  if (::read(fds[0], &node, sizeof(node)) != sizeof(node)) node = 0;
  ::close(fds[0]);
  return {harness, node};
}

void ExpectNodeDiesWithHarness(int signal_to_harness, const std::string& name) {
  auto [harness, node] = ForkHarness(name);
  ASSERT_GT(harness, 0);
  ASSERT_GT(node, 0) << "the harness could not start a node";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(Alive(node));
  ASSERT_EQ(::kill(harness, signal_to_harness), 0);
  int status = 0;
  ASSERT_TRUE(ReapedWithin(harness, 5000, &status));
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), signal_to_harness);
  // The node is now our child (we are its subreaper): it must die, of SIGKILL.
  ASSERT_TRUE(ReapedWithin(node, 5000, &status)) << "node " << node << " is an orphan";
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(ReapTest, KilledHarnessLeavesNoOrphan) { ExpectNodeDiesWithHarness(SIGKILL, "kill"); }

TEST(ReapTest, TerminatedHarnessKillsItsNodes) { ExpectNodeDiesWithHarness(SIGTERM, "term"); }

TEST(ReapTest, InterruptedHarnessKillsItsNodes) { ExpectNodeDiesWithHarness(SIGINT, "int"); }

}  // namespace
}  // namespace raftlog::process

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--v3=", 0) == 0) raftlog::process::g_v3_binary = arg.substr(5);
  }
  if (raftlog::process::g_v3_binary.empty()) {
    std::cerr << "need --v3=BINARY\n";
    return 2;
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  return RUN_ALL_TESTS();
}
