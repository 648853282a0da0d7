#include "snapshots/inspect.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "snapshots/format1/testing.h"
#include "snapshots/format2/testing.h"
#include "snapshots/format3/testing.h"

namespace raftlog::snapshots {
namespace {

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
    EXPECT_TRUE(absl::StrContains(text, line)) << "missing [" << line << "] in\n" << text;
  }
  const std::string json = ReportJson(r, "x.snap");
  EXPECT_TRUE(absl::StrContains(json, "\"voters\": [1,2,3]")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"checksum\": \"match\"")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"status\": \"ok\"")) << json;
}

TEST(Inspect, CorruptFileShowsBothChecksums) {
  std::string file = format1::testing::MustEncode(format1::testing::SmallState());
  file[50] ^= 0x01;
  InspectReport r = Inspect(file);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(r.checksum_stored.has_value());
  EXPECT_NE(*r.checksum_stored, *r.checksum_computed);
  const std::string text = ReportText(r, "x.snap");
  EXPECT_TRUE(absl::StrContains(text, "checksum:          MISMATCH\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "last_index:        -\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "status:            DATA_LOSS: ")) << text;
  EXPECT_TRUE(absl::StrContains(ReportJson(r, "x.snap"), "\"last_index\": null"));
}

TEST(Inspect, FormatOneFileRelabelledTwoIsCorrupt) {
  std::string file = format1::testing::MustEncode(format1::testing::SmallState());
  format1::testing::PutU32At(&file, format1::testing::kOffsetFormat, 2);
  InspectReport r = Inspect(file);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(r.container.has_value());
  const std::string text = ReportText(r, "x.snap");
  EXPECT_TRUE(absl::StrContains(text, "format_status:     shipped\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "min_reader:        v2\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "checksum:          -\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "chunk_count:       -\n")) << text;
}

TEST(Inspect, UnknownFormatNamesNoReader) {
  std::string file = format1::testing::MustEncode(format1::testing::SmallState());
  format1::testing::PutU32At(&file, format1::testing::kOffsetFormat, 4);
  InspectReport r = Inspect(file);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kUnimplemented);
  const std::string text = ReportText(r, "x.snap");
  EXPECT_TRUE(absl::StrContains(text, "format_status:     unknown\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "min_reader:        -\n")) << text;
}

TEST(Inspect, IntactFormatTwoFileWithChunks) {
  const std::string file =
      format2::testing::MustEncode(format2::testing::SmallState(), format2::testing::TinyChunks());
  InspectReport r = Inspect(file);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_TRUE(r.container.has_value());
  EXPECT_EQ(r.container->chunks.size(), r.container->chunk_count);
  EXPECT_GE(r.container->chunk_count, 2u);
  uint64_t data = 0;
  for (const auto& c : r.container->chunks) data += c.data_len;
  EXPECT_EQ(r.container->compressed_bytes, data);
  const std::string count = std::to_string(r.container->chunk_count);
  const std::string text = ReportText(r, "x.snap", ReportOptions{/*list_chunks=*/true});
  for (const std::string& line :
       {std::string("format:            2\n"), std::string("learners:          {4,6}\n"),
        std::string("cluster_version:   2\n"), std::string("body_bytes:        130\n"),
        std::string("chunk_bytes:       64\n"), "chunk_count:       " + count + "\n",
        std::string("zstd_level:        3\n"),
        "chunks_verified:   " + count + " of " + count + " ok\n",
        std::string("checksum:          match\n"), std::string("status:            ok\n")}) {
    EXPECT_TRUE(absl::StrContains(text, line)) << "missing [" << line << "] in\n" << text;
  }
  EXPECT_TRUE(absl::StrContains(text, "chunk[1]:")) << text;
  EXPECT_FALSE(absl::StrContains(text, "MISMATCH")) << text;
  // Without list_chunks, no per-chunk lines.
  EXPECT_FALSE(absl::StrContains(ReportText(r, "x.snap"), "chunk[0]:"));
  const std::string json = ReportJson(r, "x.snap", ReportOptions{true});
  EXPECT_TRUE(absl::StrContains(json, "\"chunks\": [{\"offset\": ")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"ok\": true}")) << json;
  EXPECT_FALSE(absl::StrContains(json, "chunk[0]")) << json;
}

TEST(Inspect, FormatThreeShowsJointConfigurationAndMetadata) {
  const std::string file = format3::testing::MustEncode(format3::testing::SmallState());
  InspectReport r = Inspect(file);
  ASSERT_TRUE(r.status.ok()) << r.status;
  const std::string text = ReportText(r, "x.snap");
  EXPECT_TRUE(absl::StrContains(text, "voters_outgoing:   {1,2,3}\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "metadata_entries:  4\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "bin\\x00key=\\xff\\x00\\x01")) << text;
  EXPECT_TRUE(absl::StrContains(text, "writer=v3")) << text;
  const std::string json = ReportJson(r, "x.snap");
  EXPECT_TRUE(absl::StrContains(json, "\"writer\": \"v3\"")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"bin\\u0000key\": ")) << json;
}

TEST(Inspect, DamagedChunkIsNamedAndTheHeadStillShown) {
  std::string file = format3::testing::MustEncode(format3::testing::SmallState(),
                                                  format2::testing::TinyChunks());
  const std::vector<size_t> records = format2::testing::ChunkRecordOffsets(file);
  ASSERT_GE(records.size(), 2u);
  file[records[1] + 15] ^= 0x04;
  InspectReport r = Inspect(file);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  const std::string text = ReportText(r, "x.snap", ReportOptions{true});
  EXPECT_TRUE(absl::StrContains(text, "last_index:        42\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "kv_pairs:          -\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "metadata_entries:  4\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, absl::StrCat("MISMATCH in chunk 1 (offset ", records[1], ")")))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "chunk[0]:")) << text;
  EXPECT_TRUE(absl::StrContains(text, "MISMATCH (computed 0x")) << text;
  EXPECT_TRUE(absl::StrContains(text, "checksum:          MISMATCH\n")) << text;
}

TEST(Inspect, TruncatedContainerReportsWhatItFound) {
  const std::string file =
      format2::testing::MustEncode(format2::testing::SmallState(), format2::testing::TinyChunks());
  const std::vector<size_t> records = format2::testing::ChunkRecordOffsets(file);
  InspectReport r = Inspect(absl::string_view(file).substr(0, records[1] + 3));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(r.container.has_value());
  EXPECT_EQ(r.container->chunks.size(), 1u);
  const std::string text = ReportText(r, "x.snap");
  EXPECT_TRUE(absl::StrContains(text, " not found")) << text;
  EXPECT_TRUE(absl::StrContains(text, "checksum:          -\n")) << text;
}

TEST(Inspect, NotASnapshot) {
  InspectReport r = Inspect("#!/bin/sh\necho hi\n");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(r.format.has_value());
  const std::string json = ReportJson(r, "a \"quoted\"\tpath");
  EXPECT_TRUE(absl::StrContains(json, "\"file\": \"a \\\"quoted\\\"\\u0009path\"")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"format\": null")) << json;
}

}  // namespace
}  // namespace raftlog::snapshots
