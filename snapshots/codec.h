// The snapshot dispatcher: reads the common preamble and hands the file to
// the decoder of its format number, like zstd's legacy dispatcher picks a
// frame decoder by magic. It is the only code that knows every format; each
// codec (snapshots/format1, ...) knows only its own.
//
// Also the registry of format numbers (snapshots/FORMAT.md, "Format number
// registry"): which release first writes and first reads each format, used
// by the inspector and by anything computing the minimum release able to read
// a data directory. A release's own choice of what to write stays release code.
#ifndef RAFTLOG_SNAPSHOTS_CODEC_H_
#define RAFTLOG_SNAPSHOTS_CODEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/options.h"
#include "snapshots/state.h"

namespace raftlog::snapshots {

struct FormatInfo {
  uint32_t format = 0;
  // True once the release that first writes it is frozen (then the format is
  // frozen too); false while that release is still head, or not yet cut.
  bool shipped = false;
  const char* first_writer = "";  // first release that writes it, e.g. "v1"
  const char* first_reader = "";  // first (minimum) release that reads it
  const char* summary = "";
  // True when this binary links a decoder for it (DecodeAny can read it).
  bool decoder_linked = false;
};

// Every registered format number, ascending. Numbers are never reused.
const std::vector<FormatInfo>& KnownFormats();

// The registry entry of `format`, or nullptr when no such number is known.
const FormatInfo* FindFormat(uint32_t format);

// The format number from the preamble, without checking that it is known.
// kInvalidArgument when `bytes` is not a snapshot (bad magic); kDataLoss when
// the preamble itself is torn.
absl::StatusOr<uint32_t> PeekFormat(absl::string_view bytes);

// Decodes a snapshot of any format whose decoder is linked in (formats 1, 2
// and 3). Errors as PeekFormat, then as the format's decoder (kDataLoss for
// corruption; kResourceExhausted when a format 2 or 3 file declares a body
// over `limits`); kUnimplemented for a format this build cannot read, naming
// the format and the first release that reads it (or that no release does).
absl::StatusOr<SnapshotState> DecodeAny(absl::string_view bytes);
absl::StatusOr<SnapshotState> DecodeAny(absl::string_view bytes,
                                        const format2::DecodeLimits& limits);

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_CODEC_H_
