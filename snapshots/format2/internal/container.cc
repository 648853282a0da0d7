// The chunked container: head, chunk records, trailer. See container.h;
// grammar in snapshots/FORMAT.md, "The chunked container".
//
// Decoding order (each step trusts only what the previous ones verified):
//   1. preamble, head_len, head_crc; then the head fields and their limits;
//   2. the reader's configured limits (kResourceExhausted);
//   3. the chunk records' positions and lengths and the end of the file
//      (no chunk data read);
//   4. the trailer against the stored unit checksums (CRC combination);
//   5. the body, streamed: each chunk's data checked against its chunk_crc
//      right before zstd sees it (body.cc).
#include "snapshots/format2/internal/container.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getCParams
#include <zstd.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/internal/body.h"
#include "snapshots/format2/internal/crc32c_combine.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format2::internal {
namespace {

std::string Hex32(uint32_t v) { return absl::StrFormat("0x%08x", v); }

absl::Status WithContext(uint32_t format, const absl::Status& s) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(FormatName(format), ": ", s.message()));
}

// Checks the options every container writer takes.
absl::Status CheckOptions(uint32_t format, const EncodeOptions& options) {
  if (options.zstd_level < kMinZstdLevel || options.zstd_level > kMaxZstdLevel) {
    return absl::InvalidArgumentError(absl::StrCat(FormatName(format), ": zstd_level ",
                                                   options.zstd_level, " outside ",
                                                   kMinZstdLevel, "..", kMaxZstdLevel));
  }
  if (options.chunk_bytes < kMinChunkBytes || options.chunk_bytes > kMaxChunkBytes) {
    return absl::InvalidArgumentError(absl::StrCat(FormatName(format), ": chunk_bytes ",
                                                   options.chunk_bytes, " outside ",
                                                   kMinChunkBytes, "..", kMaxChunkBytes));
  }
  return absl::OkStatus();
}

int FloorLog2(uint32_t v) {
  int log = 0;
  while (v >>= 1) ++log;
  return log;
}

void PutIds(const std::vector<uint64_t>& ids, std::string* out) {
  PutU32(static_cast<uint32_t>(ids.size()), out);
  for (uint64_t id : ids) PutU64(id, out);
}

// Writes a whole file: head (from head_state, with `extension`), the body
// (from body_state, or `raw`), trailer. Everything was checked by the caller.
absl::StatusOr<std::string> Assemble(uint32_t format, const SnapshotState& head_state,
                                     absl::string_view extension, uint64_t body_bytes,
                                     const SnapshotState* body_state, absl::string_view raw,
                                     const EncodeOptions& options) {
  const uint64_t head_len = kHeadFixedBytes + kIdCountBytes * 2 +
                            kIdBytes * (head_state.voters.size() + head_state.learners.size()) +
                            extension.size();
  if (head_len > kMaxHeadFieldsBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        FormatName(format), ": the head would take ", head_len, " bytes; the format allows ",
        kMaxHeadFieldsBytes));
  }
  const uint64_t max_chunks = MaxChunkCount(body_bytes, options.chunk_bytes);
  if (max_chunks > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat(
        FormatName(format), ": chunk_bytes ", options.chunk_bytes,
        " is too small for a body of ", body_bytes, " bytes (chunk_count is a u32)"));
  }

  std::string out;
  const size_t head_end = kPreambleBytes + kHeadLenBytes + head_len + kHeadCrcBytes;
  // Room for the worst case, so the output never moves while zstd writes
  // into it; pages beyond what is written are never touched.
  out.reserve(head_end + CompressBound(body_bytes) + max_chunks * kChunkOverheadBytes +
              options.chunk_bytes + kTrailerBytes);
  AppendPreamble(format, &out);
  PutU32(static_cast<uint32_t>(head_len), &out);
  PutU64(head_state.last_index, &out);
  PutU64(head_state.last_term, &out);
  PutU64(head_state.config_index, &out);
  PutU64(body_bytes, &out);
  PutU32(head_state.cluster_version, &out);
  PutU32(options.chunk_bytes, &out);
  PutU32(0, &out);  // chunk_count, known once the body is written
  PutU32(static_cast<uint32_t>(options.zstd_level), &out);
  PutIds(head_state.voters, &out);
  PutIds(head_state.learners, &out);
  out.append(extension.data(), extension.size());
  out.resize(head_end);  // head_crc, written last

  const int window_log = WriterWindowLog(options.zstd_level, body_bytes, options.chunk_bytes);
  absl::StatusOr<std::vector<ChunkRecord>> records = WriteBody(
      body_state, raw, body_bytes, options.zstd_level, window_log, options.chunk_bytes, &out);
  if (!records.ok()) return WithContext(format, records.status());

  StoreU32(&out[kOffsetChunkCount], static_cast<uint32_t>(records->size()));
  const uint32_t head_crc = Crc32c(absl::string_view(out).substr(0, head_end - kHeadCrcBytes));
  StoreU32(&out[head_end - kHeadCrcBytes], MaskCrc(head_crc));
  uint32_t running = ExtendFileCrc(0, head_crc, head_end - kHeadCrcBytes);
  for (const ChunkRecord& r : *records) {
    running = ExtendFileCrc(running, r.crc, kChunkRecordHeaderBytes + r.data_len);
  }
  PutU32(running, &out);
  return out;
}

}  // namespace

