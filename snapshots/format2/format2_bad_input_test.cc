// Bad input: every way a file can be cut, flipped, padded or lie about its
// sizes (in the head, in the chunk records, in the zstd frame, in the body)
// must be refused with the documented error class, and never crash; bombs
// must stop at the declared size. These run under --config=asan too.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "snapshots/codec_testing.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format2 {
namespace {

using ::raftlog::snapshots::format2::testing::ChunkRecordOffsets;
using ::raftlog::snapshots::format2::testing::FirstChunkDataOffset;
using ::raftlog::snapshots::format2::testing::HandmadeFile;
using ::raftlog::snapshots::format2::testing::HandmadeFrame;
using ::raftlog::snapshots::format2::testing::kNoContentSize;
using ::raftlog::snapshots::format2::testing::MustEncode;
using ::raftlog::snapshots::format2::testing::PutU32At;
using ::raftlog::snapshots::format2::testing::PutU64At;
using ::raftlog::snapshots::format2::testing::ResealAll;
using ::raftlog::snapshots::format2::testing::ResealChunks;
using ::raftlog::snapshots::format2::testing::ResealHead;
using ::raftlog::snapshots::format2::testing::ResealTrailer;
using ::raftlog::snapshots::format2::testing::SmallState;
using ::raftlog::snapshots::format2::testing::TinyChunks;

void ExpectRefused(absl::string_view bytes, absl::StatusCode code, absl::string_view word,
                   const DecodeLimits& limits = {}) {
  absl::StatusOr<SnapshotState> st = Decode(bytes, limits);
  ASSERT_FALSE(st.ok()) << "accepted";
  EXPECT_EQ(st.status().code(), code) << st.status();
  EXPECT_TRUE(absl::StrContains(st.status().message(), word)) << "want [" << word << "]: " << st.status();
}

std::vector<std::string> Files() {
  return {MustEncode(SnapshotState()), MustEncode(SmallState()),
          MustEncode(SmallState(), TinyChunks())};
}

TEST(Format2BadInput, EveryTruncationIsDataLoss) {
  for (const std::string& file : Files()) {
    ASSERT_TRUE(Decode(file).ok());
    for (size_t n = 0; n < file.size(); ++n) {
      absl::StatusOr<SnapshotState> st = Decode(absl::string_view(file).substr(0, n));
      EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss)
          << "prefix of " << n << " bytes: " << st.status();
    }
  }
}

TEST(Format2BadInput, TruncationMessagesSayTruncated) {
  const std::string f = MustEncode(SmallState(), TinyChunks());
  const std::vector<size_t> records = ChunkRecordOffsets(f);
  ASSERT_GE(records.size(), 2u);
  for (size_t n : {size_t{5}, size_t{14}, size_t{40}, records[0] + 3, records[1] + 20,
                   f.size() - 4, f.size() - 1}) {
    ExpectRefused(absl::string_view(f).substr(0, n), absl::StatusCode::kDataLoss, "truncated");
  }
}

TEST(Format2BadInput, EverySingleBitFlipIsRefused) {
  for (const std::string& file : Files()) {
    snapshots::testing::ExpectEveryBitFlipRefused(file,
                                                  [](absl::string_view b) { return Decode(b); });
  }
}

TEST(Format2BadInput, EveryByteOverwriteIsRefused) {
  const std::string file = MustEncode(SmallState(), TinyChunks());
  for (size_t i = 0; i < file.size(); ++i) {
    for (int v : {0x00, 0x7F, 0x80, 0xFF}) {
      if (static_cast<unsigned char>(file[i]) == v) continue;
      std::string bad = file;
      bad[i] = static_cast<char>(v);
      EXPECT_FALSE(Decode(bad).ok()) << "byte " << i << " = " << v;
    }
  }
}

