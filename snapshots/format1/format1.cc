// Snapshot format 1 codec. Grammar: snapshots/FORMAT.md, "Format 1";
// numbers: snapshots/format1/constants.h.
//
// Decoding verifies the checksum over the whole file before it trusts any
// declared count or length, and the parser still bounds every count and
// length by the bytes that remain, so neither a corrupt file nor a crafted
// one with a valid checksum can make it read past the input or allocate more
// than the input size justifies.
#include "snapshots/format1/format1.h"

#include <cstddef>
#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "snapshots/crc32c.h"
#include "snapshots/format1/constants.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format1 {
namespace {

void PutU32(uint32_t v, std::string* out) {
  for (int shift = 0; shift < 32; shift += 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xFFu));
  }
}

void PutU64(uint64_t v, std::string* out) {
  for (int shift = 0; shift < 64; shift += 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xFFu));
  }
}

uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | static_cast<uint32_t>(u[1]) << 8 |
         static_cast<uint32_t>(u[2]) << 16 | static_cast<uint32_t>(u[3]) << 24;
}

uint64_t LoadU64(const char* p) {
  return static_cast<uint64_t>(LoadU32(p)) | static_cast<uint64_t>(LoadU32(p + 4)) << 32;
}

std::string Hex32(uint32_t v) { return absl::StrFormat("0x%08x", v); }

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("snapshot format 1: ", what));
}

// Errors found inside the body carry no prefix; Decode adds the context.
absl::Status BodyError(absl::string_view what) { return absl::DataLossError(what); }

// Names a field for an error message, e.g. "key of KV pair 3". Built only
// when a read fails, so the hot path does no string work.
inline constexpr uint64_t kNoItem = ~uint64_t{0};
std::string Describe(const char* what, uint64_t item, const char* of) {
  if (item == kNoItem) return what;
  return absl::StrCat(what, " of ", of, " ", item);
}

// Bounds-checked little-endian reader over part of a file. Offsets in its
// messages are absolute file offsets so they match a hex dump.
class Reader {
 public:
  Reader(absl::string_view data, size_t base) : data_(data), base_(base) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t consumed() const { return pos_; }
  size_t offset() const { return base_ + pos_; }
  // True once a read or a declared size asked for more bytes than remain:
  // the signature of a truncated file (or of a corrupt size).
  bool ran_out() const { return ran_out_; }

  // `what`, `item` and `of` name the field in an error message:
  // ("key", 3, "KV pair") -> "key of KV pair 3".
  absl::Status U8(uint8_t* v, const char* what, uint64_t item = kNoItem, const char* of = "") {
    absl::string_view b;
    absl::Status s = Bytes(1, &b, what, item, of);
    if (s.ok()) *v = static_cast<uint8_t>(b[0]);
    return s;
  }
  absl::Status U32(uint32_t* v, const char* what, uint64_t item = kNoItem, const char* of = "") {
    absl::string_view b;
    absl::Status s = Bytes(4, &b, what, item, of);
    if (s.ok()) *v = LoadU32(b.data());
    return s;
  }
  absl::Status U64(uint64_t* v, const char* what, uint64_t item = kNoItem, const char* of = "") {
    absl::string_view b;
    absl::Status s = Bytes(8, &b, what, item, of);
    if (s.ok()) *v = LoadU64(b.data());
    return s;
  }
  absl::Status Bytes(uint64_t n, absl::string_view* v, const char* what,
                     uint64_t item = kNoItem, const char* of = "") {
    if (n > remaining()) {
      ran_out_ = true;
      return BodyError(absl::StrCat("truncated: ", Describe(what, item, of), " at offset ",
                                    offset(), " needs ", n, " bytes but ", remaining(),
                                    " remain"));
    }
    *v = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return absl::OkStatus();
  }
  // Refuses a declared element count that the remaining bytes cannot hold at
  // `min_bytes` per element. Run before any reserve() or loop.
  absl::Status CheckCount(uint64_t count, size_t min_bytes, absl::string_view what) {
    if (count > remaining() / min_bytes) {
      ran_out_ = true;
      return BodyError(absl::StrCat("declared ", what, " count ", count, " at offset ",
                                    offset(), " needs at least ", min_bytes,
                                    " bytes each but only ", remaining(), " bytes remain"));
    }
    return absl::OkStatus();
  }

