// libFuzzer target for format1::Decode.
//
// Properties checked on every input (a violation aborts, which the fuzzer
// reports as a crash):
//   - Decode returns (no crash, no out-of-bounds read: run under ASan);
//   - any error is one of the documented classes (kInvalidArgument,
//     kUnimplemented, kDataLoss);
//   - whatever decodes re-encodes to exactly the input (the format is
//     canonical), and the decoded state is one Encode accepts.
// Random bytes almost never carry a valid CRC, so each input is also decoded
// once more with its trailing checksum recomputed: that is what lets the
// fuzzer reach the body parser and its count and length limits.
//
// Built two ways: linked with libFuzzer (//snapshots/format1:format1_fuzz,
// --config=fuzz, see BUILD) and linked with a plain driver that replays a
// seed corpus inside `bazel test` (format1_fuzz_corpus_test).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "snapshots/crc32c.h"
#include "snapshots/format1/format1.h"

namespace {

[[noreturn]] void Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "format1_fuzz: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

void CheckOne(absl::string_view bytes) {
  using raftlog::snapshots::SnapshotState;
  absl::StatusOr<SnapshotState> state = raftlog::snapshots::format1::Decode(bytes);
  if (!state.ok()) {
    switch (state.status().code()) {
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kUnimplemented:
      case absl::StatusCode::kDataLoss:
        return;
      default:
        Fail("undocumented error class", state.status());
    }
  }
  absl::StatusOr<std::string> again = raftlog::snapshots::format1::Encode(*state);
  if (!again.ok()) Fail("decoded state does not encode", again.status());
  if (*again != bytes) Fail("decoded state re-encodes to other bytes", absl::OkStatus());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckOne(bytes);
  if (size >= 4) {
    std::string resealed(bytes);
    const uint32_t crc = raftlog::Crc32c(absl::string_view(resealed).substr(0, size - 4));
    for (int i = 0; i < 4; ++i) {
      resealed[size - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
    }
    CheckOne(resealed);
  }
  return 0;
}