std::string FormatName(uint32_t format) { return absl::StrCat("snapshot format ", format); }

uint64_t CompressBound(uint64_t body_bytes) {
  // ZSTD_COMPRESSBOUND, in 64 bits and saturating.
  constexpr uint64_t kBlock = 128 << 10;
  if (body_bytes > (std::numeric_limits<uint64_t>::max() >> 1)) {
    return std::numeric_limits<uint64_t>::max();
  }
  return body_bytes + (body_bytes >> 8) +
         (body_bytes < kBlock ? (kBlock - body_bytes) >> 11 : 0);
}

uint64_t MaxChunkCount(uint64_t body_bytes, uint32_t chunk_bytes) {
  const uint64_t bound = CompressBound(body_bytes);
  if (bound == std::numeric_limits<uint64_t>::max()) return bound;
  return bound / chunk_bytes + 1;
}

int WriterWindowLog(int zstd_level, uint64_t body_bytes, uint32_t chunk_bytes) {
  const ZSTD_compressionParameters cp = ZSTD_getCParams(zstd_level, body_bytes, 0);
  int log = static_cast<int>(cp.windowLog);
  log = std::min({log, FloorLog2(chunk_bytes), kMaxWindowLog});
  return std::max(log, kMinWindowLog);
}

uint32_t ExtendFileCrc(uint32_t running, uint32_t unit_crc, uint64_t payload_len) {
  char crc_bytes[4];
  StoreU32(crc_bytes, MaskCrc(unit_crc));
  return Crc32c(absl::string_view(crc_bytes, 4),
                Crc32cCombine(running, unit_crc, payload_len));
}

uint32_t ExpectedFileCrc(const Layout& layout) {
  uint32_t running = ExtendFileCrc(0, layout.head.head_crc, layout.head.end - kHeadCrcBytes);
  for (const ChunkRecord& r : layout.chunks) {
    running = ExtendFileCrc(running, r.crc, kChunkRecordHeaderBytes + r.data_len);
  }
  return running;
}

bool IsContainerFormat(uint32_t format) { return format == kFormat2 || format == kFormat3; }

absl::Status ReadIdList(Reader& r, absl::string_view what, std::vector<uint64_t>* ids) {
  uint32_t count = 0;
  F2_RETURN_IF_ERROR(r.U32(&count, absl::StrCat(what, " count")));
  if (count > kMaxIds) {
    return absl::DataLossError(absl::StrCat(what, " count ", count, " exceeds the limit of ",
                                            kMaxIds));
  }
  F2_RETURN_IF_ERROR(r.CheckCount(count, kIdBytes, what));
  ids->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t id = 0;
    F2_RETURN_IF_ERROR(r.U64(&id, what));
    if (!ids->empty() && id <= ids->back()) {
      return absl::DataLossError(absl::StrCat(what, " ids not strictly increasing: ",
                                              ids->back(), " then ", id));
    }
    ids->push_back(id);
  }
  return absl::OkStatus();
}