 private:
  absl::string_view data_;
  size_t base_;
  size_t pos_ = 0;
  bool ran_out_ = false;
};

#define F1_RETURN_IF_ERROR(expr)      \
  do {                                \
    absl::Status _st = (expr);        \
    if (!_st.ok()) return _st;        \
  } while (0)

// Parses header, KV section and session table (everything between the
// preamble and the checksum) from `r` into `st`. Stops right after the
// session table; the caller decides what the rest of the input means.
absl::Status ParseBody(Reader& r, SnapshotState* st) {
  F1_RETURN_IF_ERROR(r.U64(&st->last_index, "last_index"));
  F1_RETURN_IF_ERROR(r.U64(&st->last_term, "last_term"));
  F1_RETURN_IF_ERROR(r.U64(&st->config_index, "config_index"));
  uint32_t voter_count = 0;
  F1_RETURN_IF_ERROR(r.U32(&voter_count, "voter_count"));
  if (voter_count > kMaxVoters) {
    return BodyError(absl::StrCat("voter_count ", voter_count, " exceeds the limit of ",
                                  kMaxVoters));
  }
  F1_RETURN_IF_ERROR(r.CheckCount(voter_count, kVoterBytes, "voter"));
  st->voters.reserve(voter_count);
  for (uint32_t i = 0; i < voter_count; ++i) {
    uint64_t id = 0;
    F1_RETURN_IF_ERROR(r.U64(&id, "id", i, "voter"));
    if (!st->voters.empty() && id <= st->voters.back()) {
      return BodyError(absl::StrCat("voter ids not strictly increasing: ", st->voters.back(),
                                    " then ", id));
    }
    st->voters.push_back(id);
  }

  uint64_t kv_count = 0;
  F1_RETURN_IF_ERROR(r.U64(&kv_count, "kv_count"));
  F1_RETURN_IF_ERROR(r.CheckCount(kv_count, kKvEntryMinBytes, "KV pair"));
  for (uint64_t i = 0; i < kv_count; ++i) {
    uint32_t key_len = 0, value_len = 0;
    absl::string_view key, value;
    F1_RETURN_IF_ERROR(r.U32(&key_len, "key length", i, "KV pair"));
    F1_RETURN_IF_ERROR(r.Bytes(key_len, &key, "key", i, "KV pair"));
    F1_RETURN_IF_ERROR(r.U32(&value_len, "value length", i, "KV pair"));
    F1_RETURN_IF_ERROR(r.Bytes(value_len, &value, "value", i, "KV pair"));
    if (!st->kv.empty() && !(absl::string_view(st->kv.rbegin()->first) < key)) {
      return BodyError(absl::StrCat("keys not strictly increasing at KV pair ", i,
                                    " (offset ", r.offset(), ")"));
    }
    st->kv.emplace_hint(st->kv.end(), std::string(key), std::string(value));
  }

  uint64_t session_count = 0;
  F1_RETURN_IF_ERROR(r.U64(&session_count, "session_count"));
  F1_RETURN_IF_ERROR(r.CheckCount(session_count, kSessionMinBytes, "session"));
  st->sessions.reserve(static_cast<size_t>(session_count));
  for (uint64_t i = 0; i < session_count; ++i) {
    Session s;
    uint8_t flags = 0;
    uint32_t response_len = 0;
    absl::string_view response;
    F1_RETURN_IF_ERROR(r.U64(&s.client_id, "client_id", i, "session"));
    F1_RETURN_IF_ERROR(r.U64(&s.last_sequence, "last_sequence", i, "session"));
    F1_RETURN_IF_ERROR(r.U64(&s.last_index, "last_index", i, "session"));
    F1_RETURN_IF_ERROR(r.U8(&flags, "flags", i, "session"));
    if ((flags & ~kSessionKnownFlags) != 0) {
      return BodyError(absl::StrCat("session ", i, " has reserved flag bits set: ",
                                    absl::StrFormat("0x%02x", flags)));
    }
    F1_RETURN_IF_ERROR(r.U32(&response_len, "response length", i, "session"));
    F1_RETURN_IF_ERROR(r.Bytes(response_len, &response, "response", i, "session"));
    s.found = (flags & kSessionFound) != 0;
    s.succeeded = (flags & kSessionSucceeded) != 0;
    s.response = std::string(response);
    if (!st->sessions.empty() && s.client_id <= st->sessions.back().client_id) {
      return BodyError(absl::StrCat("session client ids not strictly increasing: ",
                                    st->sessions.back().client_id, " then ", s.client_id));
    }
    st->sessions.push_back(std::move(s));
  }
  return absl::OkStatus();
}

