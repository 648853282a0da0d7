// Chunked install of container files. See install.h and FORMAT.md,
// "Chunked install".
#include "snapshots/format2/install.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/internal/bytes.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format2 {
namespace {

using internal::LoadU32;
using internal::LoadU64;

std::string Hex32(uint32_t v) { return absl::StrFormat("0x%08x", v); }

}  // namespace

absl::StatusOr<std::vector<Chunk>> SplitForInstall(absl::string_view file, size_t max_chunk) {
  absl::StatusOr<uint32_t> format = ReadPreamble(file);
  if (!format.ok()) return format.status();
  if (!internal::IsContainerFormat(*format)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot format ", *format,
        " is not a chunked format: only formats 2 and 3 are split for install"));
  }
  internal::Layout layout;
  absl::StatusOr<internal::Head> head = internal::ReadHead(file, *format);
  if (!head.ok()) return head.status();
  layout.head = *std::move(head);
  absl::Status s = internal::ReadChunks(file, &layout);
  if (!s.ok()) return s;
  if (layout.file_crc != internal::ExpectedFileCrc(layout)) {
    return absl::DataLossError(absl::StrCat(
        "snapshot format ", *format, ": the trailer (", Hex32(layout.file_crc),
        ") disagrees with the stored chunk checksums; the file is corrupt"));
  }
  const size_t head_data = layout.head.end - kHeadCrcBytes;
  if (head_data > max_chunk) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the head takes ", head_data, " bytes, more than the transport's max_chunk ", max_chunk));
  }
  uint32_t largest = 0;
  for (const internal::ChunkRecord& c : layout.chunks) largest = std::max(largest, c.data_len);
  if (kChunkRecordHeaderBytes + largest > max_chunk) {
    return absl::FailedPreconditionError(absl::StrCat(
        "chunk records carry up to ", kChunkRecordHeaderBytes + largest, " bytes (chunk_bytes ",
        layout.head.chunk_bytes, " + ", kChunkRecordHeaderBytes,
        "), more than the transport's max_chunk ", max_chunk,
        "; re-encode with EncodeOptions::chunk_bytes <= ",
        max_chunk > kChunkRecordHeaderBytes ? max_chunk - kChunkRecordHeaderBytes : 0));
  }
  std::vector<Chunk> chunks;
  chunks.reserve(layout.chunks.size() + 2);
  chunks.push_back({0, file.substr(0, head_data), layout.head.head_crc});
  for (const internal::ChunkRecord& c : layout.chunks) {
    chunks.push_back({c.offset,
                      file.substr(static_cast<size_t>(c.offset),
                                  kChunkRecordHeaderBytes + c.data_len),
                      c.crc});
  }
  chunks.push_back({layout.trailer_offset, absl::string_view(), layout.file_crc});
  return chunks;
}

absl::StatusOr<size_t> ChunkIndexAt(const std::vector<Chunk>& chunks, uint64_t offset) {
  const auto it = std::lower_bound(
      chunks.begin(), chunks.end(), offset,
      [](const Chunk& c, uint64_t off) { return c.offset < off; });
  if (it == chunks.end() || it->offset != offset) {
    return absl::OutOfRangeError(absl::StrCat("no chunk starts at offset ", offset));
  }
  return static_cast<size_t>(it - chunks.begin());
}

ChunkAssembler::ChunkAssembler(std::vector<uint32_t> formats, DecodeLimits limits)
    : formats_(std::move(formats)), limits_(limits) {
  for (uint32_t f : formats_) {
    if (!internal::IsContainerFormat(f)) {
      std::fprintf(stderr, "ChunkAssembler: format %u is not a chunked-container format\n", f);
      std::abort();
    }
  }
}

