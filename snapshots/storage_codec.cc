#include "snapshots/storage_codec.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "snapshots/crc32c.h"

namespace raftlog::snapshots::storage {
namespace {

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t GetFixed32(absl::string_view in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}
uint64_t GetFixed64(absl::string_view in, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}

}  // namespace

std::string NumberedName(absl::string_view prefix, uint64_t n) {
  return absl::StrFormat("%s%020u", prefix, n);
}

std::optional<uint64_t> ParseNumberedName(absl::string_view name, absl::string_view prefix) {
  if (name.size() != prefix.size() + kNumberDigits || name.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  absl::string_view digits = name.substr(prefix.size());
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t v = 0;
  if (!absl::SimpleAtoi(digits, &v)) return std::nullopt;
  return v;
}

std::string EncodeHardState(uint64_t term, uint64_t vote, uint64_t commit) {
  std::string out(kHardStateMagic, 4);
  PutFixed32(&out, kHardStateVersion);
  PutFixed64(&out, term);
  PutFixed64(&out, vote);
  PutFixed64(&out, commit);
  PutFixed32(&out, Crc32c(out));
  return out;
}

absl::StatusOr<HardStateFields> DecodeHardState(absl::string_view bytes, absl::string_view file,
                                                absl::string_view reader) {
  if (bytes.size() != kHardStateBytes) {
    return absl::DataLossError(absl::StrCat(file, ": size ", bytes.size(), " bytes, expected ",
                                            kHardStateBytes));
  }
  if (bytes.substr(0, 4) != absl::string_view(kHardStateMagic, 4)) {
    return absl::DataLossError(absl::StrCat(file, ": bad magic at offset 0"));
  }
  HardStateFields f;
  f.crc_stored = GetFixed32(bytes, kHardStateBytes - 4);
  f.crc_computed = Crc32c(bytes.substr(0, kHardStateBytes - 4));
  if (f.crc_stored != f.crc_computed) {
    return absl::DataLossError(
        absl::StrCat(file, ": checksum mismatch (offset ", kHardStateBytes - 4, ")"));
  }
  f.version = GetFixed32(bytes, 4);
  if (f.version != kHardStateVersion) {
    return absl::UnimplementedError(absl::StrCat(file, ": version ", f.version, ", ", reader,
                                                 " reads version ", kHardStateVersion));
  }
  f.term = GetFixed64(bytes, 8);
  f.vote = GetFixed64(bytes, 16);
  f.commit = GetFixed64(bytes, 24);
  return f;
}

uint32_t RecordCrc(uint32_t length, absl::string_view body) {
  char len[4];
  for (int i = 0; i < 4; ++i) len[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return Crc32c(body, Crc32c(absl::string_view(len, 4)));
}

void AppendRecord(std::string* out, absl::string_view body) {
  const uint32_t length = static_cast<uint32_t>(body.size());
  PutFixed32(out, length);
  PutFixed32(out, RecordCrc(length, body));
  out->append(body.data(), body.size());
}

RecordRead ReadRecord(absl::string_view data, size_t offset) {
  RecordRead r;
  r.offset = offset;
  r.end = data.size();
  const size_t left = data.size() - offset;
  if (left < kRecordHeaderBytes) {
    r.problem = absl::StrCat("truncated header (", left, " bytes)");
    return r;
  }
  r.length = GetFixed32(data, offset);
  r.crc_stored = GetFixed32(data, offset + 4);
  if (r.length > left - kRecordHeaderBytes) {
    r.problem = absl::StrCat("truncated record (length ", r.length, ", ",
                             left - kRecordHeaderBytes, " bytes left)");
    return r;
  }
  r.body = data.substr(offset + kRecordHeaderBytes, r.length);
  r.end = offset + kRecordHeaderBytes + r.length;
  r.crc_computed = RecordCrc(r.length, r.body);
  if (r.crc_computed != r.crc_stored) r.problem = "checksum mismatch";
  return r;
}

bool ValidRecordAfter(absl::string_view data, size_t from,
                      absl::FunctionRef<bool(absl::string_view body)> accept) {
  if (data.size() < kRecordHeaderBytes) return false;
  const size_t last_start = data.size() - kRecordHeaderBytes;
  for (size_t p = from; p <= last_start && p - from < kMaxTornScanBytes; ++p) {
    const uint32_t length = GetFixed32(data, p);
    if (length > data.size() - p - kRecordHeaderBytes) continue;
    absl::string_view body = data.substr(p + kRecordHeaderBytes, length);
    if (RecordCrc(length, body) != GetFixed32(data, p + 4)) continue;
    if (accept(body)) return true;
  }
  return false;
}

}  // namespace raftlog::snapshots::storage