// Called when the stored checksum does not match: finds the most useful
// explanation (truncation, trailing garbage, or plain corruption). Always
// returns kDataLoss.
absl::Status DiagnoseChecksumMismatch(absl::string_view bytes, uint32_t stored,
                                      uint32_t computed) {
  const std::string mismatch = absl::StrCat("checksum mismatch (stored ", Hex32(stored),
                                            ", computed ", Hex32(computed), ")");
  // Parse everything after the preamble, checksum bytes included, to see
  // where the body really ends.
  Reader r(bytes.substr(kPreambleBytes), kPreambleBytes);
  SnapshotState scratch;
  absl::Status parsed = ParseBody(r, &scratch);
  if (!parsed.ok()) {
    if (r.ran_out()) {
      return Malformed(absl::StrCat(mismatch, "; file truncated or corrupt: ",
                                    parsed.message()));
    }
    return Malformed(absl::StrCat(mismatch, "; body corrupt: ", parsed.message()));
  }
  const size_t body_end = r.offset();
  if (body_end + kChecksumBytes > bytes.size()) {
    return Malformed(absl::StrCat(mismatch, "; file truncated: it ends ",
                                  bytes.size() - body_end, " bytes into the ",
                                  kChecksumBytes, "-byte checksum at offset ", body_end));
  }
  const size_t file_end = body_end + kChecksumBytes;
  if (file_end < bytes.size() &&
      LoadU32(bytes.data() + body_end) == Crc32c(bytes.substr(0, body_end))) {
    return Malformed(absl::StrCat("trailing garbage: ", bytes.size() - file_end,
                                  " bytes after the checksum that ends at offset ", file_end,
                                  " (the snapshot before them is intact)"));
  }
  return Malformed(absl::StrCat(mismatch, "; file corrupt"));
}

#undef F1_RETURN_IF_ERROR

}  // namespace

