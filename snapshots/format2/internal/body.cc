// Streaming body codec of the chunked container. See body.h.
#include "snapshots/format2/internal/body.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/internal/bytes.h"

namespace raftlog::snapshots::format2::internal {
namespace {

std::string Hex32(uint32_t v) { return absl::StrFormat("0x%08x", v); }

// --- Writing -------------------------------------------------------------

// The body's field sequence, shared by every sink so that the bytes and
// their count cannot drift apart.
template <typename Sink>
void EmitBody(const SnapshotState& s, Sink& sink) {
  sink.U64(s.kv.size());
  for (const auto& [key, value] : s.kv) {
    sink.U32(static_cast<uint32_t>(key.size()));
    sink.Bytes(key);
    sink.U32(static_cast<uint32_t>(value.size()));
    sink.Bytes(value);
  }
  sink.U64(s.sessions.size());
  for (const Session& x : s.sessions) {
    sink.U64(x.client_id);
    sink.U64(x.last_sequence);
    sink.U64(x.last_index);
    sink.U8(static_cast<uint8_t>((x.found ? kSessionFound : 0) |
                                 (x.succeeded ? kSessionSucceeded : 0)));
    sink.U32(static_cast<uint32_t>(x.response.size()));
    sink.Bytes(x.response);
  }
}

struct CountingSink {
  uint64_t n = 0;
  void U8(uint8_t) { n += 1; }
  void U32(uint32_t) { n += 4; }
  void U64(uint64_t) { n += 8; }
  void Bytes(absl::string_view s) { n += s.size(); }
};

struct StringSink {
  std::string* out;
  void U8(uint8_t v) { out->push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { PutU32(v, out); }
  void U64(uint64_t v) { PutU64(v, out); }
  void Bytes(absl::string_view s) { out->append(s.data(), s.size()); }
};

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Feeds the body to one zstd frame and cuts the compressed output into chunk
// records written straight into *out: zstd writes into the record's data
// area, bounded by the room left in the chunk, so no compressed byte is
// copied. A record is opened (12 header bytes reserved) before each
// compression call and rolled back if the frame ends without filling it.
class ChunkWriter {
 public:
  ChunkWriter(ZSTD_CCtx* cctx, std::string* out, uint32_t chunk_bytes)
      : cctx_(cctx),
        out_(out),
        chunk_bytes_(chunk_bytes),
        stage_(new char[kWriteStageBytes]),
        pos_(out->size()) {}

  void U8(uint8_t v) {
    Room(1);
    stage_[staged_++] = static_cast<char>(v);
  }
  void U32(uint32_t v) {
    Room(4);
    StoreU32(stage_.get() + staged_, v);
    staged_ += 4;
  }
  void U64(uint64_t v) {
    Room(8);
    StoreU64(stage_.get() + staged_, v);
    staged_ += 8;
  }
  void Bytes(absl::string_view s) {
    if (s.size() >= kDirectFeedBytes) {
      FlushStage();
      Feed(s, ZSTD_e_continue);
      return;
    }
    Room(s.size());
    std::memcpy(stage_.get() + staged_, s.data(), s.size());
    staged_ += s.size();
  }

  // Ends the frame and the last record; out->size() is then the end of it.
  absl::Status Finish() {
    FlushStage();
    Feed(absl::string_view(), ZSTD_e_end);
    if (!status_.ok()) return status_;
    if (open_) {
      if (rec_len_ == 0) {
        pos_ = rec_start_;  // the frame ended exactly at a chunk boundary
        open_ = false;
      } else {
        CloseRecord();
      }
    }
    out_->resize(pos_);
    return absl::OkStatus();
  }

  std::vector<ChunkRecord> TakeRecords() { return std::move(records_); }