TEST(Format2BadInput, WrongMagicAndOtherFormats) {
  std::string f = MustEncode(SmallState());
  f.replace(0, 8, "RLSNAP\n\n");
  ExpectRefused(f, absl::StatusCode::kInvalidArgument, "not a snapshot");
  for (uint32_t format : {0u, 1u, 3u, 99u}) {
    std::string g = MustEncode(SmallState());
    PutU32At(&g, 8, format);
    ResealAll(&g);
    ExpectRefused(g, absl::StatusCode::kUnimplemented, absl::StrCat("snapshot format ", format, ";"));
  }
}

TEST(Format2BadInput, TrailingGarbage) {
  const std::string f = MustEncode(SmallState(), TinyChunks());
  for (size_t extra : {1, 3, 4, 5, 64}) {
    ExpectRefused(f + std::string(extra, '\xAB'), absl::StatusCode::kDataLoss, "trailing garbage");
  }
  ExpectRefused(f + f, absl::StatusCode::kDataLoss, "trailing garbage");
}

// --- Checksums: each unit's, and the trailer -----------------------------------

TEST(Format2BadInput, ChecksumsNameTheDamagedUnit) {
  const std::string f = MustEncode(SmallState(), TinyChunks());
  const std::vector<size_t> rec = ChunkRecordOffsets(f);
  ASSERT_GE(rec.size(), 2u);

  std::string head = f;
  head[kOffsetLastTerm] ^= 1;
  ExpectRefused(head, absl::StatusCode::kDataLoss, "head checksum mismatch");

  // Chunk data damaged, trailer untouched: the chunk's own checksum catches
  // it while streaming.
  std::string data = f;
  data[rec[1] + 20] ^= 0x40;
  ExpectRefused(data, absl::StatusCode::kDataLoss, "chunk 1 (record at offset");

  // Chunk data damaged and the trailer recomputed over it: the trailer no
  // longer agrees with the stored chunk checksums; the diagnosis finds chunk 1.
  std::string resealed = data;
  ResealTrailer(&resealed);
  ExpectRefused(resealed, absl::StatusCode::kDataLoss, "chunk 1 (record at offset");

  // A stored chunk checksum damaged.
  std::string crc = f;
  const size_t len1 = internal::LoadU32(f.data() + rec[1] + 8);
  crc[rec[1] + 12 + len1] ^= 0x01;
  ExpectRefused(crc, absl::StatusCode::kDataLoss, "chunk 1 (record at offset");

  std::string trailer = f;
  trailer.back() ^= 0x80;
  ExpectRefused(trailer, absl::StatusCode::kDataLoss, "the trailer is corrupt");
  // Unit checksums are stored masked (FORMAT.md, "Checksums"): the plain CRC
  // in their place is refused.
  std::string plain = f;
  PutU32At(&plain, rec[0] - 4, Crc32c(absl::string_view(f).substr(0, rec[0] - 4)));
  ExpectRefused(plain, absl::StatusCode::kDataLoss, "head checksum mismatch");
}

// Two files of the same shape; a chunk record of one (valid on its own: same
// offset, its own checksum) spliced into the other. Only the trailer can
// tell, and it does.
TEST(Format2BadInput, ChunkSplicedFromAnotherFileIsRefusedByTheTrailer) {
  SnapshotState a;
  SnapshotState b;
  for (int i = 0; i < 20; ++i) {
    a.kv[absl::StrCat("key", i)] = std::string(50, static_cast<char>('a' + i));
    b.kv[absl::StrCat("key", i)] = std::string(50, static_cast<char>('A' + i));
  }
  const std::string fa = MustEncode(a, TinyChunks());
  const std::string fb = MustEncode(b, TinyChunks());
  const std::vector<size_t> ra = ChunkRecordOffsets(fa);
  ASSERT_EQ(ra, ChunkRecordOffsets(fb));
  ASSERT_GE(ra.size(), 3u);
  const size_t k = 1;
  ASSERT_NE(fa.substr(ra[k], ra[k + 1] - ra[k]), fb.substr(ra[k], ra[k + 1] - ra[k]));
  std::string spliced = fa;
  spliced.replace(ra[k], ra[k + 1] - ra[k], fb.substr(ra[k], ra[k + 1] - ra[k]));
  ExpectRefused(spliced, absl::StatusCode::kDataLoss, "spliced");
}

