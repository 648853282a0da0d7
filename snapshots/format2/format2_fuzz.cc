// libFuzzer target for format2::Decode (and the chunked install of what it
// accepts).
//
// Properties checked on every input (a violation aborts, which the fuzzer
// reports as a crash):
//   - Decode returns (no crash, no out-of-bounds read: run under ASan), with
//     one of the documented error classes (kInvalidArgument, kUnimplemented,
//     kDataLoss, kResourceExhausted);
//   - whatever decodes: DecodeHead agrees with it; it re-encodes with the
//     head's level and chunk size and decodes back to the same state (bytes
//     may differ: another zstd encoder may have written the frame); the file
//     splits for install and the assembler rebuilds it byte for byte.
// Random bytes almost never carry valid checksums, so each input is also
// decoded with every checksum recomputed (ResealAll), and an input starting
// with 'B' is taken as an uncompressed body and wrapped in a valid container:
// that is what lets the fuzzer reach the zstd frame checks and the body
// parser. The reader's cap is lowered to 16 MiB so that a legal but large
// declared body (up to the 1 GiB default) does not slow the fuzzer down.
//
// Built two ways: linked with libFuzzer (//snapshots/format2:format2_fuzz,
// --config=fuzz, see BUILD) and with a plain driver that replays a seed
// corpus inside `bazel test` (format2_fuzz_corpus_test).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/install.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"

namespace {

using raftlog::snapshots::SnapshotState;
namespace f2 = raftlog::snapshots::format2;

[[noreturn]] void Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "format2_fuzz: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

void CheckOne(absl::string_view bytes) {
  f2::DecodeLimits limits;
  limits.max_body_bytes = 16 << 20;
  absl::StatusOr<SnapshotState> state = f2::Decode(bytes, limits);
  if (!state.ok()) {
    switch (state.status().code()) {
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kUnimplemented:
      case absl::StatusCode::kDataLoss:
      case absl::StatusCode::kResourceExhausted:
        return;
      default:
        Fail("undocumented error class", state.status());
    }
  }
  absl::StatusOr<SnapshotState> head = f2::DecodeHead(bytes);
  if (!head.ok()) Fail("decodes but its head does not", head.status());
  SnapshotState config = *state;
  config.kv.clear();
  config.sessions.clear();
  if (!(*head == config)) Fail("DecodeHead disagrees with Decode", absl::OkStatus());

  f2::EncodeOptions options;
  options.zstd_level = static_cast<int>(f2::internal::LoadU32(bytes.data() + f2::kOffsetZstdLevel));
  options.chunk_bytes = f2::internal::LoadU32(bytes.data() + f2::kOffsetChunkBytes);
  absl::StatusOr<std::string> again = f2::Encode(*state, options);
  if (!again.ok()) Fail("decoded state does not encode", again.status());
  absl::StatusOr<SnapshotState> back = f2::Decode(*again);
  if (!back.ok()) Fail("re-encoded state does not decode", back.status());
  if (!(*back == *state)) Fail("re-encoded state decodes to another state", absl::OkStatus());

  absl::StatusOr<std::vector<f2::Chunk>> chunks = f2::SplitForInstall(bytes, f2::kMaxChunkBytes + 64);
  if (!chunks.ok()) Fail("decodable file does not split", chunks.status());
  f2::ChunkAssembler assembler({f2::kFormatNumber}, limits);
  for (const f2::Chunk& c : *chunks) {
    absl::Status s = assembler.Add(c);
    if (!s.ok()) Fail("assembler refuses a chunk of a decodable file", s);
  }
  absl::StatusOr<std::string> rebuilt = assembler.TakeFile();
  if (!rebuilt.ok() || *rebuilt != bytes) Fail("assembled file differs", rebuilt.status());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckOne(bytes);
  std::string resealed(bytes);
  f2::testing::ResealAll(&resealed);
  if (resealed != bytes) CheckOne(resealed);
  if (size >= 1 && bytes[0] == 'B') {
    absl::StatusOr<std::string> wrapped = f2::internal::EncodeContainerWithBody(
        f2::kFormatNumber, f2::testing::SmallState(), absl::string_view(), bytes.substr(1),
        f2::EncodeOptions());
    if (!wrapped.ok()) Fail("cannot wrap a body", wrapped.status());
    CheckOne(*wrapped);
  }
  return 0;
}
