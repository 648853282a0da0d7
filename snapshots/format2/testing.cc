#include "snapshots/format2/testing.h"

#include <cstdio>
#include <cstdlib>

#include <zstd.h>

#include "snapshots/crc32c.h"
#include "snapshots/format1/testing.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/internal/bytes.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format2::testing {
namespace {

using internal::LoadU32;
using internal::LoadU64;

void AddFormat2Fields(SnapshotState* s, uint64_t seed) {
  s->cluster_version = 2;
  // Learners above every voter id, so the lists stay disjoint.
  const uint64_t base = s->voters.empty() ? 100 : s->voters.back() + 1;
  for (uint64_t i = 0; i < 1 + seed % 3; ++i) s->learners.push_back(base + 2 * i);
}

}  // namespace

SnapshotState EmptyState() { return SnapshotState(); }

SnapshotState SmallState() {
  SnapshotState s = format1::testing::SmallState();
  AddFormat2Fields(&s, 1);
  return s;
}

SnapshotState GeneratedState(uint64_t seed, int kv_pairs, int sessions) {
  SnapshotState s = format1::testing::GeneratedState(seed, kv_pairs, sessions);
  AddFormat2Fields(&s, seed);
  return s;
}

EncodeOptions TinyChunks() {
  EncodeOptions o;
  o.chunk_bytes = kMinChunkBytes;
  return o;
}

std::string MustEncode(const SnapshotState& state, const EncodeOptions& options) {
  absl::StatusOr<std::string> bytes = Encode(state, options);
  if (!bytes.ok()) {
    std::fprintf(stderr, "format2 MustEncode: %s\n", bytes.status().ToString().c_str());
    std::abort();
  }
  return *std::move(bytes);
}

void PutU32At(std::string* file, size_t offset, uint32_t v) {
  internal::StoreU32(&(*file)[offset], v);
}
void PutU64At(std::string* file, size_t offset, uint64_t v) {
  internal::StoreU64(&(*file)[offset], v);
}

namespace {
// Offset of head_crc, or 0 when the file is too short to say.
size_t HeadCrcOffset(absl::string_view file) {
  if (file.size() < kOffsetHeadLen + 4) return 0;
  const size_t at = kOffsetHeadLen + 4 + LoadU32(file.data() + kOffsetHeadLen);
  return at + 4 <= file.size() ? at : 0;
}
}  // namespace

std::vector<size_t> ChunkRecordOffsets(absl::string_view file) {
  std::vector<size_t> out;
  const size_t crc_at = HeadCrcOffset(file);
  if (crc_at == 0 || file.size() < kOffsetChunkCount + 4) return out;
  const uint32_t count = LoadU32(file.data() + kOffsetChunkCount);
  size_t pos = crc_at + 4;
  for (uint32_t k = 0; k < count; ++k) {
    if (file.size() - pos < kChunkRecordHeaderBytes) break;
    const size_t len = LoadU32(file.data() + pos + 8);
    if (file.size() - pos < kChunkOverheadBytes + len) break;
    out.push_back(pos);
    pos += kChunkOverheadBytes + len;
  }
  return out;
}

size_t FirstChunkDataOffset(absl::string_view file) {
  return ChunkRecordOffsets(file).at(0) + kChunkRecordHeaderBytes;
}

void ResealHead(std::string* file) {
  const size_t at = HeadCrcOffset(*file);
  if (at == 0) return;
  PutU32At(file, at, internal::MaskCrc(Crc32c(absl::string_view(*file).substr(0, at))));
}

void ResealChunks(std::string* file) {
  for (size_t pos : ChunkRecordOffsets(*file)) {
    const size_t len = LoadU32(file->data() + pos + 8);
    const size_t crc_at = pos + kChunkRecordHeaderBytes + len;
    PutU32At(file, crc_at,
             internal::MaskCrc(
                 Crc32c(absl::string_view(*file).substr(pos, kChunkRecordHeaderBytes + len))));
  }
}

void ResealTrailer(std::string* file) {
  if (file->size() < 4) return;
  const size_t at = file->size() - 4;
  PutU32At(file, at, Crc32c(absl::string_view(*file).substr(0, at)));
}

void ResealAll(std::string* file) {
  ResealHead(file);
  ResealChunks(file);
  ResealTrailer(file);
}

bool PatchFrameContentSize(std::string* file, uint64_t fcs) {
  const size_t at = FirstChunkDataOffset(*file);
  const auto fhd = static_cast<unsigned char>((*file)[at + 4]);
  const int fcs_flag = fhd >> 6;
  const bool single_segment = (fhd >> 5) & 1;
  const int dict_flag = fhd & 3;
  static constexpr int kDictBytes[4] = {0, 1, 2, 4};
  size_t field = at + 5 + (single_segment ? 0 : 1) + kDictBytes[dict_flag];
  switch (fcs_flag) {
    case 2:
      if (fcs > 0xFFFFFFFFu) return false;
      PutU32At(file, field, static_cast<uint32_t>(fcs));
      return true;
    case 3:
      PutU64At(file, field, fcs);
      return true;
    default:
      return false;
  }
}

