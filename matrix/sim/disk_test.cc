#include "matrix/sim/disk.h"

#include <set>

#include <cstring>

#include "gtest/gtest.h"

namespace raftlog::sim {
namespace {

// A tiny checksummed record log, as a release would write: [u32 len][u64 fnv][bytes].
std::string Record(const std::string& payload) {
  uint32_t len = payload.size();
  uint64_t sum = api::Fnv1a64(payload);
  std::string r(reinterpret_cast<const char*>(&len), 4);
  r.append(reinterpret_cast<const char*>(&sum), 8);
  return r + payload;
}

// Records that parse; kDataLoss on a checksum mismatch; a short tail is torn.
absl::StatusOr<std::vector<std::string>> ParseLog(const std::string& data) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos + 12 <= data.size()) {
    uint32_t len;
    uint64_t sum;
    std::memcpy(&len, data.data() + pos, 4);
    std::memcpy(&sum, data.data() + pos + 4, 8);
    if (pos + 12 + len > data.size()) break;  // torn tail
    std::string payload = data.substr(pos + 12, len);
    if (api::Fnv1a64(payload) != sum) return absl::DataLossError("checksum");
    out.push_back(payload);
    pos += 12 + len;
  }
  return out;
}

TEST(SimDisk, UnsyncedWritesAreLostOnCrash) {
  SimDisk d(1, {});
  ASSERT_TRUE(d.Append("log", Record("a")).ok());
  ASSERT_TRUE(d.Sync("log").ok());
  ASSERT_TRUE(d.Append("log", Record("b")).ok());
  ASSERT_TRUE(d.Write("meta", "never synced").ok());
  d.Crash(/*tear=*/false);
  auto log = ParseLog(*d.Read("log"));
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, std::vector<std::string>{"a"});
  EXPECT_TRUE(absl::IsNotFound(d.Read("meta").status()));
  EXPECT_EQ(d.stats().crashes, 1u);
}

TEST(SimDisk, TornLastWriteLeavesAPrefixThatRecoveryTruncates) {
  int torn = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    SimDisk d(seed, {});
    ASSERT_TRUE(d.Append("log", Record("first")).ok());
    ASSERT_TRUE(d.Sync("log").ok());
    std::string second = Record("second-record-payload");
    ASSERT_TRUE(d.Append("log", second).ok());
    d.Crash(/*tear=*/true);
    std::string data = *d.Read("log");
    size_t base = Record("first").size();
    ASSERT_GE(data.size(), base);
    ASSERT_LE(data.size(), base + second.size());
    EXPECT_EQ(data, (Record("first") + second).substr(0, data.size()));  // a prefix
    if (data.size() > base && data.size() < base + second.size()) ++torn;
    auto log = ParseLog(data);
    ASSERT_TRUE(log.ok());
    EXPECT_EQ((*log)[0], "first");
  }
  EXPECT_GT(torn, 10);  // most crashes tore the record in the middle
}

TEST(SimDisk, BitFlipsOnReadAreCountedAndCaughtByChecksums) {
  DiskFaults f;
  f.read_bit_flip = ToPpm(0.5);
  SimDisk d(9, f);
  std::string data;
  for (int i = 0; i < 20; ++i) data += Record("entry " + std::to_string(i));
  ASSERT_TRUE(d.Write("log", data).ok());
  ASSERT_TRUE(d.Sync("log").ok());
  uint64_t caught = 0;
  for (int i = 0; i < 400; ++i) {
    auto r = d.Read("log");
    ASSERT_TRUE(r.ok());
    auto parsed = ParseLog(*r);
    // A flip in a length field may also look like a torn tail: count that as
    // caught too (fewer records than written).
    if (!parsed.ok() || parsed->size() != 20) ++caught;
  }
  EXPECT_GT(d.stats().bit_flips, 150u);
  EXPECT_EQ(caught, d.stats().bit_flips);
  // The medium itself is intact.
  EXPECT_EQ(*d.mem().Read("log"), data);
}