 private:
  void Room(size_t n) {
    if (kWriteStageBytes - staged_ < n) FlushStage();
  }
  void FlushStage() {
    if (staged_ == 0) return;
    Feed(absl::string_view(stage_.get(), staged_), ZSTD_e_continue);
    staged_ = 0;
  }
  void EnsureSize(size_t n) {
    // Grows in small steps inside the capacity the caller reserved, so only
    // bytes about to be written are touched.
    if (out_->size() < n) out_->resize(n);
  }
  void OpenRecord() {
    rec_start_ = pos_;
    pos_ += kChunkRecordHeaderBytes;
    rec_len_ = 0;
    open_ = true;
  }
  void CloseRecord() {
    EnsureSize(pos_ + kChunkCrcBytes);
    char* rec = &(*out_)[0] + rec_start_;
    StoreU64(rec, rec_start_);
    StoreU32(rec + 8, static_cast<uint32_t>(rec_len_));
    const uint32_t crc =
        Crc32c(absl::string_view(rec, kChunkRecordHeaderBytes + rec_len_));
    StoreU32(&(*out_)[0] + pos_, MaskCrc(crc));
    pos_ += kChunkCrcBytes;
    records_.push_back({rec_start_, static_cast<uint32_t>(rec_len_), crc});
    open_ = false;
  }
  void Feed(absl::string_view in, ZSTD_EndDirective mode) {
    if (!status_.ok()) return;
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    for (;;) {
      if (!open_) OpenRecord();
      const size_t room = chunk_bytes_ - rec_len_;
      EnsureSize(pos_ + room);
      ZSTD_outBuffer ob{&(*out_)[0] + pos_, room, 0};
      const size_t r = ZSTD_compressStream2(cctx_, &ob, &ib, mode);
      if (ZSTD_isError(r)) {
        status_ = absl::InternalError(
            absl::StrCat("zstd compression failed: ", ZSTD_getErrorName(r)));
        return;
      }
      pos_ += ob.pos;
      rec_len_ += ob.pos;
      if (rec_len_ == chunk_bytes_) CloseRecord();
      const bool done = mode == ZSTD_e_end ? r == 0 : ib.pos == ib.size;
      if (done) return;
    }
  }

  ZSTD_CCtx* cctx_;
  std::string* out_;
  const size_t chunk_bytes_;
  std::unique_ptr<char[]> stage_;
  size_t staged_ = 0;
  size_t pos_;  // end of what is written; out_->size() may run ahead
  bool open_ = false;
  size_t rec_start_ = 0;
  size_t rec_len_ = 0;
  std::vector<ChunkRecord> records_;
  absl::Status status_;
};

// --- Reading -------------------------------------------------------------

// Pulls the decompressed body through a fixed buffer. Chunks are fed to zstd
// straight from the file, each only after its chunk_crc matched. Output is
// bounded: zstd is never asked for more than one byte beyond the declared
// body size, so a bomb is stopped at body_bytes + 1 bytes of output.
class ChunkReader {
 public:
  ChunkReader(absl::string_view file, const Layout& layout, ZSTD_DCtx* dctx)
      : file_(file),
        layout_(layout),
        body_bytes_(layout.head.body_bytes),
        dctx_(dctx),
        buf_(new char[kReadBufferBytes]) {}

  // Verifies chunk 0 and the zstd frame header it starts with.
  absl::Status Start() {
    F2_RETURN_IF_ERROR(LoadChunk(0));
    ZSTD_frameHeader fh;
    const size_t r = ZSTD_getFrameHeader(&fh, in_.src, in_.size);
    if (ZSTD_isError(r)) {
      return absl::DataLossError(absl::StrCat("compressed body is not a zstd frame: ",
                                              ZSTD_getErrorName(r)));
    }
    if (r != 0) {
      return absl::DataLossError("compressed body too short for a zstd frame header");
    }
    if (fh.frameType != ZSTD_frame) {
      return absl::DataLossError("compressed body starts with a skippable frame");
    }
    if (fh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
      return absl::DataLossError("zstd frame does not declare its content size");
    }
    if (fh.frameContentSize != body_bytes_) {
      return absl::DataLossError(absl::StrCat("zstd frame declares ", fh.frameContentSize,
                                              " bytes of content but the head declares "
                                              "body_bytes ",
                                              body_bytes_));
    }
    if (fh.dictID != 0) {
      return absl::DataLossError(absl::StrCat("zstd frame needs dictionary ", fh.dictID));
    }
    if (fh.checksumFlag != 0) {
      return absl::DataLossError("zstd frame has a content checksum (the format has none)");
    }
    if (fh.windowSize > (uint64_t{1} << kMaxWindowLog)) {
      return absl::DataLossError(absl::StrCat("zstd frame window of ", fh.windowSize,
                                              " bytes exceeds the format's 2^",
                                              kMaxWindowLog));
    }
    return absl::OkStatus();
  }

  bool Has(size_t n) const { return end_ - pos_ >= n; }
  absl::Status Need(size_t n) { return Has(n) ? absl::OkStatus() : Fill(n); }
  const char* cursor() const { return buf_.get() + pos_; }
  void Advance(size_t n) {
    pos_ += n;
    consumed_ += n;
  }
  uint64_t consumed() const { return consumed_; }

