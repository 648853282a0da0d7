#include "wire/minver/log.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/minver/testdata/evolved.pb.h"
#include "wire/minver/testdata/evolved_entries.h"
#include "wire/minver/testdata/unannotated.pb.h"
#include "wire/v1/raft.pb.h"

namespace raftlog::wire::minver {
namespace {

namespace ev = ::raftlog::minver_testdata::v2;
namespace v1 = ::raftlog::wire::v1;
using ::testing::HasSubstr;

TEST(LengthPrefixed, RoundTrip) {
  const std::vector<std::string> records = {"", "a", std::string(200, 'x'),
                                            std::string(20000, '\0')};
  std::string file;
  for (const std::string& r : records) AppendLengthPrefixed(r, &file);
  EXPECT_EQ(file.size(), 1 + 2 + 202 + 20003u);
  absl::StatusOr<std::vector<std::string>> split = SplitLengthPrefixed(file);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(*split, records);
  EXPECT_TRUE(SplitLengthPrefixed("")->empty());
}

TEST(LengthPrefixed, DamageIsDataLoss) {
  std::string file;
  AppendLengthPrefixed("abc", &file);
  absl::StatusOr<std::vector<std::string>> torn = SplitLengthPrefixed(file + "\x85");
  EXPECT_EQ(torn.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(torn.status().message(), HasSubstr("log record 2 at offset 4: length prefix truncated"));

  absl::StatusOr<std::vector<std::string>> short_body = SplitLengthPrefixed(file + "\x05xy");
  EXPECT_EQ(short_body.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(short_body.status().message(), HasSubstr("declares 5 bytes, only 2 remain"));

  absl::StatusOr<std::vector<std::string>> overlong =
      SplitLengthPrefixed(std::string(10, '\xff') + "\x01");
  EXPECT_EQ(overlong.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(overlong.status().message(), HasSubstr("overlong"));

  // 2^64 - 1 fits ten bytes and is refused only for want of bytes.
  absl::StatusOr<std::vector<std::string>> huge =
      SplitLengthPrefixed(std::string(9, '\xff') + "\x01");
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(huge.status().message(), HasSubstr("declares 18446744073709551615 bytes"));
}

TEST(Log, V1LogNeedsV1) {
  std::vector<std::string> entries;
  for (uint64_t i = 1; i <= 3; ++i) {
    v1::Command cmd;
    cmd.set_op(v1::COMMAND_OP_PUT);
    cmd.set_key("k");
    v1::Entry e;
    e.set_index(i);
    e.set_type(v1::ENTRY_TYPE_COMMAND);
    e.set_data(cmd.SerializeAsString());
    entries.push_back(e.SerializeAsString());
  }
  absl::StatusOr<MinRelease> min = MinReleaseForLog(v1::Entry::descriptor(), entries);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 1u);
  EXPECT_EQ(min->element, "message raftlog.wire.v1.Entry since 1");
  EXPECT_EQ(min->where, "log");
}

TEST(Log, EmptyLogNeedsTheEntryType) {
  absl::StatusOr<MinRelease> min = MinReleaseForLog(v1::Entry::descriptor(), {});
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 1u);
  EXPECT_EQ(min->where, "log (no entries)");
}

std::string CommandEntry(uint64_t index, uint64_t ttl_ms = 0) {
  return minver_testdata::EvolvedPutEntry(index, ttl_ms);
}

std::string VersionEntry(uint64_t index, uint32_t version, bool downgrade = false) {
  ev::ClusterVersionChange cv;
  cv.set_version(version);
  cv.set_downgrade(downgrade);
  ev::Entry e;
  e.set_index(index);
  e.set_type(ev::ENTRY_TYPE_CLUSTER_VERSION);
  e.set_data(cv.SerializeAsString());
  return e.SerializeAsString();
}

TEST(Log, MaxOverEntriesNamesTheFirstEntryThatNeedsIt) {
  absl::StatusOr<MinRelease> min = MinReleaseForLog(
      ev::Entry::descriptor(),
      {CommandEntry(1), CommandEntry(2), CommandEntry(3, 100), CommandEntry(4, 200)});
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->element, "field raftlog.minver_testdata.v2.Command.ttl_ms since 2");
  EXPECT_EQ(min->where, "log entry 3: Entry.data<Command>.ttl_ms");
}

TEST(Log, TheLastClusterVersionSetIsInEffect) {
  absl::StatusOr<MinRelease> raised = MinReleaseForLog(
      ev::Entry::descriptor(), {CommandEntry(1), VersionEntry(2, 2), VersionEntry(3, 3)});
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_EQ(raised->release, 3u);
  EXPECT_EQ(raised->where, "log entry 3: Entry.data<ClusterVersionChange>.version");

  absl::StatusOr<MinRelease> lowered =
      MinReleaseForLog(ev::Entry::descriptor(),
                       {VersionEntry(1, 3), CommandEntry(2), VersionEntry(3, 2, true)});
  ASSERT_TRUE(lowered.ok()) << lowered.status();
  EXPECT_EQ(lowered->release, 2u);  // the entry type itself is since 2
  EXPECT_EQ(lowered->where, "log entry 1: Entry.type");
}

TEST(Log, BadEntriesNameTheirPosition) {
  absl::StatusOr<MinRelease> garbage =
      MinReleaseForLog(ev::Entry::descriptor(), {CommandEntry(1), "\xff\xff"});
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(garbage.status().message(), HasSubstr("log entry 2: "));

  raftlog::minver_testdata::v2_unannotated::Entry unannotated;
  unannotated.set_no_since(1);
  absl::StatusOr<MinRelease> missing =
      MinReleaseForLog(raftlog::minver_testdata::v2_unannotated::Entry::descriptor(),
                       {unannotated.SerializeAsString()});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("Entry.no_since"));
  EXPECT_THAT(missing.status().message(), HasSubstr("log entry 1: Entry.no_since"));
}

}  // namespace
}  // namespace raftlog::wire::minver
