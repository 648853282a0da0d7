#include "snapshots/format2/install.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/internal/bytes.h"
#include "snapshots/format2/testing.h"

namespace raftlog::snapshots::format2 {
namespace {

using ::raftlog::snapshots::format2::testing::ChunkRecordOffsets;
using ::raftlog::snapshots::format2::testing::GeneratedState;
using ::raftlog::snapshots::format2::testing::MustEncode;
using ::raftlog::snapshots::format2::testing::PutU32At;
using ::raftlog::snapshots::format2::testing::ResealAll;
using ::raftlog::snapshots::format2::testing::SmallState;
using ::raftlog::snapshots::format2::testing::TinyChunks;

constexpr size_t kWire = 1 << 20;  // a transport that takes 1 MiB messages

std::string File() { return MustEncode(GeneratedState(4, 60, 10), TinyChunks()); }

std::vector<Chunk> Split(absl::string_view file, size_t max_chunk = kWire) {
  absl::StatusOr<std::vector<Chunk>> chunks = SplitForInstall(file, max_chunk);
  EXPECT_TRUE(chunks.ok()) << chunks.status();
  return chunks.ok() ? *chunks : std::vector<Chunk>();
}

std::string Le32(uint32_t v) {
  std::string s(4, '\0');
  PutU32At(&s, 0, v);
  return s;
}

TEST(SplitForInstall, UnitsAreTheFilesOwnAndCoverItExactly) {
  const std::string f = File();
  const std::vector<Chunk> chunks = Split(f);
  const std::vector<size_t> records = ChunkRecordOffsets(f);
  ASSERT_EQ(chunks.size(), records.size() + 2);  // head, records, trailer
  std::string joined;
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].offset, joined.size());
    // The crc is the one stored in the file right after the data (unit
    // checksums masked there), and it is the data's CRC-32C (the trailer's:
    // the whole file's).
    const bool trailer = i + 1 == chunks.size();
    EXPECT_EQ(Le32(trailer ? chunks[i].crc : internal::MaskCrc(chunks[i].crc)),
              f.substr(chunks[i].offset + chunks[i].data.size(), 4));
    if (!trailer) {
      EXPECT_EQ(chunks[i].crc, Crc32c(chunks[i].data)) << i;
    }
    if (i > 0 && i + 1 < chunks.size()) {
      EXPECT_EQ(chunks[i].offset, records[i - 1]);
    }
    joined.append(chunks[i].data.data(), chunks[i].data.size());
    joined += Le32(trailer ? chunks[i].crc : internal::MaskCrc(chunks[i].crc));
  }
  EXPECT_EQ(joined, f);
  EXPECT_TRUE(chunks.back().data.empty());
  EXPECT_EQ(chunks.back().crc, Crc32c(absl::string_view(f).substr(0, f.size() - 4)));
}