// --- Lies in the head (checksum made valid) --------------------------------------

TEST(Format2BadInput, AbsurdHeadFieldsRefusedBeforeAllocation) {
  struct Case {
    size_t offset;
    int width;
    uint64_t value;
    absl::StatusCode code;
    const char* word;
  };
  const std::vector<Case> cases = {
      {kOffsetVoterCount, 4, 0xFFFFFFFFu, absl::StatusCode::kDataLoss, "exceeds the limit"},
      {kOffsetVoterCount, 4, kMaxIds, absl::StatusCode::kDataLoss, "voter count 1024"},
      {kOffsetChunkCount, 4, 0xFFFFFFFFu, absl::StatusCode::kDataLoss, "chunk_count 4294967295"},
      {kOffsetChunkCount, 4, 0, absl::StatusCode::kDataLoss, "chunk_count 0"},
      {kOffsetBodyBytes, 8, uint64_t{1} << 62, absl::StatusCode::kResourceExhausted,
       "max_body_bytes"},
      {kOffsetBodyBytes, 8, kDefaultMaxBodyBytes + 1, absl::StatusCode::kResourceExhausted,
       "max_body_bytes"},
      {kOffsetBodyBytes, 8, 15, absl::StatusCode::kDataLoss, "smallest body"},
      {kOffsetChunkBytes, 4, 0, absl::StatusCode::kDataLoss, "chunk_bytes 0"},
      {kOffsetChunkBytes, 4, kMaxChunkBytes + 1, absl::StatusCode::kDataLoss, "chunk_bytes"},
      {kOffsetZstdLevel, 4, 0, absl::StatusCode::kDataLoss, "zstd_level 0"},
      {kOffsetZstdLevel, 4, 20, absl::StatusCode::kDataLoss, "zstd_level 20"},
      {kOffsetClusterVersion, 4, 0, absl::StatusCode::kDataLoss, "cluster_version 0"},
  };
  for (const Case& c : cases) {
    std::string f = MustEncode(SmallState());
    if (c.width == 4) {
      PutU32At(&f, c.offset, static_cast<uint32_t>(c.value));
    } else {
      PutU64At(&f, c.offset, c.value);
    }
    ResealHead(&f);
    ResealTrailer(&f);
    ExpectRefused(f, c.code, c.word);
  }
  // head_len itself: the head checksum cannot even be found.
  std::string f = MustEncode(SmallState());
  PutU32At(&f, kOffsetHeadLen, 0xFFFFFFF0u);
  ExpectRefused(f, absl::StatusCode::kDataLoss, "head_len");
  // A chunk_count that only the file size refutes.
  std::string g = MustEncode(SmallState(), TinyChunks());
  PutU32At(&g, kOffsetChunkCount, internal::LoadU32(g.data() + kOffsetChunkCount) + 1);
  ResealHead(&g);
  ResealTrailer(&g);
  ExpectRefused(g, absl::StatusCode::kDataLoss, "chunk 1 holds");
}

TEST(Format2BadInput, DeclaredBodyOverTheReadersCapIsResourceExhausted) {
  SnapshotState s = SmallState();
  s.kv["big"] = std::string(100000, 'q');
  const std::string f = MustEncode(s);
  DecodeLimits tight;
  tight.max_body_bytes = 50000;
  ExpectRefused(f, absl::StatusCode::kResourceExhausted, "exceeds this reader's limit", tight);
  tight.max_body_bytes = internal::SerializeBody(s).size();
  EXPECT_TRUE(Decode(f, tight).ok());
}