ChunkAssembler ChunkAssembler::Resume(std::vector<uint32_t> formats, absl::string_view partial,
                                      DecodeLimits limits) {
  ChunkAssembler a(std::move(formats), limits);
  // Offer the partial file to Add unit by unit, as the sender would have;
  // stop at the first unit that is incomplete or refused.
  size_t pos = 0;
  while (!a.complete()) {
    const absl::string_view rest = partial.substr(pos);
    size_t unit = 0;  // bytes of the unit at pos, its CRC included
    if (a.stage_ == Stage::kHead) {
      if (rest.size() < kPreambleBytes + kHeadLenBytes) break;
      unit = kPreambleBytes + kHeadLenBytes + LoadU32(rest.data() + kOffsetHeadLen) +
             kHeadCrcBytes;
    } else if (a.stage_ == Stage::kChunks) {
      if (rest.size() < kChunkRecordHeaderBytes) break;
      unit = kChunkOverheadBytes + LoadU32(rest.data() + 8);
    } else {
      unit = kTrailerBytes;
    }
    if (rest.size() < unit) break;
    const absl::string_view data = rest.substr(0, unit - 4);
    const uint32_t stored = LoadU32(rest.data() + unit - 4);
    // Unit checksums are stored masked; the trailer is not.
    const uint32_t crc = a.stage_ == Stage::kTrailer ? stored : internal::UnmaskCrc(stored);
    if (!a.Add(pos, data, crc).ok()) break;
    pos += unit;
  }
  return a;
}

std::optional<uint32_t> ChunkAssembler::format() const {
  if (!head_) return std::nullopt;
  return head_->format;
}
std::optional<uint64_t> ChunkAssembler::last_index() const {
  if (!head_) return std::nullopt;
  return head_->last_index;
}
std::optional<uint64_t> ChunkAssembler::last_term() const {
  if (!head_) return std::nullopt;
  return head_->last_term;
}
std::optional<uint32_t> ChunkAssembler::chunk_count() const {
  if (!head_) return std::nullopt;
  return head_->chunk_count;
}

absl::Status ChunkAssembler::Add(uint64_t offset, absl::string_view data, uint32_t crc) {
  if (stage_ == Stage::kDone) {
    return absl::FailedPreconditionError(
        absl::StrCat("transfer already complete (", file_.size(), " bytes)"));
  }
  if (offset < file_.size()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "chunk at offset ", offset, " overlaps the ", file_.size(),
        " bytes already assembled; next expected offset ", file_.size()));
  }
  if (offset > file_.size()) {
    return absl::OutOfRangeError(absl::StrCat("gap: chunk at offset ", offset,
                                              " but the next expected offset is ",
                                              file_.size(), "; resume from there"));
  }
  switch (stage_) {
    case Stage::kHead:
      return AddHead(data, crc);
    case Stage::kChunks:
      return AddChunkRecord(offset, data, crc);
    case Stage::kTrailer:
      return AddTrailer(data, crc);
    case Stage::kDone:
      break;
  }
  return absl::InternalError("unreachable");
}

void ChunkAssembler::Append(absl::string_view data, uint32_t crc) {
  file_.append(data.data(), data.size());
  internal::PutU32(internal::MaskCrc(crc), &file_);
  running_crc_ = internal::ExtendFileCrc(running_crc_, crc, data.size());
}

