// Compaction under crashes, for every registered release (the registry is the
// parameter): crashes after a snapshot file's write and before its sync and
// rename, after the snapshot is published and before the log is truncated,
// during a snapshot install on a lagging follower, and at any write, each at
// seeded points (fault_run.h), at cluster version 1 and, for a release that
// speaks a higher protocol, finalized to it (its newest snapshot format and
// install path). Every run checks that no acknowledged write is
// lost and that every replica, and each one replaying its snapshot and log
// alone, ends with the kv_digest of a fault-free reference fed the same
// committed commands.
#include <cstdlib>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/compaction/fault_run.h"
#include "matrix/compaction/reference.h"
#include "versions/registry.h"

namespace raftlog::compaction {
namespace {

using ::testing::HasSubstr;

constexpr int kOperations = 80;
constexpr int kCrashesPerRun = 3;
constexpr uint64_t kSeeds = 6;

// Defects this suite found in releases: the signature of the failure each
// causes, and a run that reproduces it. A case whose only failures match its
// release's entries passes (it says so); each entry's reproduction must still
// fail with its signature, so a fix turns KnownDefectsStillReproduce red until
// the entry is removed (protobuf conformance's failure list, where an
// unexpected pass also fails). Frozen releases keep their entries for good.
struct KnownDefect {
  const char* tag;
  const char* signature;  // a substring of the run's failure
  const char* summary;
  CrashKind kind;         // reproduction: RunCampaign with this kind and seed
  uint64_t seed;
};
constexpr char kHardStateBehindLog[] =
    "a follower that learns a higher term from the message it is handling "
    "(InstallSnapshot here) makes the snapshot (or entries) of that term durable "
    "before its hard state, which it flushes only at the end of the input; a crash in "
    "between leaves hardstate.term below the last log term, which its own recovery "
    "refuses as DataLoss, so the node never restarts";
const KnownDefect kKnownDefects[] = {
    {"v1", "is below the last log term", kHardStateBehindLog, CrashKind::kSnapshotPublish, 1},
};

// The failures of `r` that no known defect of `tag` explains.
std::vector<std::string> Unexplained(const std::string& tag, const RunResult& r) {
  std::vector<std::string> out;
  for (const std::string& f : r.failures) {
    bool known = false;
    for (const KnownDefect& d : kKnownDefects) {
      if (tag == d.tag && f.find(d.signature) != std::string::npos) known = true;
    }
    if (!known) out.push_back(f);
  }
  return out;
}

std::vector<std::string> Tags() {
  std::vector<std::string> tags;
  for (const api::ReleaseInfo& r : AllReleases()) tags.push_back(r.tag);
  return tags;
}

const api::ReleaseInfo& Release(const std::string& tag) {
  const api::ReleaseInfo* r = FindRelease(tag);
  if (r == nullptr) std::abort();
  return *r;
}

std::string Repro(const std::string& tag, uint32_t cv, CrashKind kind, uint64_t seed,
                  bool whole) {
  return absl::StrCat("reproduce: bazel test //matrix/compaction:compaction_test "
                      "--test_filter='*",
                      whole ? "PowerLoss" : "Crashes", "/", tag, "_cv", cv, "_",
                      CrashKindName(kind), "_seed", seed,
                      "' --test_env=COMPACTION_REPORT=1 --test_output=all\n");
}

// Checks that every fired crash is of the kind asked for.
void ExpectKind(CrashKind kind, const RunResult& r) {
  for (const FiredCrash& f : r.fired) {
    switch (kind) {
      case CrashKind::kSnapshotWrite:
        EXPECT_TRUE(f.op.snapshot_data) << f.op.Describe();
        EXPECT_TRUE(f.op.op == FsOp::kWrite || f.op.op == FsOp::kAppend) << f.op.Describe();
        break;
      case CrashKind::kSnapshotPublish:
        EXPECT_TRUE(f.op.publishes_snapshot) << f.op.Describe();
        break;
      case CrashKind::kInstall:
        EXPECT_THAT(f.context, HasSubstr("carrying a snapshot")) << f.op.Describe();
        break;
      case CrashKind::kAnyOp:
        EXPECT_TRUE(f.op.mutating()) << f.op.Describe();
        break;
    }
  }
}

// (tag, kind, seed, cluster version): every registered release at cluster
// version 1 and, when it speaks a higher protocol, finalized to its highest
// (where it writes and installs its newest snapshot format).
using Param = std::tuple<std::string, CrashKind, uint64_t, uint32_t>;

std::vector<Param> Params(std::vector<CrashKind> kinds) {
  std::vector<Param> out;
  for (const api::ReleaseInfo& r : AllReleases()) {
    std::vector<uint32_t> versions = {1};
    if (r.max_protocol > 1) versions.push_back(r.max_protocol);
    for (uint32_t cv : versions) {
      for (CrashKind kind : kinds) {
        for (uint64_t seed = 1; seed <= kSeeds; ++seed) out.emplace_back(r.tag, kind, seed, cv);
      }
    }
  }
  return out;
}

std::string ParamName(const ::testing::TestParamInfo<Param>& info) {
  return absl::StrCat(std::get<0>(info.param), "_cv", std::get<3>(info.param), "_",
                      CrashKindName(std::get<1>(info.param)), "_seed", std::get<2>(info.param));
}

class CompactionCrashTest : public ::testing::TestWithParam<Param> {};

// The campaign's options for one parameter tuple.
RunOptions OptionsFor(const Param& p, bool whole_cluster) {
  RunOptions o;
  o.seed = std::get<2>(p);
  o.kind = std::get<1>(p);
  o.operations = kOperations;
  o.raise_cluster_version = std::get<3>(p) > 1;
  o.whole_cluster = whole_cluster;
  return o;
}

TEST_P(CompactionCrashTest, Crashes) {
  const auto& [tag, kind, seed, cv] = GetParam();
  const RunResult r = RunCampaign(Release(tag), OptionsFor(GetParam(), false), kCrashesPerRun);
  // --test_env=COMPACTION_REPORT=1 prints what each run did.
  if (std::getenv("COMPACTION_REPORT") != nullptr) std::cout << Report(r, 1000);
  EXPECT_TRUE(Unexplained(tag, r).empty()) << Report(r) << Repro(tag, cv, kind, seed, false);
  if (!r.failures.empty()) {
    std::cout << "known defect of " << tag << " reproduced (the run stopped there):\n"
              << Report(r, 10);
    return;
  }
  EXPECT_GE(r.fired.size(), 1u) << "no crash of this kind happened\n"
                                << Report(r) << Repro(tag, cv, kind, seed, false);
  ExpectKind(kind, r);
  EXPECT_GT(r.snapshot_publishes, 0u) << "the run never compacted";
  EXPECT_GT(r.install_deliveries, 0u) << "no lagging follower was sent a snapshot";
  EXPECT_EQ(r.final_kv_digest, r.reference_kv_digest);
  EXPECT_EQ(r.cluster_version, cv);
  EXPECT_GT(r.acked.size(), static_cast<size_t>(kOperations));  // the run + the final reads
}

class PowerLossTest : public ::testing::TestWithParam<Param> {};

// Every node at once (power loss) during a snapshot save or right after it.
TEST_P(PowerLossTest, PowerLoss) {
  const auto& [tag, kind, seed, cv] = GetParam();
  const RunResult r = RunCampaign(Release(tag), OptionsFor(GetParam(), true), 2);
  EXPECT_TRUE(Unexplained(tag, r).empty()) << Report(r) << Repro(tag, cv, kind, seed, true);
  if (!r.failures.empty()) {
    std::cout << "known defect of " << tag << " reproduced:\n" << Report(r, 10);
    return;
  }
  EXPECT_GE(r.fired.size(), 1u) << Report(r);
  ExpectKind(kind, r);
}

INSTANTIATE_TEST_SUITE_P(AllReleases, CompactionCrashTest,
                         ::testing::ValuesIn(Params({CrashKind::kSnapshotWrite,
                                                     CrashKind::kSnapshotPublish,
                                                     CrashKind::kInstall, CrashKind::kAnyOp})),
                         ParamName);
INSTANTIATE_TEST_SUITE_P(AllReleases, PowerLossTest,
                         ::testing::ValuesIn(Params({CrashKind::kSnapshotWrite,
                                                     CrashKind::kSnapshotPublish})),
                         ParamName);

class KnownDefectTest : public ::testing::TestWithParam<KnownDefect> {};

TEST_P(KnownDefectTest, KnownDefectsStillReproduce) {
  const KnownDefect& d = GetParam();
  const api::ReleaseInfo* release = FindRelease(d.tag);
  if (release == nullptr) GTEST_SKIP() << d.tag << " is not registered in this build";
  RunOptions o;
  o.seed = d.seed;
  o.kind = d.kind;
  o.operations = kOperations;
  const RunResult r = RunCampaign(*release, o, kCrashesPerRun);
  bool seen = false;
  for (const std::string& f : r.failures) seen |= f.find(d.signature) != std::string::npos;
  EXPECT_TRUE(seen) << d.tag << " no longer shows the known defect \"" << d.signature
                    << "\" (" << d.summary << ") in its reproduction (kind "
                    << CrashKindName(d.kind) << ", seed " << d.seed
                    << "): if it was fixed, remove its entry from kKnownDefects\n"
                    << Report(r);
}

INSTANTIATE_TEST_SUITE_P(Found, KnownDefectTest, ::testing::ValuesIn(kKnownDefects),
                         [](const ::testing::TestParamInfo<KnownDefect>& info) {
                           return absl::StrCat(info.param.tag, "_", info.index);
                         });

class CompactionCanaryTest : public ::testing::TestWithParam<std::string> {};

// The checks can fail: with a disk that acknowledges Sync without syncing,
// one power loss after a compaction loses what was acknowledged, and the run
// says so (already the final replay check of a run without crashes does).
TEST_P(CompactionCanaryTest, LyingDiskIsCaught) {
  RunOptions o;
  o.seed = 1;
  o.kind = CrashKind::kSnapshotPublish;
  o.operations = kOperations;
  o.whole_cluster = true;
  o.lying_sync = true;
  const RunResult base = RunWithCrashes(Release(GetParam()), o);
  EXPECT_FALSE(base.failures.empty()) << "lost data went unnoticed\n" << Report(base);
  ASSERT_FALSE(base.candidates.empty());
  o.crashes = {base.candidates.front().crash};
  const RunResult r = RunWithCrashes(Release(GetParam()), o);
  ASSERT_EQ(r.fired.size(), 1u) << Report(r);
  EXPECT_FALSE(r.failures.empty()) << "a power loss on a lying disk went unnoticed\n"
                                   << Report(r);
  // The same crash on an honest disk passes.
  o.lying_sync = false;
  const RunResult honest = RunWithCrashes(Release(GetParam()), o);
  EXPECT_EQ(honest.fired.size(), 1u);
  EXPECT_TRUE(honest.failures.empty()) << Report(honest);
}

// A run is a function of its options: the same run twice gives the same
// acknowledgements, crash points and final state.
TEST_P(CompactionCanaryTest, RunsAreDeterministic) {
  RunOptions o;
  o.seed = 3;
  o.kind = CrashKind::kAnyOp;
  o.operations = 40;
  const RunResult a = RunCampaign(Release(GetParam()), o, 2);
  const RunResult b = RunCampaign(Release(GetParam()), o, 2);
  ASSERT_TRUE(a.failures.empty()) << Report(a);
  ASSERT_EQ(a.fired.size(), b.fired.size());
  for (size_t i = 0; i < a.fired.size(); ++i) {
    EXPECT_EQ(a.fired[i].op.Describe(), b.fired[i].op.Describe());
  }
  EXPECT_EQ(a.acked.size(), b.acked.size());
  EXPECT_EQ(a.final_kv_digest, b.final_kv_digest);
  EXPECT_EQ(a.events, b.events);
}

// The reference places every command at its index, and a misplaced claim is
// refused rather than silently compared.
TEST_P(CompactionCanaryTest, ReferenceRefusesAClaimItCannotPlace) {
  api::Request put;
  put.client_id = 7;
  put.sequence = 1;
  put.op = api::Op::kPut;
  put.key = "k";
  put.value = "v";
  absl::StatusOr<uint64_t> low = ReferenceDigest(Release(GetParam()), {{1, put}}, 5);
  EXPECT_EQ(low.status().code(), absl::StatusCode::kFailedPrecondition) << low.status();
  absl::StatusOr<uint64_t> a = ReferenceDigest(Release(GetParam()), {{5, put}}, 6);
  absl::StatusOr<uint64_t> b = ReferenceDigest(Release(GetParam()), {{6, put}}, 6);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  // Same command, another index: the session records it, so the digest differs.
  EXPECT_NE(*a, *b);
}

INSTANTIATE_TEST_SUITE_P(AllReleases, CompactionCanaryTest, ::testing::ValuesIn(Tags()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace raftlog::compaction