TEST(Format2BadInput, UnexplainedHeadBytes) {
  // A format-2 head with an extension (as format 3 has).
  const std::string f =
      HandmadeFile(SmallState(), 16, HandmadeFrame(16, std::string(16, '\0'), 0),
                   kDefaultChunkBytes, {}, 2, "extra");
  ExpectRefused(f, absl::StatusCode::kDataLoss, "unexplained bytes");
  EXPECT_EQ(DecodeHead(f).status().code(), absl::StatusCode::kDataLoss);
}

TEST(Format2BadInput, NonCanonicalHeadLists) {
  std::string f = MustEncode(SmallState());
  PutU64At(&f, kOffsetFirstVoter, 99);  // voters {99, 2, 3}
  ResealHead(&f);
  ResealTrailer(&f);
  ExpectRefused(f, absl::StatusCode::kDataLoss, "voter ids not strictly increasing");
}

// --- Lies in the chunk records ---------------------------------------------------

TEST(Format2BadInput, ChunkRecordLies) {
  const SnapshotState s = testing::GeneratedState(1, 8, 3);
  const std::string f = MustEncode(s, TinyChunks());
  const std::vector<size_t> rec = ChunkRecordOffsets(f);
  ASSERT_GE(rec.size(), 3u);

  std::string offset = f;
  PutU64At(&offset, rec[1], rec[1] + 1);
  ResealChunks(&offset);
  ResealTrailer(&offset);
  ExpectRefused(offset, absl::StatusCode::kDataLoss, "says chunk_offset");

  // The same frame cut unevenly: a short chunk before the last.
  std::string stream;
  for (size_t r : rec) stream += f.substr(r + 12, internal::LoadU32(f.data() + r + 8));
  const uint64_t body = internal::SerializeBody(s).size();
  ASSERT_TRUE(Decode(HandmadeFile(s, body, stream, kMinChunkBytes)).ok());
  ExpectRefused(HandmadeFile(s, body, stream, kMinChunkBytes, {64, 40, 24}),
                absl::StatusCode::kDataLoss, "every chunk but the last");
  ExpectRefused(HandmadeFile(s, body, stream, kMinChunkBytes, {64, 0}),
                absl::StatusCode::kDataLoss, "data_len 0");
  ExpectRefused(HandmadeFile(s, body, stream, kMinChunkBytes, {65}),
                absl::StatusCode::kDataLoss, "data_len 65");
}

// --- Lies in the zstd frame --------------------------------------------------------

TEST(Format2BadInput, FrameHeaderMustMatchTheHead) {
  const std::string body(16, '\0');  // the empty state's body
  const SnapshotState h = SmallState();
  auto file = [&](absl::string_view frame, uint64_t declared = 16) {
    return HandmadeFile(h, declared, frame, kDefaultChunkBytes);
  };
  ASSERT_TRUE(Decode(file(HandmadeFrame(16, body, 0))).ok());
  ExpectRefused(file(HandmadeFrame(kNoContentSize, body, 0)), absl::StatusCode::kDataLoss,
                "does not declare its content size");
  ExpectRefused(file(HandmadeFrame(17, body, 0)), absl::StatusCode::kDataLoss,
                "declares 17 bytes of content");
  ExpectRefused(file(HandmadeFrame(16, body, 0, '\0', 24)), absl::StatusCode::kDataLoss,
                "window");
  std::string checksum = HandmadeFrame(16, body, 0);
  checksum[4] |= 0x04;  // Content_Checksum_flag
  ExpectRefused(file(checksum), absl::StatusCode::kDataLoss, "content checksum");
  std::string dict = HandmadeFrame(16, body, 0);
  dict[4] |= 0x01;                    // Dictionary_ID_flag: 1 byte
  dict.insert(6, 1, '\x07');          // after the window descriptor
  ExpectRefused(file(dict), absl::StatusCode::kDataLoss, "dictionary");
  std::string skippable("\x50\x2A\x4D\x18\x10\0\0\0", 8);
  skippable += body;
  ExpectRefused(file(skippable), absl::StatusCode::kDataLoss, "skippable");
  ExpectRefused(file("this is not zstd at all........"), absl::StatusCode::kDataLoss,
                "not a zstd frame");
  ExpectRefused(file("\x28\xB5\x2F\xFD"), absl::StatusCode::kDataLoss, "too short");
}