absl::Status CheckIdListForEncode(uint32_t format, const std::vector<uint64_t>& ids,
                                  absl::string_view what) {
  if (ids.size() > kMaxIds) {
    return absl::FailedPreconditionError(absl::StrCat(FormatName(format), " holds at most ",
                                                      kMaxIds, " ", what, "; state has ",
                                                      ids.size()));
  }
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] <= ids[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(what, " must be sorted and unique; got ",
                                                     ids[i - 1], " then ", ids[i]));
    }
  }
  return absl::OkStatus();
}

void AppendIdList(const std::vector<uint64_t>& ids, std::string* out) { PutIds(ids, out); }

absl::StatusOr<Head> ReadHead(absl::string_view file, uint32_t format) {
  absl::StatusOr<uint32_t> got = ReadPreamble(file);
  if (!got.ok()) return got.status();
  if (*got != format) {
    return absl::UnimplementedError(absl::StrCat("snapshot format ", *got,
                                                 "; this is the format ", format,
                                                 " decoder, which reads format ", format,
                                                 " only"));
  }
  const std::string name = FormatName(format);
  if (file.size() < kPreambleBytes + kHeadLenBytes) {
    return absl::DataLossError(absl::StrCat(name, ": truncated: ", file.size(),
                                            " bytes, shorter than the smallest head (",
                                            kMinHeadBytes, " bytes)"));
  }
  const uint32_t head_len = LoadU32(file.data() + kOffsetHeadLen);
  if (head_len < kMinHeadFieldsBytes || head_len > kMaxHeadFieldsBytes) {
    return absl::DataLossError(absl::StrCat(name, ": head_len ", head_len, " outside ",
                                            kMinHeadFieldsBytes, "..", kMaxHeadFieldsBytes));
  }
  const size_t crc_at = kPreambleBytes + kHeadLenBytes + head_len;
  if (file.size() < crc_at + kHeadCrcBytes) {
    return absl::DataLossError(absl::StrCat(name, ": truncated: the head needs ",
                                            crc_at + kHeadCrcBytes, " bytes but the file has ",
                                            file.size()));
  }
  Head h;
  h.format = format;
  h.head_len = head_len;
  h.head_crc = UnmaskCrc(LoadU32(file.data() + crc_at));
  h.end = crc_at + kHeadCrcBytes;
  const uint32_t computed = Crc32c(file.substr(0, crc_at));
  if (computed != h.head_crc) {
    return absl::DataLossError(absl::StrCat(name, ": head checksum mismatch (stored ",
                                            Hex32(h.head_crc), ", computed ", Hex32(computed),
                                            "): file corrupt"));
  }

  // The checksum matched: what follows fails only on a broken writer or a
  // crafted file, and every read is still bounded.
  Reader r(file.substr(kPreambleBytes + kHeadLenBytes, head_len),
           kPreambleBytes + kHeadLenBytes);
  absl::Status s = [&]() -> absl::Status {
    F2_RETURN_IF_ERROR(r.U64(&h.last_index, "last_index"));
    F2_RETURN_IF_ERROR(r.U64(&h.last_term, "last_term"));
    F2_RETURN_IF_ERROR(r.U64(&h.config_index, "config_index"));
    F2_RETURN_IF_ERROR(r.U64(&h.body_bytes, "body_bytes"));
    F2_RETURN_IF_ERROR(r.U32(&h.cluster_version, "cluster_version"));
    F2_RETURN_IF_ERROR(r.U32(&h.chunk_bytes, "chunk_bytes"));
    F2_RETURN_IF_ERROR(r.U32(&h.chunk_count, "chunk_count"));
    F2_RETURN_IF_ERROR(r.U32(&h.zstd_level, "zstd_level"));
    if (h.body_bytes < kMinBodyBytes) {
      return absl::DataLossError(absl::StrCat("body_bytes ", h.body_bytes,
                                              " is less than the smallest body (",
                                              kMinBodyBytes, ")"));
    }
    if (h.cluster_version == 0) {
      return absl::DataLossError("cluster_version 0 (cluster versions start at 1)");
    }
    if (h.chunk_bytes < kMinChunkBytes || h.chunk_bytes > kMaxChunkBytes) {
      return absl::DataLossError(absl::StrCat("chunk_bytes ", h.chunk_bytes, " outside ",
                                              kMinChunkBytes, "..", kMaxChunkBytes));
    }
    if (h.chunk_count == 0) return absl::DataLossError("chunk_count 0");
    if (h.zstd_level < static_cast<uint32_t>(kMinZstdLevel) ||
        h.zstd_level > static_cast<uint32_t>(kMaxZstdLevel)) {
      return absl::DataLossError(absl::StrCat("zstd_level ", h.zstd_level, " outside ",
                                              kMinZstdLevel, "..", kMaxZstdLevel));
    }
    F2_RETURN_IF_ERROR(ReadIdList(r, "voter", &h.voters));
    F2_RETURN_IF_ERROR(ReadIdList(r, "learner", &h.learners));
    return absl::OkStatus();
  }();
  if (!s.ok()) {
    return absl::DataLossError(
        absl::StrCat(name, ": head checksum matches but the head is malformed: ", s.message()));
  }
  h.extension_offset = r.offset();
  absl::string_view rest;
  (void)r.Bytes(r.remaining(), &rest, "extension");
  h.extension = rest;
  return h;
}

