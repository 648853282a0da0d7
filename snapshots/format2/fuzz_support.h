// The fuzz properties shared by the decoders of the chunked container
// (format2_fuzz.cc, snapshots/format3/format3_fuzz.cc): one piece of code,
// parameterized by the codec under test. testonly.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_FUZZ_SUPPORT_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_FUZZ_SUPPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/options.h"
#include "snapshots/state.h"
#include "util/fuzz_replay.h"

namespace raftlog::snapshots::format2::testing {

struct CodecUnderFuzz {
  const char* name;  // for messages
  uint32_t format;
  absl::StatusOr<SnapshotState> (*decode)(absl::string_view, const DecodeLimits&);
  absl::StatusOr<SnapshotState> (*decode_head)(absl::string_view);
  absl::StatusOr<std::string> (*encode)(const SnapshotState&, const EncodeOptions&);
  // A valid head extension of this format, used to wrap 'B' inputs.
  const char* wrap_extension;
  size_t wrap_extension_size;
  // Extra properties of a decodable input (may be null).
  void (*on_decoded)(absl::string_view bytes, const SnapshotState& state);
};

// Aborts with a message: the fuzzer reports it as a crash.
[[noreturn]] void FuzzFail(const char* codec, const char* what, const absl::Status& status);

// Checks one fuzz input: as is, with every checksum recomputed, and, when
// it starts with 'B', its remainder as an uncompressed body wrapped in a
// valid container. For each: Decode returns a documented error class
// (kInvalidArgument, kUnimplemented, kDataLoss, kResourceExhausted) or a
// state that DecodeHead agrees with, that re-encodes (head's level and
// chunk size) and decodes back equal, and whose file splits for install and
// reassembles byte for byte. Decoding uses a 16 MiB body cap.
void FuzzContainerInput(const CodecUnderFuzz& codec, absl::string_view input);

// The corpus tests' mutations (util/fuzz_replay.h).
using ::raftlog::util::MutateInput;
using ::raftlog::util::SplitMix;

}  // namespace raftlog::snapshots::format2::testing

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_FUZZ_SUPPORT_H_