TEST(SplitForInstall, Refusals) {
  const std::string f = File();
  // The head of this file is 144 bytes and its records 12 + 64.
  absl::StatusOr<std::vector<Chunk>> head = SplitForInstall(f, 100);
  EXPECT_EQ(head.status().code(), absl::StatusCode::kFailedPrecondition) << head.status();
  EXPECT_TRUE(absl::StrContains(head.status().message(), "the head takes 144 bytes")) << head.status();
  EncodeOptions o;
  o.chunk_bytes = 4096;
  const std::string big = MustEncode(GeneratedState(4, 600, 10), o);
  absl::StatusOr<std::vector<Chunk>> small = SplitForInstall(big, 1000);
  EXPECT_EQ(small.status().code(), absl::StatusCode::kFailedPrecondition) << small.status();
  EXPECT_TRUE(absl::StrContains(small.status().message(), "chunk_bytes <= 988")) << small.status();
  EXPECT_TRUE(SplitForInstall(big, 4096 + 12).ok());
  EXPECT_FALSE(SplitForInstall(big, 4096 + 11).ok());
  EXPECT_TRUE(SplitForInstall(f, 144).ok());

  std::string one("RLSNAP\r\n\x01\0\0\0", 12);
  one += std::string(60, '\0');
  EXPECT_EQ(SplitForInstall(one, kWire).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitForInstall("hello", kWire).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitForInstall(absl::string_view(f).substr(0, f.size() - 1), kWire).status().code(),
            absl::StatusCode::kDataLoss);
  std::string bad_trailer = f;
  bad_trailer.back() ^= 1;
  EXPECT_EQ(SplitForInstall(bad_trailer, kWire).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ChunkIndexAt, FindsUnitStartsOnly) {
  const std::string f = File();
  const std::vector<Chunk> chunks = Split(f);
  for (size_t i = 0; i < chunks.size(); ++i) {
    absl::StatusOr<size_t> at = ChunkIndexAt(chunks, chunks[i].offset);
    ASSERT_TRUE(at.ok());
    EXPECT_EQ(*at, i);
  }
  EXPECT_EQ(ChunkIndexAt(chunks, 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ChunkIndexAt(chunks, f.size()).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(ChunkAssembler, InOrderTransferYieldsTheFile) {
  const std::string f = File();
  const std::vector<Chunk> chunks = Split(f);
  ChunkAssembler a({kFormatNumber});
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_FALSE(a.complete());
    ASSERT_TRUE(a.Add(chunks[i]).ok()) << i;
    if (i == 0) {
      ASSERT_TRUE(a.format().has_value());
      EXPECT_EQ(*a.format(), 2u);
      EXPECT_EQ(*a.last_index(), GeneratedState(4, 60, 10).last_index);
      EXPECT_EQ(*a.chunk_count(), chunks.size() - 2);
    }
  }
  EXPECT_TRUE(a.complete());
  EXPECT_EQ(a.chunks_received(), chunks.size() - 2);
  absl::StatusOr<std::string> file = a.TakeFile();
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(*file, f);
  EXPECT_TRUE(*Decode(*file) == GeneratedState(4, 60, 10));
}

TEST(ChunkAssembler, GapsOverlapsAndBadChecksumsLeaveItUnchanged) {
  const std::string f = File();
  const std::vector<Chunk> chunks = Split(f);
  ChunkAssembler a({kFormatNumber});
  ASSERT_TRUE(a.Add(chunks[0]).ok());
  ASSERT_TRUE(a.Add(chunks[1]).ok());
  const uint64_t next = a.next_offset();
  EXPECT_EQ(next, chunks[2].offset);

  absl::Status gap = a.Add(chunks[3]);
  EXPECT_EQ(gap.code(), absl::StatusCode::kOutOfRange) << gap;
  EXPECT_TRUE(absl::StrContains(gap.message(), "gap")) << gap;
  absl::Status dup = a.Add(chunks[1]);
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists) << dup;
  EXPECT_EQ(a.Add(chunks[0]).code(), absl::StatusCode::kAlreadyExists);

  std::string damaged(chunks[2].data);
  damaged[damaged.size() / 2] ^= 0x20;
  absl::Status crc = a.Add(chunks[2].offset, damaged, chunks[2].crc);
  EXPECT_EQ(crc.code(), absl::StatusCode::kDataLoss) << crc;
  EXPECT_TRUE(absl::StrContains(crc.message(), "checksum mismatch")) << crc;
  EXPECT_EQ(a.Add(chunks[2].offset, chunks[2].data, chunks[2].crc ^ 1).code(),
            absl::StatusCode::kDataLoss);

  // A valid record from elsewhere in the file, offered at this offset.
  absl::Status misplaced = a.Add(next, chunks[3].data, chunks[3].crc);
  EXPECT_EQ(misplaced.code(), absl::StatusCode::kDataLoss) << misplaced;
  EXPECT_TRUE(absl::StrContains(misplaced.message(), "says chunk_offset")) << misplaced;

  EXPECT_EQ(a.next_offset(), next);
  EXPECT_EQ(a.bytes(), absl::string_view(f).substr(0, next));
  for (size_t i = 2; i < chunks.size(); ++i) ASSERT_TRUE(a.Add(chunks[i]).ok()) << i;
  EXPECT_EQ(*a.TakeFile(), f);
}

TEST(ChunkAssembler, TrailerAndCompletion) {
  const std::string f = File();
  const std::vector<Chunk> chunks = Split(f);
  ChunkAssembler a({kFormatNumber});
  for (size_t i = 0; i + 1 < chunks.size(); ++i) ASSERT_TRUE(a.Add(chunks[i]).ok());
  EXPECT_EQ(a.TakeFile().status().code(), absl::StatusCode::kFailedPrecondition);
  const Chunk& t = chunks.back();
  EXPECT_EQ(a.Add(t.offset, t.data, t.crc ^ 4).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(a.Add(t.offset, "x", t.crc).code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(a.Add(t).ok());
  EXPECT_EQ(a.Add(t).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*a.TakeFile(), f);
}

TEST(ChunkAssembler, SenderDiskRotIsCaughtByTheReceiver) {
  // The sender's copy rotted after it was written: SplitForInstall copies the
  // stored checksums and reads no data, so the receiver refuses that chunk.
  std::string f = File();
  const std::vector<size_t> records = ChunkRecordOffsets(f);
  f[records[2] + 30] ^= 0x01;
  const std::vector<Chunk> chunks = Split(f);
  ChunkAssembler a({kFormatNumber});
  ASSERT_TRUE(a.Add(chunks[0]).ok());
  ASSERT_TRUE(a.Add(chunks[1]).ok());
  ASSERT_TRUE(a.Add(chunks[2]).ok());
  absl::Status s = a.Add(chunks[3]);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_EQ(a.next_offset(), records[2]);
}

// The sender's snapshot changed mid-transfer and the receiver did not start
// over: units of two files of the same shape. Each verifies on its own; the
// trailer refuses the mix.
TEST(ChunkAssembler, AMixOfTwoSnapshotsIsRefusedAtTheTrailer) {
  SnapshotState a, b;
  for (int i = 0; i < 20; ++i) {
    a.kv["key" + std::to_string(i)] = std::string(50, static_cast<char>('a' + i));
    b.kv["key" + std::to_string(i)] = std::string(50, static_cast<char>('A' + i));
  }
  const std::string fa = MustEncode(a, TinyChunks());
  const std::string fb = MustEncode(b, TinyChunks());
  const std::vector<Chunk> ca = Split(fa);
  const std::vector<Chunk> cb = Split(fb);
  ASSERT_EQ(ca.size(), cb.size());
  ChunkAssembler r({kFormat2});
  for (size_t i = 0; i + 1 < ca.size(); ++i) {
    ASSERT_EQ(ca[i].offset, cb[i].offset);
    ASSERT_TRUE(r.Add(i == 2 ? cb[i] : ca[i]).ok()) << i;
  }
  absl::Status s = r.Add(ca.back());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "whole-file checksum mismatch")) << s;
}

TEST(ChunkAssembler, FormatsAndLimitsOfTheReceiver) {
  // A container head labelled format 3 (resealed): a v2 receiver refuses it,
  // a v3 receiver takes it.
  std::string three = File();
  PutU32At(&three, 8, 3);
  ResealAll(&three);
  const std::vector<Chunk> chunks = Split(three);
  ChunkAssembler v2({kFormat2});
  absl::Status s = v2.Add(chunks[0]);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  ChunkAssembler v3({kFormat2, kFormat3});
  EXPECT_TRUE(v3.Add(chunks[0]).ok());

  DecodeLimits tight;
  tight.max_body_bytes = 100;
  ChunkAssembler small({kFormat2}, tight);
  const std::string plain = File();
  EXPECT_EQ(small.Add(Split(plain)[0]).code(), absl::StatusCode::kResourceExhausted);

  std::string absurd = File();
  PutU32At(&absurd, kOffsetChunkCount, 0xFFFFFFF0u);
  ResealAll(&absurd);
  const std::string head = absurd.substr(0, ChunkRecordOffsets(File())[0]);
  ChunkAssembler a({kFormat2});
  absl::Status st = a.Add(0, absl::string_view(head).substr(0, head.size() - 4),
                          Crc32c(absl::string_view(head).substr(0, head.size() - 4)));
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
  const std::string whole = File();
  const std::string torn(Split(whole)[0].data.substr(0, 20));
  EXPECT_EQ(a.Add(0, torn, Crc32c(torn)).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(a.Add(0, "GIF89a....", Crc32c("GIF89a....")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ChunkAssembler, ResumeFromAPersistedPrefix) {
  const std::string f = File();
  const std::vector<Chunk> chunks = Split(f);
  const std::vector<size_t> records = ChunkRecordOffsets(f);
  // Every cut of the file: Resume keeps the longest prefix of whole units
  // and the transfer completes from there.
  for (size_t cut = 0; cut <= f.size(); cut += 7) {
    ChunkAssembler a = ChunkAssembler::Resume({kFormat2}, absl::string_view(f).substr(0, cut));
    uint64_t want = 0;
    for (const Chunk& c : chunks) {
      if (c.offset + c.data.size() + 4 <= cut) want = c.offset + c.data.size() + 4;
    }
    ASSERT_EQ(a.next_offset(), want) << "cut " << cut;
    absl::StatusOr<size_t> from = ChunkIndexAt(chunks, a.next_offset());
    if (a.next_offset() == f.size()) {
      EXPECT_TRUE(a.complete());
    } else {
      ASSERT_TRUE(from.ok()) << from.status();
      for (size_t i = *from; i < chunks.size(); ++i) ASSERT_TRUE(a.Add(chunks[i]).ok());
    }
    ASSERT_EQ(*a.TakeFile(), f) << "cut " << cut;
  }
  // A damaged unit in the persisted prefix: resume before it.
  std::string torn = f;
  torn[records[3] + 20] ^= 0x08;
  ChunkAssembler b = ChunkAssembler::Resume({kFormat2}, torn);
  EXPECT_EQ(b.next_offset(), records[3]);
  EXPECT_FALSE(b.complete());
  // Garbage: start from zero.
  EXPECT_EQ(ChunkAssembler::Resume({kFormat2}, "garbage garbage garbage").next_offset(), 0u);
}

// A lossy network: messages dropped, duplicated and reordered (seeded). The
// sender always sends a window of chunks from the receiver's next_offset;
// the receiver's refusals never corrupt it and the transfer completes.
TEST(ChunkAssembler, CompletesOverALossyNetwork) {
  const std::string f = MustEncode(GeneratedState(9, 400, 50), TinyChunks());
  const std::vector<Chunk> chunks = Split(f);
  uint64_t rng = 42;
  auto next = [&rng]() {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return rng >> 33;
  };
  ChunkAssembler a({kFormat2});
  int rounds = 0, refused = 0;
  while (!a.complete()) {
    ASSERT_LT(++rounds, 100000);
    const size_t from = *ChunkIndexAt(chunks, a.next_offset());
    std::vector<Chunk> in_flight;
    for (size_t i = from; i < chunks.size() && i < from + 4; ++i) {
      const uint64_t fate = next() % 10;
      if (fate < 3) continue;                          // dropped
      in_flight.push_back(chunks[i]);
      if (fate == 9) in_flight.push_back(chunks[i]);   // duplicated
    }
    if (in_flight.size() > 1 && next() % 2) std::swap(in_flight[0], in_flight[1]);  // reordered
    for (const Chunk& c : in_flight) {
      absl::Status s = a.Add(c);
      if (!s.ok()) {
        ++refused;
        ASSERT_TRUE(s.code() == absl::StatusCode::kOutOfRange ||
                    s.code() == absl::StatusCode::kAlreadyExists ||
                    s.code() == absl::StatusCode::kFailedPrecondition)
            << s;
      }
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(*a.TakeFile(), f);
}

}  // namespace
}  // namespace raftlog::snapshots::format2