absl::Status CheckLimits(const Head& head, const DecodeLimits& limits) {
  if (head.body_bytes > limits.max_body_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        FormatName(head.format), ": declared body_bytes ", head.body_bytes,
        " exceeds this reader's limit of ", limits.max_body_bytes,
        " (DecodeLimits::max_body_bytes)"));
  }
  return absl::OkStatus();
}

absl::Status ReadChunks(absl::string_view file, Layout* layout) {
  const Head& h = layout->head;
  const std::string name = FormatName(h.format);
  const uint64_t max_chunks = MaxChunkCount(h.body_bytes, h.chunk_bytes);
  if (h.chunk_count > max_chunks) {
    return absl::DataLossError(absl::StrCat(
        name, ": chunk_count ", h.chunk_count, " is more than a zstd frame of ", h.body_bytes,
        " bytes can fill at chunk_bytes ", h.chunk_bytes, " (at most ", max_chunks, ")"));
  }
  size_t pos = h.end;
  // Bounded twice before it allocates: by the body size (above) and by the
  // bytes that can hold records.
  layout->chunks.reserve(
      std::min<size_t>(h.chunk_count, (file.size() - pos) / (kChunkOverheadBytes + 1)));
  for (uint32_t k = 0; k < h.chunk_count; ++k) {
    if (file.size() - pos < kChunkRecordHeaderBytes) {
      return absl::DataLossError(absl::StrCat(name, ": truncated: chunk record ", k,
                                              " at offset ", pos, " needs ",
                                              kChunkRecordHeaderBytes, " header bytes but ",
                                              file.size() - pos, " remain"));
    }
    const uint64_t offset = LoadU64(file.data() + pos);
    const uint32_t len = LoadU32(file.data() + pos + 8);
    if (offset != pos) {
      return absl::DataLossError(absl::StrCat(name, ": chunk record ", k, " at offset ", pos,
                                              " says chunk_offset ", offset));
    }
    if (len == 0 || len > h.chunk_bytes) {
      return absl::DataLossError(absl::StrCat(name, ": chunk ", k, " data_len ", len,
                                              " outside 1..chunk_bytes (", h.chunk_bytes,
                                              ")"));
    }
    if (k + 1 < h.chunk_count && len != h.chunk_bytes) {
      return absl::DataLossError(absl::StrCat(name, ": chunk ", k, " holds ", len,
                                              " bytes; every chunk but the last holds "
                                              "exactly chunk_bytes (",
                                              h.chunk_bytes, ")"));
    }
    if (file.size() - pos < kChunkOverheadBytes + len) {
      return absl::DataLossError(absl::StrCat(name, ": truncated: chunk ", k, " at offset ",
                                              pos, " needs ", kChunkOverheadBytes + len,
                                              " bytes but ", file.size() - pos, " remain"));
    }
    const uint32_t crc = UnmaskCrc(LoadU32(file.data() + pos + kChunkRecordHeaderBytes + len));
    layout->chunks.push_back({offset, len, crc});
    layout->compressed_bytes += len;
    pos += kChunkOverheadBytes + len;
  }
  layout->trailer_offset = pos;
  if (file.size() - pos < kTrailerBytes) {
    return absl::DataLossError(absl::StrCat(name, ": truncated: the file ends ",
                                            file.size() - pos, " bytes into the ",
                                            kTrailerBytes, "-byte trailer at offset ", pos));
  }
  layout->file_crc = LoadU32(file.data() + pos);
  const size_t file_end = pos + kTrailerBytes;
  if (file.size() > file_end) {
    // Error path only: check every byte to tell "intact + garbage" apart.
    if (layout->file_crc == Crc32c(file.substr(0, pos))) {
      return absl::DataLossError(absl::StrCat(name, ": trailing garbage: ",
                                              file.size() - file_end,
                                              " bytes after the trailer that ends at offset ",
                                              file_end, " (the snapshot before them is intact)"));
    }
    return absl::DataLossError(absl::StrCat(name, ": file corrupt: ", file.size() - file_end,
                                            " bytes follow where the chunk records say the "
                                            "file ends (offset ",
                                            file_end, ")"));
  }
  return absl::OkStatus();
}