absl::StatusOr<std::string> Encode(const SnapshotState& state) {
  if (!state.learners.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot format 1 cannot carry learners (", state.learners.size(),
        " present); learners need format 2 or later"));
  }
  if (!state.voters_outgoing.empty()) {
    return absl::FailedPreconditionError(
        "snapshot format 1 cannot carry a joint configuration (voters_outgoing); "
        "that needs format 3");
  }
  if (state.cluster_version != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot format 1 implies cluster version 1; state has cluster version ",
        state.cluster_version));
  }
  if (!state.metadata.empty()) {
    return absl::FailedPreconditionError(
        "snapshot format 1 cannot carry a metadata section; that needs format 3");
  }
  if (state.voters.size() > kMaxVoters) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot format 1 holds at most ", kMaxVoters, " voters; state has ",
        state.voters.size()));
  }
  // SnapshotState promises sorted voters and sessions; the format stores them
  // in that order and the decoder refuses any other, so a state that breaks
  // the promise is the caller's bug, not something to silently reorder.
  for (size_t i = 1; i < state.voters.size(); ++i) {
    if (state.voters[i] <= state.voters[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "voters must be sorted and unique; got ", state.voters[i - 1], " then ",
          state.voters[i]));
    }
  }
  for (size_t i = 1; i < state.sessions.size(); ++i) {
    if (state.sessions[i].client_id <= state.sessions[i - 1].client_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sessions must be sorted by unique client_id; got ", state.sessions[i - 1].client_id,
          " then ", state.sessions[i].client_id));
    }
  }

  size_t size = kMinFileBytes + state.voters.size() * kVoterBytes;
  for (const auto& [key, value] : state.kv) {
    if (key.size() > kMaxFieldBytes || value.size() > kMaxFieldBytes) {
      return absl::FailedPreconditionError(absl::StrCat(
          "snapshot format 1 limits keys and values to ", kMaxFieldBytes, " bytes"));
    }
    size += kKvEntryMinBytes + key.size() + value.size();
  }
  for (const Session& s : state.sessions) {
    if (s.response.size() > kMaxFieldBytes) {
      return absl::FailedPreconditionError(absl::StrCat(
          "snapshot format 1 limits session responses to ", kMaxFieldBytes, " bytes"));
    }
    size += kSessionMinBytes + s.response.size();
  }

  std::string out;
  out.reserve(size);
  AppendPreamble(kFormatNumber, &out);
  PutU64(state.last_index, &out);
  PutU64(state.last_term, &out);
  PutU64(state.config_index, &out);
  PutU32(static_cast<uint32_t>(state.voters.size()), &out);
  for (uint64_t id : state.voters) PutU64(id, &out);
  PutU64(state.kv.size(), &out);
  for (const auto& [key, value] : state.kv) {
    PutU32(static_cast<uint32_t>(key.size()), &out);
    out.append(key);
    PutU32(static_cast<uint32_t>(value.size()), &out);
    out.append(value);
  }
  PutU64(state.sessions.size(), &out);
  for (const Session& s : state.sessions) {
    PutU64(s.client_id, &out);
    PutU64(s.last_sequence, &out);
    PutU64(s.last_index, &out);
    out.push_back(static_cast<char>((s.found ? kSessionFound : 0) |
                                    (s.succeeded ? kSessionSucceeded : 0)));
    PutU32(static_cast<uint32_t>(s.response.size()), &out);
    out.append(s.response);
  }
  PutU32(Crc32c(out), &out);
  return out;
}

absl::StatusOr<SnapshotState> Decode(absl::string_view bytes) {
  absl::StatusOr<uint32_t> format = ReadPreamble(bytes);
  if (!format.ok()) return format.status();
  if (*format != kFormatNumber) {
    return absl::UnimplementedError(absl::StrCat(
        "snapshot format ", *format, "; this is the format 1 decoder, which reads format 1 only"));
  }
  if (bytes.size() < kMinFileBytes) {
    return Malformed(absl::StrCat("truncated: ", bytes.size(),
                                  " bytes, shorter than the smallest format 1 file (",
                                  kMinFileBytes, " bytes)"));
  }
  const size_t body_end = bytes.size() - kChecksumBytes;
  const uint32_t stored = LoadU32(bytes.data() + body_end);
  const uint32_t computed = Crc32c(bytes.substr(0, body_end));
  if (stored != computed) return DiagnoseChecksumMismatch(bytes, stored, computed);

  // The checksum matches, so what follows only fails on a file written by a
  // broken encoder or crafted on purpose; the bounds checks still hold.
  Reader r(bytes.substr(kPreambleBytes, body_end - kPreambleBytes), kPreambleBytes);
  SnapshotState state;
  absl::Status parsed = ParseBody(r, &state);
  if (!parsed.ok()) {
    return Malformed(absl::StrCat("checksum matches but the body is malformed: ",
                                  parsed.message()));
  }
  if (r.remaining() != 0) {
    return Malformed(absl::StrCat("checksum matches but ", r.remaining(),
                                  " unexplained bytes follow the session table at offset ",
                                  r.offset()));
  }
  return state;
}

}  // namespace raftlog::snapshots::format1