std::string HandmadeFile(const SnapshotState& h, uint64_t body_bytes, absl::string_view stream,
                         uint32_t chunk_bytes, const std::vector<size_t>& cuts,
                         uint32_t format, absl::string_view extension) {
  std::vector<absl::string_view> pieces;
  size_t at = 0;
  for (size_t cut : cuts) {
    pieces.push_back(stream.substr(at, cut));
    at += cut;
  }
  if (cuts.empty()) {
    for (; at < stream.size(); at += chunk_bytes) pieces.push_back(stream.substr(at, chunk_bytes));
  } else if (at < stream.size()) {
    pieces.push_back(stream.substr(at));
  }
  std::string f;
  AppendPreamble(format, &f);
  internal::PutU32(static_cast<uint32_t>(kHeadFixedBytes + 2 * kIdCountBytes +
                                         kIdBytes * (h.voters.size() + h.learners.size()) +
                                         extension.size()),
                   &f);
  internal::PutU64(h.last_index, &f);
  internal::PutU64(h.last_term, &f);
  internal::PutU64(h.config_index, &f);
  internal::PutU64(body_bytes, &f);
  internal::PutU32(h.cluster_version, &f);
  internal::PutU32(chunk_bytes, &f);
  internal::PutU32(static_cast<uint32_t>(pieces.size()), &f);
  internal::PutU32(kDefaultZstdLevel, &f);
  internal::PutU32(static_cast<uint32_t>(h.voters.size()), &f);
  for (uint64_t id : h.voters) internal::PutU64(id, &f);
  internal::PutU32(static_cast<uint32_t>(h.learners.size()), &f);
  for (uint64_t id : h.learners) internal::PutU64(id, &f);
  f.append(extension.data(), extension.size());
  internal::PutU32(internal::MaskCrc(Crc32c(f)), &f);
  for (absl::string_view piece : pieces) {
    const size_t start = f.size();
    internal::PutU64(start, &f);
    internal::PutU32(static_cast<uint32_t>(piece.size()), &f);
    f.append(piece.data(), piece.size());
    internal::PutU32(internal::MaskCrc(Crc32c(absl::string_view(f).substr(start))), &f);
  }
  internal::PutU32(Crc32c(f), &f);
  return f;
}

std::string HandmadeFrame(uint64_t fcs, absl::string_view raw, uint64_t rle_blocks,
                          char rle_byte, int window_log, bool unfinished) {
  std::string f;
  internal::PutU32(kZstdFrameMagic, &f);
  // Frame_Header_Descriptor: FCS flag 3 (8 bytes) or 0 (absent), not single
  // segment, no checksum, no dictionary id.
  f.push_back(static_cast<char>(fcs == kNoContentSize ? 0x00 : 0xC0));
  // Window_Descriptor: exponent = window_log - 10, mantissa 0.
  f.push_back(static_cast<char>((window_log - 10) << 3));
  if (fcs != kNoContentSize) internal::PutU64(fcs, &f);
  auto block = [&f](bool last, uint32_t type, uint32_t size) {
    const uint32_t h = (last ? 1u : 0u) | (type << 1) | (size << 3);
    for (int i = 0; i < 3; ++i) f.push_back(static_cast<char>((h >> (8 * i)) & 0xFF));
  };
  block(!unfinished && rle_blocks == 0, /*raw*/ 0, static_cast<uint32_t>(raw.size()));
  f.append(raw.data(), raw.size());
  for (uint64_t i = 0; i < rle_blocks; ++i) {
    block(!unfinished && i + 1 == rle_blocks, /*RLE*/ 1, 128 << 10);
    f.push_back(rle_byte);
  }
  return f;
}

std::string ReferenceFrame(absl::string_view body, int level, uint32_t chunk_bytes) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog,
                         internal::WriterWindowLog(level, body.size(), chunk_bytes));
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0);
  std::string out(ZSTD_compressBound(body.size()), '\0');
  const size_t n = ZSTD_compress2(cctx, &out[0], out.size(), body.data(), body.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) {
    std::fprintf(stderr, "ReferenceFrame: %s\n", ZSTD_getErrorName(n));
    std::abort();
  }
  out.resize(n);
  return out;
}

std::vector<std::string> SampleFiles() {
  return {MustEncode(EmptyState()), MustEncode(SmallState()),
          MustEncode(SmallState(), TinyChunks()),
          MustEncode(GeneratedState(1, 3, 2), TinyChunks()),
          MustEncode(GeneratedState(2, 20, 10))};
}

}  // namespace raftlog::snapshots::format2::testing