absl::Status ChunkAssembler::AddHead(absl::string_view data, uint32_t crc) {
  const uint32_t computed = Crc32c(data);
  if (computed != crc) {
    return absl::DataLossError(absl::StrCat("head chunk (offset 0, ", data.size(),
                                            " bytes) checksum mismatch (sent ", Hex32(crc),
                                            ", computed ", Hex32(computed), ")"));
  }
  std::string unit(data);
  internal::PutU32(internal::MaskCrc(crc), &unit);
  absl::StatusOr<uint32_t> format = ReadPreamble(unit);
  if (!format.ok()) return format.status();
  if (std::find(formats_.begin(), formats_.end(), *format) == formats_.end()) {
    return absl::UnimplementedError(absl::StrCat("snapshot format ", *format,
                                                 " is not one this receiver reads (formats ",
                                                 absl::StrJoin(formats_, ", "), ")"));
  }
  absl::StatusOr<internal::Head> head = internal::ReadHead(unit, *format);
  if (!head.ok()) return head.status();
  if (head->end != unit.size()) {
    return absl::DataLossError(absl::StrCat("head chunk holds ", unit.size(),
                                            " bytes but the head it starts is ", head->end,
                                            " bytes"));
  }
  absl::Status limits = internal::CheckLimits(*head, limits_);
  if (!limits.ok()) return limits;
  const uint64_t max_chunks = internal::MaxChunkCount(head->body_bytes, head->chunk_bytes);
  if (head->chunk_count > max_chunks) {
    return absl::DataLossError(absl::StrCat("head declares chunk_count ", head->chunk_count,
                                            ", more than a body of ", head->body_bytes,
                                            " bytes can fill (", max_chunks, ")"));
  }
  head_ = HeadInfo{head->format, head->last_index, head->last_term, head->chunk_bytes,
                   head->chunk_count};
  Append(data, crc);
  stage_ = Stage::kChunks;
  return absl::OkStatus();
}

absl::Status ChunkAssembler::AddChunkRecord(uint64_t offset, absl::string_view data,
                                            uint32_t crc) {
  const uint32_t k = chunks_received_;
  if (data.size() <= kChunkRecordHeaderBytes ||
      data.size() > kChunkRecordHeaderBytes + head_->chunk_bytes) {
    return absl::DataLossError(absl::StrCat("chunk ", k, " at offset ", offset, ": ",
                                            data.size(), " bytes is not a chunk record of 1..",
                                            head_->chunk_bytes, " data bytes"));
  }
  const uint32_t computed = Crc32c(data);
  if (computed != crc) {
    return absl::DataLossError(absl::StrCat("chunk ", k, " at offset ", offset,
                                            " checksum mismatch (sent ", Hex32(crc),
                                            ", computed ", Hex32(computed), ")"));
  }
  const uint64_t says = LoadU64(data.data());
  const uint32_t len = LoadU32(data.data() + 8);
  if (says != offset) {
    return absl::DataLossError(absl::StrCat("chunk ", k, " arrived for offset ", offset,
                                            " but its record says chunk_offset ", says));
  }
  if (len != data.size() - kChunkRecordHeaderBytes) {
    return absl::DataLossError(absl::StrCat("chunk ", k, " says data_len ", len, " but carries ",
                                            data.size() - kChunkRecordHeaderBytes));
  }
  const bool last = k + 1 == head_->chunk_count;
  if (!last && len != head_->chunk_bytes) {
    return absl::DataLossError(absl::StrCat("chunk ", k, " holds ", len,
                                            " bytes; every chunk but the last holds exactly "
                                            "chunk_bytes (",
                                            head_->chunk_bytes, ")"));
  }
  Append(data, crc);
  ++chunks_received_;
  if (last) stage_ = Stage::kTrailer;
  return absl::OkStatus();
}

absl::Status ChunkAssembler::AddTrailer(absl::string_view data, uint32_t crc) {
  if (!data.empty()) {
    return absl::DataLossError(absl::StrCat("the trailer chunk carries ", data.size(),
                                            " data bytes; it must carry none"));
  }
  if (crc != running_crc_) {
    return absl::DataLossError(absl::StrCat("whole-file checksum mismatch: the trailer says ",
                                            Hex32(crc), ", the assembled file has ",
                                            Hex32(running_crc_)));
  }
  internal::PutU32(crc, &file_);
  stage_ = Stage::kDone;
  return absl::OkStatus();
}

absl::StatusOr<std::string> ChunkAssembler::TakeFile() {
  if (!complete()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "transfer incomplete: ", file_.size(), " bytes assembled, ", chunks_received_, " of ",
        head_ ? absl::StrCat(head_->chunk_count) : std::string("?"), " chunks"));
  }
  std::string out = std::move(file_);
  file_.clear();
  stage_ = Stage::kHead;
  head_.reset();
  chunks_received_ = 0;
  running_crc_ = 0;
  return out;
}

}  // namespace raftlog::snapshots::format2
