// Snapshot format 2: the chunked container with an empty head extension.
// Everything but the format-3 refusals lives in the container
// (snapshots/format2/internal/container.h), shared with format 3.
#include "snapshots/format2/format2.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/internal/container.h"

namespace raftlog::snapshots::format2 {
namespace {

// Format 2 has no head sections of its own: the container refuses any byte
// after the learner list.
absl::Status NoExtension(internal::Reader&, SnapshotState*) { return absl::OkStatus(); }

}  // namespace

absl::StatusOr<std::string> Encode(const SnapshotState& state, const EncodeOptions& options) {
  if (!state.voters_outgoing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot format 2 cannot carry a joint configuration (voters_outgoing, ",
        state.voters_outgoing.size(), " ids); that needs format 3"));
  }
  if (!state.metadata.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "snapshot format 2 cannot carry a metadata section (", state.metadata.size(),
        " entries); that needs format 3"));
  }
  return internal::EncodeContainer(kFormatNumber, state, absl::string_view(), options);
}

absl::StatusOr<SnapshotState> Decode(absl::string_view bytes, const DecodeLimits& limits) {
  return internal::DecodeContainer(bytes, kFormatNumber, limits, NoExtension);
}

absl::StatusOr<SnapshotState> DecodeHead(absl::string_view bytes) {
  return internal::DecodeHeadState(bytes, kFormatNumber, NoExtension, nullptr);
}

}  // namespace raftlog::snapshots::format2