absl::Status VerifyTrailer(absl::string_view file, const Layout& layout) {
  const uint32_t expected = ExpectedFileCrc(layout);
  if (layout.file_crc == expected) return absl::OkStatus();
  // Error path: find the unit whose bytes do not match its stored checksum.
  const std::string name = FormatName(layout.head.format);
  for (size_t k = 0; k < layout.chunks.size(); ++k) {
    const ChunkRecord& c = layout.chunks[k];
    const uint32_t computed = Crc32c(file.substr(static_cast<size_t>(c.offset),
                                                 kChunkRecordHeaderBytes + c.data_len));
    if (computed != c.crc) {
      return absl::DataLossError(absl::StrCat(
          name, ": chunk ", k, " (record at offset ", c.offset, ", ", c.data_len,
          " bytes of data) checksum mismatch (stored ", Hex32(c.crc), ", computed ",
          Hex32(computed), ")"));
    }
  }
  return absl::DataLossError(absl::StrCat(
      name, ": file checksum mismatch (trailer stores ", Hex32(layout.file_crc), ", computed ",
      Hex32(expected), "): every unit matches its own checksum, so the trailer is corrupt or "
      "units of another file were spliced in"));
}

absl::StatusOr<std::string> EncodeContainer(uint32_t format, const SnapshotState& state,
                                            absl::string_view extension,
                                            const EncodeOptions& options) {
  const std::string name = FormatName(format);
  F2_RETURN_IF_ERROR(CheckOptions(format, options));
  if (state.cluster_version == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": cluster version 0 is not a version (they start at 1)"));
  }
  F2_RETURN_IF_ERROR(CheckIdListForEncode(format, state.voters, "voters"));
  F2_RETURN_IF_ERROR(CheckIdListForEncode(format, state.learners, "learners"));
  for (size_t i = 1; i < state.sessions.size(); ++i) {
    if (state.sessions[i].client_id <= state.sessions[i - 1].client_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sessions must be sorted by unique client_id; got ", state.sessions[i - 1].client_id,
          " then ", state.sessions[i].client_id));
    }
  }
  for (const auto& [key, value] : state.kv) {
    if (key.size() > kMaxFieldBytes || value.size() > kMaxFieldBytes) {
      return absl::FailedPreconditionError(
          absl::StrCat(name, " limits keys and values to ", kMaxFieldBytes, " bytes"));
    }
  }
  for (const Session& s : state.sessions) {
    if (s.response.size() > kMaxFieldBytes) {
      return absl::FailedPreconditionError(
          absl::StrCat(name, " limits session responses to ", kMaxFieldBytes, " bytes"));
    }
  }
  const uint64_t body_bytes = BodyBytes(state);
  if (body_bytes > options.max_body_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        name, ": the state's body is ", body_bytes, " bytes, over the limit of ",
        options.max_body_bytes, " (EncodeOptions::max_body_bytes; readers refuse it too)"));
  }
  return Assemble(format, state, extension, body_bytes, &state, absl::string_view(), options);
}