TEST(SimDisk, SyncLatencyIsAccountedAndTaken) {
  DiskFaults f;
  f.sync_min_us = 100;
  f.sync_max_us = 100;
  f.slow_sync = kMillion;  // every sync is slow
  f.slow_sync_us = 1000;
  SimDisk d(2, f);
  ASSERT_TRUE(d.Write("a", "x").ok());
  ASSERT_TRUE(d.Sync("a").ok());
  ASSERT_TRUE(d.Sync("a").ok());
  uint64_t l = d.TakeLatency();
  EXPECT_GE(l, 200u);
  EXPECT_LE(l, 2200u);
  EXPECT_EQ(d.TakeLatency(), 0u);
  EXPECT_EQ(d.stats().syncs, 2u);
  EXPECT_EQ(d.stats().slow_syncs, 2u);
  EXPECT_EQ(d.stats().sync_latency_us, l);
  EXPECT_TRUE(absl::IsNotFound(d.Sync("missing")));
}

TEST(SimDisk, ArmedCrashTakesItsImageAtTheNextSyncAndTearsTheAppendBeingSynced) {
  DiskFaults f;
  SimDisk d(3, f);
  ASSERT_TRUE(d.Append("log", "durable|").ok());
  ASSERT_TRUE(d.Sync("log").ok());
  d.ArmCrashAtNextSync(/*tear=*/true);
  EXPECT_TRUE(d.armed());
  EXPECT_FALSE(d.crashed_in_step());
  const std::string tail(64, 'x');
  ASSERT_TRUE(d.Append("log", tail).ok());
  ASSERT_TRUE(d.Write("meta", "never synced").ok());
  // The sync the crash interrupts: the release sees it succeed and goes on.
  ASSERT_TRUE(d.Sync("log").ok());
  EXPECT_FALSE(d.armed());
  ASSERT_TRUE(d.crashed_in_step());
  ASSERT_TRUE(d.Append("log", "after").ok());
  EXPECT_EQ(d.Read("log")->size(), 8u + 64u + 5u);
  d.FinishCrashInStep();
  EXPECT_FALSE(d.crashed_in_step());
  EXPECT_EQ(d.stats().crashes, 1u);
  EXPECT_EQ(d.stats().crashes_in_sync, 1u);
  absl::StatusOr<std::string> log = d.Read("log");
  ASSERT_TRUE(log.ok());
  // The synced prefix survives; of the interrupted append a prefix at most.
  ASSERT_GE(log->size(), 8u);
  EXPECT_LE(log->size(), 8u + 64u);
  EXPECT_EQ(log->substr(0, 8), "durable|");
  EXPECT_EQ(log->substr(8), tail.substr(0, log->size() - 8));
  EXPECT_TRUE(absl::IsNotFound(d.Read("meta").status()));
}

TEST(SimDisk, TornTailsVaryAcrossSeedsAndAPlainCrashDisarms) {
  std::set<size_t> lengths;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SimDisk d(seed, DiskFaults{});
    ASSERT_TRUE(d.Append("log", "a").ok());
    ASSERT_TRUE(d.Sync("log").ok());
    d.ArmCrashAtNextSync(/*tear=*/true);
    ASSERT_TRUE(d.Append("log", std::string(100, 'b')).ok());
    ASSERT_TRUE(d.Sync("log").ok());
    d.FinishCrashInStep();
    lengths.insert(d.Read("log")->size());
  }
  EXPECT_GT(lengths.size(), 10u);  // torn at many points, not one
  SimDisk d(9, DiskFaults{});
  ASSERT_TRUE(d.Append("log", "a").ok());
  d.ArmCrashAtNextSync(/*tear=*/false);
  d.Crash(/*tear=*/false);
  EXPECT_FALSE(d.armed());
  ASSERT_TRUE(d.Append("log", "b").ok());
  ASSERT_TRUE(d.Sync("log").ok());
  EXPECT_FALSE(d.crashed_in_step());
}

}  // namespace
}  // namespace raftlog::sim
