// libFuzzer target for format2::Decode (and the chunked install of what it
// accepts). The properties are the container's, shared with format 3
// (snapshots/format2/fuzz_support.h): documented error classes only; a
// decodable input agrees with DecodeHead, re-encodes and decodes back to the
// same state, and splits and reassembles byte for byte. Each input is also
// tried with every checksum recomputed, and an input starting with 'B' as an
// uncompressed body in a valid container, so that the fuzzer reaches the
// zstd frame checks and the body parser.
//
// Built two ways: linked with libFuzzer (//snapshots/format2:format2_fuzz,
// --config=fuzz, see BUILD) and with a plain driver that replays a seed
// corpus inside `bazel test` (format2_fuzz_corpus_test).
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace f2 = raftlog::snapshots::format2;
  static const f2::testing::CodecUnderFuzz kCodec = {
      "format2", f2::kFormatNumber, f2::Decode, f2::DecodeHead, f2::Encode, "", 0, nullptr};
  f2::testing::FuzzContainerInput(
      kCodec, absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