  // Appends the next n body bytes to *out.
  absl::Status AppendTo(size_t n, std::string* out) {
    if (Has(n)) {
      out->append(cursor(), n);
      Advance(n);
      return absl::OkStatus();
    }
    out->reserve(out->size() + std::min(n, kReserveAheadBytes));
    while (n > 0) {
      if (pos_ == end_) F2_RETURN_IF_ERROR(Fill(1));
      const size_t take = std::min(n, end_ - pos_);
      out->append(cursor(), take);
      Advance(take);
      n -= take;
    }
    return absl::OkStatus();
  }

  // After the parser consumed exactly body_bytes: the frame must end there,
  // with the last byte of the last chunk, and produce nothing more.
  absl::Status Finish() {
    while (!frame_done_) {
      bool ended = false;
      F2_RETURN_IF_ERROR(Pump(&ended));
      if (ended) {
        return absl::DataLossError(
            "zstd frame incomplete: the compressed stream ends before the frame does");
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status LoadChunk(size_t k) {
    const ChunkRecord& rec = layout_.chunks[k];
    const absl::string_view unit =
        file_.substr(static_cast<size_t>(rec.offset), kChunkRecordHeaderBytes + rec.data_len);
    const uint32_t computed = Crc32c(unit);
    if (computed != rec.crc) {
      return absl::DataLossError(absl::StrCat(
          "chunk ", k, " (record at offset ", rec.offset, ", ", rec.data_len,
          " bytes of data) checksum mismatch (stored ", Hex32(rec.crc), ", computed ",
          Hex32(computed), ")"));
    }
    in_ = ZSTD_inBuffer{unit.data() + kChunkRecordHeaderBytes, rec.data_len, 0};
    current_ = k;
    next_ = k + 1;
    return absl::OkStatus();
  }

  // One decompression step. *ended: no input left and zstd made no progress.
  absl::Status Pump(bool* ended) {
    *ended = false;
    if (in_.pos == in_.size && !frame_done_ && next_ < layout_.chunks.size()) {
      F2_RETURN_IF_ERROR(LoadChunk(next_));
    }
    if (frame_done_) {
      *ended = true;
      return absl::OkStatus();
    }
    const size_t in_before = in_.pos;
    const uint64_t allowed = body_bytes_ - produced_ + 1;  // >= 1
    ZSTD_outBuffer ob{buf_.get() + end_,
                      static_cast<size_t>(std::min<uint64_t>(kReadBufferBytes - end_, allowed)),
                      0};
    const size_t r = ZSTD_decompressStream(dctx_, &ob, &in_);
    if (ZSTD_isError(r)) {
      return absl::DataLossError(absl::StrCat("zstd frame corrupt (chunk ", current_, "): ",
                                              ZSTD_getErrorName(r)));
    }
    end_ += ob.pos;
    produced_ += ob.pos;
    if (produced_ > body_bytes_) {
      return absl::DataLossError(absl::StrCat(
          "decompressed output exceeds the declared body_bytes ", body_bytes_,
          ": decoding stopped at ", produced_, " bytes"));
    }
    if (r == 0) {
      frame_done_ = true;
      if (in_.pos != in_.size || next_ < layout_.chunks.size()) {
        return absl::DataLossError(absl::StrCat(
            "compressed data continues after the end of the zstd frame (chunk ", current_,
            ", ", in_.size - in_.pos, " bytes left in it)"));
      }
    }
    if (ob.pos == 0 && in_.pos == in_before && in_.pos == in_.size &&
        next_ >= layout_.chunks.size()) {
      *ended = true;
    }
    return absl::OkStatus();
  }

  // Compacts the buffer, then decompresses until it is full or the stream
  // ends. Fails if fewer than `need` bytes are then available.
  absl::Status Fill(size_t need) {
    if (pos_ > 0) {
      std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    while (end_ < kReadBufferBytes) {
      bool ended = false;
      F2_RETURN_IF_ERROR(Pump(&ended));
      if (ended) break;
    }
    if (end_ < need) {
      return absl::DataLossError(absl::StrCat("compressed body ends after ", produced_,
                                              " bytes of output; the head declares "
                                              "body_bytes ",
                                              body_bytes_));
    }
    return absl::OkStatus();
  }

  absl::string_view file_;
  const Layout& layout_;
  const uint64_t body_bytes_;
  ZSTD_DCtx* dctx_;
  std::unique_ptr<char[]> buf_;
  size_t pos_ = 0;  // next unread byte of buf_
  size_t end_ = 0;  // end of valid bytes in buf_
  uint64_t consumed_ = 0;
  uint64_t produced_ = 0;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  size_t current_ = 0;  // chunk feeding zstd
  size_t next_ = 0;     // next chunk to load
  bool frame_done_ = false;
};

// Parses the body from `in` into state->kv and state->sessions, bounding
// every count and length by the declared body bytes that remain.
class BodyParser {
 public:
  BodyParser(ChunkReader& in, uint64_t body_bytes) : in_(in), body_bytes_(body_bytes) {}

  absl::Status Parse(SnapshotState* st) {
    uint64_t kv_count = 0;
    F2_RETURN_IF_ERROR(ReadU64(&kv_count, "kv_count"));
    F2_RETURN_IF_ERROR(CheckCount(kv_count, kKvEntryMinBytes, "KV pair"));
    for (uint64_t i = 0; i < kv_count; ++i) {
      std::string key, value;
      F2_RETURN_IF_ERROR(ReadString(&key, "key", i, "KV pair"));
      F2_RETURN_IF_ERROR(ReadString(&value, "value", i, "KV pair"));
      if (!st->kv.empty() && !(st->kv.rbegin()->first < key)) {
        return absl::DataLossError(absl::StrCat("keys not strictly increasing at KV pair ", i,
                                                " (body offset ", in_.consumed(), ")"));
      }
      st->kv.emplace_hint(st->kv.end(), std::move(key), std::move(value));
    }

    uint64_t session_count = 0;
    F2_RETURN_IF_ERROR(ReadU64(&session_count, "session_count"));
    F2_RETURN_IF_ERROR(CheckCount(session_count, kSessionMinBytes, "session"));
    // The count is bounded by the declared size, which real bytes do not yet
    // back: reserve at most kMaxSessionReserve ahead (a lie costs at most
    // that), enough that real tables are read without regrowing the vector
    // (a regrowth holds the old and the new array at once).
    st->sessions.reserve(
        static_cast<size_t>(std::min<uint64_t>(session_count, kMaxSessionReserve)));
    for (uint64_t i = 0; i < session_count; ++i) {
      Session s;
      F2_RETURN_IF_ERROR(Fixed(8 + 8 + 8 + 1, "session fields", i));
      const char* p = in_.cursor();
      s.client_id = LoadU64(p);
      s.last_sequence = LoadU64(p + 8);
      s.last_index = LoadU64(p + 16);
      const uint8_t flags = static_cast<uint8_t>(p[24]);
      in_.Advance(25);
      if ((flags & ~kSessionKnownFlags) != 0) {
        return absl::DataLossError(absl::StrCat("session ", i,
                                                " has reserved flag bits set: ",
                                                absl::StrFormat("0x%02x", flags)));
      }
      s.found = (flags & kSessionFound) != 0;
      s.succeeded = (flags & kSessionSucceeded) != 0;
      F2_RETURN_IF_ERROR(ReadString(&s.response, "response", i, "session"));
      if (!st->sessions.empty() && s.client_id <= st->sessions.back().client_id) {
        return absl::DataLossError(absl::StrCat("session client ids not strictly increasing: ",
                                                st->sessions.back().client_id, " then ",
                                                s.client_id));
      }
      st->sessions.push_back(std::move(s));
    }
    if (in_.consumed() != body_bytes_) {
      return absl::DataLossError(absl::StrCat(
          body_bytes_ - in_.consumed(), " unexplained body bytes follow the session table "
          "(body offset ", in_.consumed(), " of body_bytes ", body_bytes_, ")"));
    }
    return absl::OkStatus();
  }

 private:
  uint64_t Remaining() const { return body_bytes_ - in_.consumed(); }

  // Makes n bytes of fixed fields available, within the declared size.
  absl::Status Fixed(size_t n, absl::string_view what, uint64_t item = ~uint64_t{0}) {
    if (n > Remaining()) {
      return absl::DataLossError(absl::StrCat(
          "body truncated: ", what, item == ~uint64_t{0} ? "" : absl::StrCat(" of item ", item),
          " at body offset ", in_.consumed(), " needs ", n, " bytes but the declared body_bytes ",
          body_bytes_, " leave ", Remaining()));
    }
    return in_.Need(n);
  }
  absl::Status ReadU64(uint64_t* v, absl::string_view what) {
    F2_RETURN_IF_ERROR(Fixed(8, what));
    *v = LoadU64(in_.cursor());
    in_.Advance(8);
    return absl::OkStatus();
  }
  absl::Status CheckCount(uint64_t count, size_t min_bytes, absl::string_view what) {
    if (count > Remaining() / min_bytes) {
      return absl::DataLossError(absl::StrCat(
          "declared ", what, " count ", count, " at body offset ", in_.consumed(),
          " needs at least ", min_bytes, " bytes each but the declared body_bytes ",
          body_bytes_, " leave ", Remaining()));
    }
    return absl::OkStatus();
  }
  // A u32 length and that many bytes.
  absl::Status ReadString(std::string* out, const char* what, uint64_t item, const char* of) {
    if (Remaining() < 4) {
      return absl::DataLossError(absl::StrCat("body truncated: length of ", what, " of ", of,
                                              " ", item, " at body offset ", in_.consumed()));
    }
    F2_RETURN_IF_ERROR(in_.Need(4));
    const uint32_t len = LoadU32(in_.cursor());
    in_.Advance(4);
    if (len > Remaining()) {
      return absl::DataLossError(absl::StrCat(
          "body truncated: ", what, " of ", of, " ", item, " at body offset ", in_.consumed(),
          " declares ", len, " bytes but the declared body_bytes ", body_bytes_, " leave ",
          Remaining()));
    }
    if (in_.Has(len)) {
      out->assign(in_.cursor(), len);
      in_.Advance(len);
      return absl::OkStatus();
    }
    return in_.AppendTo(len, out);
  }

  ChunkReader& in_;
  const uint64_t body_bytes_;
};

}  // namespace

uint64_t BodyBytes(const SnapshotState& state) {
  CountingSink sink;
  EmitBody(state, sink);
  return sink.n;
}

std::string SerializeBody(const SnapshotState& state) {
  std::string out;
  out.reserve(static_cast<size_t>(BodyBytes(state)));
  StringSink sink{&out};
  EmitBody(state, sink);
  return out;
}

absl::StatusOr<std::vector<ChunkRecord>> WriteBody(const SnapshotState* state,
                                                   absl::string_view raw, uint64_t body_bytes,
                                                   int zstd_level, int window_log,
                                                   uint32_t chunk_bytes, std::string* out) {
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  if (cctx == nullptr) return absl::InternalError("ZSTD_createCCtx failed");
  const std::pair<ZSTD_cParameter, int> params[] = {{ZSTD_c_compressionLevel, zstd_level},
                                                     {ZSTD_c_windowLog, window_log},
                                                     {ZSTD_c_contentSizeFlag, 1},
                                                     {ZSTD_c_checksumFlag, 0},
                                                     {ZSTD_c_dictIDFlag, 0}};
  for (const auto& [param, value] : params) {
    const size_t r = ZSTD_CCtx_setParameter(cctx.get(), param, value);
    if (ZSTD_isError(r)) {
      return absl::InternalError(absl::StrCat("zstd parameter ", static_cast<int>(param), "=",
                                              value, ": ", ZSTD_getErrorName(r)));
    }
  }
  const size_t r = ZSTD_CCtx_setPledgedSrcSize(cctx.get(), body_bytes);
  if (ZSTD_isError(r)) {
    return absl::InternalError(absl::StrCat("zstd pledged size: ", ZSTD_getErrorName(r)));
  }
  ChunkWriter writer(cctx.get(), out, chunk_bytes);
  if (state != nullptr) {
    EmitBody(*state, writer);
  } else {
    writer.Bytes(raw);
  }
  F2_RETURN_IF_ERROR(writer.Finish());
  return writer.TakeRecords();
}

absl::Status ReadBody(absl::string_view file, const Layout& layout, SnapshotState* state) {
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (dctx == nullptr) return absl::InternalError("ZSTD_createDCtx failed");
  const size_t r = ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, kMaxWindowLog);
  if (ZSTD_isError(r)) {
    return absl::InternalError(absl::StrCat("zstd windowLogMax: ", ZSTD_getErrorName(r)));
  }
  ChunkReader in(file, layout, dctx.get());
  F2_RETURN_IF_ERROR(in.Start());
  BodyParser parser(in, layout.head.body_bytes);
  F2_RETURN_IF_ERROR(parser.Parse(state));
  return in.Finish();
}

}  // namespace raftlog::snapshots::format2::internal
