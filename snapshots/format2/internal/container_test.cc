// The container's own pieces: bounds, checksum folding, layout reading on
// damaged files, and Rehead (format 3's downgrade).
#include "snapshots/format2/internal/container.h"

#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/testing.h"

namespace raftlog::snapshots::format2::internal {
namespace {

using ::raftlog::snapshots::format2::testing::ChunkRecordOffsets;
using ::raftlog::snapshots::format2::testing::GeneratedState;
using ::raftlog::snapshots::format2::testing::MustEncode;
using ::raftlog::snapshots::format2::testing::SmallState;
using ::raftlog::snapshots::format2::testing::TinyChunks;

TEST(Container, CompressBoundIsZstds) {
  for (uint64_t n : {0ull, 1ull, 16ull, 1000ull, 131071ull, 131072ull, 131073ull, 1ull << 20,
                     (1ull << 30) + 7}) {
    EXPECT_EQ(CompressBound(n), ZSTD_compressBound(n)) << n;
  }
  EXPECT_EQ(CompressBound(~uint64_t{0}), ~uint64_t{0});
}

TEST(Container, IncompressibleBodiesStayWithinTheChunkCountBound) {
  std::string noise(300000, '\0');
  uint64_t x = 1;
  for (char& c : noise) {
    x = x * 6364136223846793005ull + 1;
    c = static_cast<char>(x >> 56);
  }
  for (uint32_t chunk : {kMinChunkBytes, 1000u, 1u << 20}) {
    EncodeOptions o;
    o.chunk_bytes = chunk;
    o.zstd_level = 1;
    absl::StatusOr<std::string> f = EncodeContainerWithBody(kFormat2, SmallState(), "", noise, o);
    ASSERT_TRUE(f.ok()) << f.status();
    const uint32_t count = LoadU32(f->data() + kOffsetChunkCount);
    EXPECT_LE(count, MaxChunkCount(noise.size(), chunk));
    EXPECT_GE(count, noise.size() / chunk);
  }
}

TEST(Container, ExpectedFileCrcFoldsTheUnits) {
  for (const std::string& f : testing::SampleFiles()) {
    Layout layout;
    absl::StatusOr<Head> head = ReadHead(f, kFormat2);
    ASSERT_TRUE(head.ok()) << head.status();
    layout.head = *head;
    ASSERT_TRUE(ReadChunks(f, &layout).ok());
    EXPECT_EQ(layout.trailer_offset + 4, f.size());
    EXPECT_EQ(ExpectedFileCrc(layout), Crc32c(absl::string_view(f).substr(0, f.size() - 4)));
    EXPECT_EQ(ExpectedFileCrc(layout), layout.file_crc);
  }
}

TEST(Container, ReadChunksReportsWhatItFoundBeforeTheDamage) {
  const std::string f = MustEncode(GeneratedState(2, 30, 5), TinyChunks());
  const std::vector<size_t> rec = ChunkRecordOffsets(f);
  ASSERT_GE(rec.size(), 4u);
  const std::string cut = f.substr(0, rec[3] + 5);
  Layout layout;
  layout.head = *ReadHead(cut, kFormat2);
  absl::Status s = ReadChunks(cut, &layout);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(layout.chunks.size(), 3u);
  EXPECT_EQ(layout.chunks[2].offset, rec[2]);
}

TEST(Container, ReheadKeepsTheCompressedBytesAndMovesTheRecords) {
  const std::string f = MustEncode(GeneratedState(5, 50, 5), TinyChunks());
  Layout layout;
  layout.head = *ReadHead(f, kFormat2);
  ASSERT_TRUE(ReadChunks(f, &layout).ok());
  // Into a format 3 container with a 12-byte extension, and back.
  const std::string ext(12, '\0');  // outgoing_count 0, metadata_count 0, 4 spare
  absl::StatusOr<std::string> three = Rehead(f, layout, kFormat3, ext);
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(three->size(), f.size() + ext.size());
  Layout l3;
  absl::StatusOr<Head> h3 = ReadHead(*three, kFormat3);
  ASSERT_TRUE(h3.ok()) << h3.status();
  EXPECT_EQ(h3->extension.size(), ext.size());
  l3.head = *h3;
  ASSERT_TRUE(ReadChunks(*three, &l3).ok());
  EXPECT_TRUE(VerifyTrailer(*three, l3).ok());
  ASSERT_EQ(l3.chunks.size(), layout.chunks.size());
  for (size_t k = 0; k < l3.chunks.size(); ++k) {
    EXPECT_EQ(l3.chunks[k].offset, layout.chunks[k].offset + ext.size());
    EXPECT_EQ(three->substr(l3.chunks[k].offset + 12, l3.chunks[k].data_len),
              f.substr(layout.chunks[k].offset + 12, layout.chunks[k].data_len));
  }
  absl::StatusOr<std::string> two = Rehead(*three, l3, kFormat2, "");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, f);
}

TEST(Container, MaskRoundTrips) {
  for (uint32_t c : {0u, 1u, 0xFFFFFFFFu, 0xA282EAD8u, 0x12345678u}) {
    EXPECT_EQ(UnmaskCrc(MaskCrc(c)), c);
    EXPECT_NE(MaskCrc(c), c);
  }
}

// The reason unit checksums are stored masked: with a plain CRC stored right
// after the bytes it covers, the whole-file CRC-32C would be the same for
// every file with the same unit lengths (the CRC residue), and the trailer
// would check nothing but lengths.
TEST(Container, TheTrailerDependsOnTheDataNotOnlyOnTheLengths) {
  const std::string a(200, 'a');
  const std::string b(200, 'b');
  const std::string fa = testing::HandmadeFile(SmallState(), 1000, a, kMinChunkBytes);
  const std::string fb = testing::HandmadeFile(SmallState(), 1000, b, kMinChunkBytes);
  ASSERT_EQ(fa.size(), fb.size());
  EXPECT_NE(fa.substr(fa.size() - 4), fb.substr(fb.size() - 4));
  // What unmasked unit checksums would give: equal trailers.
  auto unmasked_trailer = [](std::string f) {
    for (size_t pos : ChunkRecordOffsets(f)) {
      const size_t len = LoadU32(f.data() + pos + 8);
      StoreU32(&f[pos + 12 + len], Crc32c(absl::string_view(f).substr(pos, 12 + len)));
    }
    const size_t head_crc_at = ChunkRecordOffsets(f)[0] - 4;
    StoreU32(&f[head_crc_at], Crc32c(absl::string_view(f).substr(0, head_crc_at)));
    return Crc32c(absl::string_view(f).substr(0, f.size() - 4));
  };
  EXPECT_EQ(unmasked_trailer(fa), unmasked_trailer(fb));
}

TEST(Container, OnlyFormatsTwoAndThreeUseIt) {
  EXPECT_FALSE(IsContainerFormat(0));
  EXPECT_FALSE(IsContainerFormat(1));
  EXPECT_TRUE(IsContainerFormat(2));
  EXPECT_TRUE(IsContainerFormat(3));
  EXPECT_FALSE(IsContainerFormat(4));
}

}  // namespace
}  // namespace raftlog::snapshots::format2::internal
