#include "snapshots/inspect.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "snapshots/format1/testing.h"

namespace raftlog::snapshots {
namespace {

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

TEST(Inspect, IntactFormatOneFile) {
  const std::string file = format1::testing::MustEncode(format1::testing::SmallState());
  InspectReport r = Inspect(file);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_TRUE(r.format.has_value());
  EXPECT_EQ(*r.format, 1u);
  ASSERT_NE(r.info, nullptr);
  EXPECT_STREQ(r.info->first_reader, "v1");
  ASSERT_TRUE(r.checksum_stored.has_value());
  EXPECT_EQ(*r.checksum_stored, *r.checksum_computed);
  const std::string text = ReportText(r, "x.snap");
  for (const char* line : {"format:            1\n", "written_by:        v1\n",
                           "min_reader:        v1\n", "last_index:        42\n",
                           "last_term:         7\n", "voters:            {1,2,3}\n",
                           "config_index:      5\n", "cluster_version:   1\n",
                           "kv_pairs:          4\n", "kv_bytes:          23\n",
                           "sessions:          2\n", "checksum:          match\n",
                           "status:            ok\n"}) {
    EXPECT_TRUE(Contains(text, line)) << "missing [" << line << "] in\n" << text;
  }
  const std::string json = ReportJson(r, "x.snap");
  EXPECT_TRUE(Contains(json, "\"voters\": [1,2,3]")) << json;
  EXPECT_TRUE(Contains(json, "\"checksum\": \"match\"")) << json;
  EXPECT_TRUE(Contains(json, "\"status\": \"ok\"")) << json;
}

TEST(Inspect, CorruptFileShowsBothChecksums) {
  std::string file = format1::testing::MustEncode(format1::testing::SmallState());
  file[50] ^= 0x01;
  InspectReport r = Inspect(file);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(r.checksum_stored.has_value());
  EXPECT_NE(*r.checksum_stored, *r.checksum_computed);
  const std::string text = ReportText(r, "x.snap");
  EXPECT_TRUE(Contains(text, "checksum:          MISMATCH\n")) << text;
  EXPECT_TRUE(Contains(text, "last_index:        -\n")) << text;
  EXPECT_TRUE(Contains(text, "status:            DATA_LOSS: ")) << text;
  EXPECT_TRUE(Contains(ReportJson(r, "x.snap"), "\"last_index\": null"));
}

TEST(Inspect, ReservedFormatNamesItsReaders) {
  std::string file = format1::testing::MustEncode(format1::testing::SmallState());
  format1::testing::PutU32At(&file, format1::testing::kOffsetFormat, 2);
  InspectReport r = Inspect(file);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kUnimplemented);
  const std::string text = ReportText(r, "x.snap");
  EXPECT_TRUE(Contains(text, "format_status:     reserved, not yet shipped\n")) << text;
  EXPECT_TRUE(Contains(text, "min_reader:        v2\n")) << text;
  EXPECT_TRUE(Contains(text, "checksum:          -\n")) << text;
}

TEST(Inspect, NotASnapshot) {
  InspectReport r = Inspect("#!/bin/sh\necho hi\n");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(r.format.has_value());
  const std::string json = ReportJson(r, "a \"quoted\"\tpath");
  EXPECT_TRUE(Contains(json, "\"file\": \"a \\\"quoted\\\"\\u0009path\"")) << json;
  EXPECT_TRUE(Contains(json, "\"format\": null")) << json;
}

}  // namespace
}  // namespace raftlog::snapshots
