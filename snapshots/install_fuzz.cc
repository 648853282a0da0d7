// libFuzzer target for the chunked snapshot install path: a receiver's
// ChunkAssembler (snapshots/format2/install.h) fed arbitrary messages, and
// the file it assembles decoded by the dispatcher (codec.h DecodeAny).
// Input layout: install_fuzz.h.
//
// Properties (a violation aborts):
//   - Add returns OK or one of install.h's codes (kOutOfRange, kAlreadyExists,
//     kDataLoss, kInvalidArgument, kUnimplemented, kResourceExhausted,
//     kFailedPrecondition), with a message;
//   - a refused Add leaves the assembler unchanged (next_offset, bytes);
//   - an accepted Add appends exactly the unit (data, then its 4-byte stored
//     crc) at the offset it claimed, which was next_offset();
//   - Resume never fails, and resumes at a prefix of the partial file;
//   - a complete transfer hands out its bytes (TakeFile), and DecodeAny of
//     them returns a state or a documented error (kDataLoss, kInvalidArgument,
//     kUnimplemented, kResourceExhausted).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "snapshots/codec.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/install.h"
#include "snapshots/format2/options.h"

namespace {

using raftlog::snapshots::format2::ChunkAssembler;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "install_fuzz: %s\n", what.c_str());
  std::abort();
}

struct Message {
  uint8_t op = 0;
  uint16_t delta = 0;
  absl::string_view data;
  std::optional<uint32_t> stored_crc;
};

class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}
  bool done() const { return in_.empty(); }
  uint32_t Fixed(int bytes) {
    uint32_t v = 0;
    for (int i = 0; i < bytes && !in_.empty(); ++i) {
      v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[0])) << (8 * i);
      in_.remove_prefix(1);
    }
    return v;
  }
  absl::string_view Bytes(size_t n) {
    absl::string_view out = in_.substr(0, n);
    in_.remove_prefix(out.size());
    return out;
  }
  Message Next() {
    Message m;
    m.op = static_cast<uint8_t>(Fixed(1));
    m.delta = static_cast<uint16_t>(Fixed(2));
    m.data = Bytes(Fixed(2));
    if (m.op & 4) m.stored_crc = Fixed(4);
    return m;
  }

 private:
  absl::string_view in_;
};

bool IsInstallCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

uint64_t OffsetFor(const Message& m, uint64_t next) {
  switch (m.op & 3) {
    case 0:
      return next;
    case 1:
      return next >= m.delta ? next - m.delta : 0;
    case 2:
      return next + m.delta;
    default:
      return m.delta;
  }
}

void CheckComplete(ChunkAssembler* a, const raftlog::snapshots::format2::DecodeLimits& limits) {
  const std::string before(a->bytes());
  absl::StatusOr<std::string> file = a->TakeFile();
  if (!file.ok()) Fail("complete, but TakeFile fails: " + file.status().ToString());
  if (*file != before) Fail("TakeFile differs from the verified bytes");
  absl::StatusOr<raftlog::snapshots::SnapshotState> state =
      raftlog::snapshots::DecodeAny(*file, limits);
  if (state.ok()) return;
  switch (state.status().code()) {
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kResourceExhausted:
      return;
    default:
      Fail("assembled file: undocumented decode error " + state.status().ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  static const std::vector<uint32_t> kFormatSets[4] = {{2}, {2, 3}, {3}, {2, 3}};
  const std::vector<uint32_t>& formats = kFormatSets[flags & 3];
  raftlog::snapshots::format2::DecodeLimits limits;
  if (flags & 8) limits.max_body_bytes = 4096;
  Reader in(absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));

  std::optional<ChunkAssembler> assembler;
  if (flags & 4) {
    const Message partial = in.Next();
    assembler.emplace(ChunkAssembler::Resume(formats, partial.data, limits));
    if (!absl::StartsWith(partial.data, assembler->bytes()))
      Fail("Resume kept bytes that are not a prefix of the partial file");
    if (assembler->next_offset() != assembler->bytes().size())
      Fail("Resume: next_offset is not the size of the kept prefix");
  } else {
    assembler.emplace(formats, limits);
  }
  for (int n = 0; n < 64 && !in.done(); ++n) {
    const Message m = in.Next();
    const uint64_t next = assembler->next_offset();
    const std::string before(assembler->bytes());
    const uint64_t offset = OffsetFor(m, next);
    const uint32_t crc = m.stored_crc ? *m.stored_crc : raftlog::Crc32c(m.data);
    const bool was_complete = assembler->complete();
    const absl::Status s = assembler->Add(offset, m.data, crc);
    if (s.ok()) {
      if (was_complete) Fail("Add accepted after complete()");
      if (offset != next) Fail(absl::StrCat("accepted a chunk at ", offset, ", expected ", next));
      const absl::string_view now = assembler->bytes();
      if (now.size() != before.size() + m.data.size() + 4 ||
          !absl::StartsWith(now, before + std::string(m.data)))
        Fail("an accepted chunk did not append exactly its unit (data || its crc)");
    } else {
      if (!IsInstallCode(s.code())) Fail("Add: undocumented error " + s.ToString());
      if (s.message().empty()) Fail("Add refused without a message");
      if (assembler->next_offset() != next || assembler->bytes() != before)
        Fail("a refused Add changed the assembler: " + s.ToString());
    }
  }
  if (assembler->complete()) CheckComplete(&*assembler, limits);
  return 0;
}