absl::StatusOr<SnapshotState> DecodeHeadState(absl::string_view file, uint32_t format,
                                              ExtensionParser parse_extension, Head* head_out) {
  absl::StatusOr<Head> head = ReadHead(file, format);
  if (!head.ok()) return head.status();
  SnapshotState st;
  st.last_index = head->last_index;
  st.last_term = head->last_term;
  st.config_index = head->config_index;
  st.cluster_version = head->cluster_version;
  st.voters = head->voters;
  st.learners = head->learners;
  Reader ext(head->extension, head->extension_offset);
  absl::Status s = parse_extension(ext, &st);
  if (s.ok() && ext.remaining() != 0) {
    s = absl::DataLossError(absl::StrCat(ext.remaining(), " unexplained bytes at offset ",
                                         ext.offset(), " at the end of the head"));
  }
  if (!s.ok()) {
    return absl::DataLossError(absl::StrCat(
        FormatName(format), ": head checksum matches but the head is malformed: ", s.message()));
  }
  if (head_out != nullptr) *head_out = *std::move(head);
  return st;
}

absl::StatusOr<SnapshotState> DecodeContainer(absl::string_view file, uint32_t format,
                                              const DecodeLimits& limits,
                                              ExtensionParser parse_extension) {
  Layout layout;
  absl::StatusOr<SnapshotState> st = DecodeHeadState(file, format, parse_extension, &layout.head);
  if (!st.ok()) return st.status();
  F2_RETURN_IF_ERROR(CheckLimits(layout.head, limits));
  F2_RETURN_IF_ERROR(ReadChunks(file, &layout));
  F2_RETURN_IF_ERROR(VerifyTrailer(file, layout));
  F2_RETURN_IF_ERROR(WithContext(format, ReadBody(file, layout, &*st)));
  return st;
}

absl::StatusOr<std::string> EncodeContainerWithBody(uint32_t format,
                                                    const SnapshotState& head_state,
                                                    absl::string_view extension,
                                                    absl::string_view body,
                                                    const EncodeOptions& options) {
  F2_RETURN_IF_ERROR(CheckOptions(format, options));
  return Assemble(format, head_state, extension, body.size(), nullptr, body, options);
}

absl::StatusOr<std::string> Rehead(absl::string_view file, const Layout& layout,
                                   uint32_t new_format, absl::string_view new_extension) {
  const Head& h = layout.head;
  const uint64_t head_len = kHeadFixedBytes + kIdCountBytes * 2 +
                            kIdBytes * (h.voters.size() + h.learners.size()) +
                            new_extension.size();
  if (head_len > kMaxHeadFieldsBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        FormatName(new_format), ": the head would take ", head_len, " bytes; the format allows ",
        kMaxHeadFieldsBytes));
  }
  std::string out;
  const size_t head_end = kPreambleBytes + kHeadLenBytes + head_len + kHeadCrcBytes;
  out.reserve(head_end + layout.compressed_bytes + layout.chunks.size() * kChunkOverheadBytes +
              kTrailerBytes);
  AppendPreamble(new_format, &out);
  PutU32(static_cast<uint32_t>(head_len), &out);
  PutU64(h.last_index, &out);
  PutU64(h.last_term, &out);
  PutU64(h.config_index, &out);
  PutU64(h.body_bytes, &out);
  PutU32(h.cluster_version, &out);
  PutU32(h.chunk_bytes, &out);
  PutU32(h.chunk_count, &out);
  PutU32(h.zstd_level, &out);
  PutIds(h.voters, &out);
  PutIds(h.learners, &out);
  out.append(new_extension.data(), new_extension.size());
  const uint32_t head_crc = Crc32c(out);
  PutU32(MaskCrc(head_crc), &out);
  uint32_t running = ExtendFileCrc(0, head_crc, head_end - kHeadCrcBytes);
  for (const ChunkRecord& c : layout.chunks) {
    // Same compressed bytes at a new offset: a new header and checksum.
    const size_t start = out.size();
    PutU64(start, &out);
    PutU32(c.data_len, &out);
    const absl::string_view data =
        file.substr(static_cast<size_t>(c.offset) + kChunkRecordHeaderBytes, c.data_len);
    out.append(data.data(), data.size());
    const uint32_t crc = Crc32c(absl::string_view(out).substr(start));
    PutU32(MaskCrc(crc), &out);
    running = ExtendFileCrc(running, crc, kChunkRecordHeaderBytes + c.data_len);
  }
  PutU32(running, &out);
  return out;
}

}  // namespace raftlog::snapshots::format2::internal