TEST(Format2BadInput, FrameMustEndExactlyAtTheLastChunk) {
  const std::string body(16, '\0');
  const SnapshotState h = SmallState();
  const std::string frame = HandmadeFrame(16, body, 0);
  ExpectRefused(HandmadeFile(h, 16, frame + "x", kDefaultChunkBytes),
                absl::StatusCode::kDataLoss, "after the end of the zstd frame");
  ExpectRefused(HandmadeFile(h, 16, frame + frame, kDefaultChunkBytes),
                absl::StatusCode::kDataLoss, "after the end of the zstd frame");
  // The last block is never marked last: the frame never ends.
  ExpectRefused(HandmadeFile(h, 16, HandmadeFrame(16, body, 0, '\0', 17, true), kDefaultChunkBytes),
                absl::StatusCode::kDataLoss, "incomplete");
}

// A body prefix declaring one KV pair with an empty key and a value of
// value_len bytes; with zeros after it, the session count is 0.
std::string OnePairPrefix(uint32_t value_len) {
  std::string p;
  internal::PutU64(1, &p);
  internal::PutU32(0, &p);
  internal::PutU32(value_len, &p);
  return p;
}

// Bomb: the head and the frame both declare ~1 MiB, the frame really holds
// 16 GiB of zeros in 128 KiB RLE blocks (a 512 KiB file). Decoding must stop
// one byte past the declared size, not inflate 16 GiB.
TEST(Format2BadInput, BombDeclaringLessThanItHoldsStopsAtTheDeclaredSize) {
  const uint32_t value_len = 1 << 20;
  const uint64_t declared = 16 + value_len + 8;
  const std::string frame =
      HandmadeFrame(declared, OnePairPrefix(value_len), uint64_t{16} << 30 >> 17);
  const std::string f = HandmadeFile(SmallState(), declared, frame, kMaxChunkBytes);
  const auto start = std::chrono::steady_clock::now();
  ExpectRefused(f, absl::StatusCode::kDataLoss, absl::StrCat("decoding stopped at ", declared + 1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

// Bomb whose frame tells the truth about its content size (16 GiB) but whose
// head declares less: refused from the frame header, before any output.
TEST(Format2BadInput, BombWithHonestFrameSizeRefusedAtTheFrameHeader) {
  const std::string frame =
      HandmadeFrame(uint64_t{16} << 30, OnePairPrefix(0), uint64_t{16} << 30 >> 17);
  ExpectRefused(HandmadeFile(SmallState(), 1000, frame, kMaxChunkBytes),
                absl::StatusCode::kDataLoss, "declares 17179869184 bytes of content");
  // And a head declaring all of it is over the reader's cap.
  ExpectRefused(HandmadeFile(SmallState(), uint64_t{16} << 30, frame, kMaxChunkBytes),
                absl::StatusCode::kResourceExhausted, "max_body_bytes");
}

// The frame stops short of the declared size.
TEST(Format2BadInput, DeclaredSizeNotReached) {
  // Large enough for a 4-byte Frame_Content_Size field.
  SnapshotState s = SmallState();
  s.kv["big"] = std::string(70000, 'x');
  const std::string body = internal::SerializeBody(s);
  std::string f = MustEncode(s);
  PutU64At(&f, kOffsetBodyBytes, body.size() + 1000);
  ResealHead(&f);
  ASSERT_TRUE(testing::PatchFrameContentSize(&f, body.size() + 1000));
  ResealChunks(&f);
  ResealTrailer(&f);
  absl::StatusOr<SnapshotState> st = Decode(f);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss) << st.status();
  // Counts consistent with the lie, and a frame that simply stops (zstd
  // cannot tell): the output runs out before the declared size.
  const std::string pair = OnePairPrefix(5000);
  const std::string g =
      HandmadeFile(SmallState(), 16 + 5000 + 8,
                   HandmadeFrame(16 + 5000 + 8, pair, 0, '\0', 17, /*unfinished=*/true),
                   kDefaultChunkBytes);
  ExpectRefused(g, absl::StatusCode::kDataLoss, "compressed body ends after 16 bytes");
}

// --- Lies in the body (valid frame, valid checksums) ------------------------------------

std::string WithBody(absl::string_view body) {
  absl::StatusOr<std::string> f =
      internal::EncodeContainerWithBody(kFormatNumber, SmallState(), "", body, EncodeOptions());
  EXPECT_TRUE(f.ok()) << f.status();
  return *f;
}

TEST(Format2BadInput, BodyLiesRefused) {
  std::string kv_count;
  internal::PutU64(uint64_t{1} << 60, &kv_count);
  kv_count += std::string(8, '\0');
  ExpectRefused(WithBody(kv_count), absl::StatusCode::kDataLoss,
                "KV pair count 1152921504606846976");

  std::string sessions(8, '\0');
  internal::PutU64(uint64_t{1} << 60, &sessions);
  ExpectRefused(WithBody(sessions), absl::StatusCode::kDataLoss, "session count");

  std::string key;
  internal::PutU64(1, &key);
  internal::PutU32(0xFFFFFFFFu, &key);
  key += std::string(20, '\0');
  ExpectRefused(WithBody(key), absl::StatusCode::kDataLoss, "key of KV pair 0");

  SnapshotState two;
  two.kv["a"] = "1";
  two.kv["b"] = "2";
  std::string swapped = internal::SerializeBody(two);
  std::swap(swapped[12], swapped[12 + 1 + 4 + 1 + 4]);
  ASSERT_EQ(swapped[12], 'b');
  ExpectRefused(WithBody(swapped), absl::StatusCode::kDataLoss, "keys not strictly increasing");

  SnapshotState dup = SmallState();
  dup.sessions[1].client_id = dup.sessions[0].client_id;
  ExpectRefused(WithBody(internal::SerializeBody(dup)), absl::StatusCode::kDataLoss,
                "session client ids not strictly increasing");

  SnapshotState one;
  one.sessions.push_back(Session{});
  std::string flags = internal::SerializeBody(one);
  flags[8 + 8 + 24] = '\x04';
  ExpectRefused(WithBody(flags), absl::StatusCode::kDataLoss, "reserved flag bits");

  ExpectRefused(WithBody(internal::SerializeBody(SmallState()) + "zz"),
                absl::StatusCode::kDataLoss, "unexplained body bytes");
  const std::string body = internal::SerializeBody(SmallState());
  ExpectRefused(WithBody(body.substr(0, body.size() - 1)), absl::StatusCode::kDataLoss,
                "body truncated");
  ExpectRefused(WithBody("abc"), absl::StatusCode::kDataLoss, "smallest body");
}

TEST(Format2BadInput, EveryBodyTruncationAndByteFlipBehindValidChecksums) {
  // The checksums cannot help here: only the body parser's bounds can.
  const std::string body = internal::SerializeBody(SmallState());
  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_FALSE(Decode(WithBody(body.substr(0, n))).ok()) << "body cut at " << n;
  }
  for (size_t i = 0; i < body.size(); ++i) {
    std::string b = body;
    b[i] = static_cast<char>(b[i] ^ 0xFF);
    absl::StatusOr<SnapshotState> st = Decode(WithBody(b));
    if (st.ok()) continue;  // e.g. a value byte: still a valid body
    EXPECT_EQ(st.status().code(), absl::StatusCode::kDataLoss) << i << ": " << st.status();
  }
}

}  // namespace
}  // namespace raftlog::snapshots::format2
