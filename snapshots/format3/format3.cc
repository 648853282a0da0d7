// Snapshot format 3: the chunked container (snapshots/format2/internal)
// with the joint configuration and the metadata section as its head
// extension. Only the extension and the downgrade are format 3's own code.
#include "snapshots/format3/format3.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/format2.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format3/constants.h"
#include "snapshots/preamble.h"

namespace raftlog::snapshots::format3 {
namespace {

using format2::internal::Reader;

std::string Extension(const SnapshotState& state) {
  std::string ext;
  format2::internal::AppendIdList(state.voters_outgoing, &ext);
  format2::internal::PutU32(static_cast<uint32_t>(state.metadata.size()), &ext);
  for (const auto& [key, value] : state.metadata) {
    format2::internal::PutU32(static_cast<uint32_t>(key.size()), &ext);
    ext.append(key);
    format2::internal::PutU32(static_cast<uint32_t>(value.size()), &ext);
    ext.append(value);
  }
  return ext;
}

absl::Status ParseExtension(Reader& r, SnapshotState* st) {
  F2_RETURN_IF_ERROR(format2::internal::ReadIdList(r, "outgoing voter", &st->voters_outgoing));
  uint32_t count = 0;
  F2_RETURN_IF_ERROR(r.U32(&count, "metadata_count"));
  F2_RETURN_IF_ERROR(r.CheckCount(count, kMetadataEntryMinBytes, "metadata entry"));
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t key_len = 0, value_len = 0;
    absl::string_view key, value;
    F2_RETURN_IF_ERROR(r.U32(&key_len, "metadata key length"));
    F2_RETURN_IF_ERROR(r.Bytes(key_len, &key, absl::StrCat("key of metadata entry ", i)));
    F2_RETURN_IF_ERROR(r.U32(&value_len, "metadata value length"));
    F2_RETURN_IF_ERROR(r.Bytes(value_len, &value, absl::StrCat("value of metadata entry ", i)));
    if (!st->metadata.empty() && !(absl::string_view(st->metadata.rbegin()->first) < key)) {
      return absl::DataLossError(absl::StrCat("metadata keys not strictly increasing at entry ",
                                              i, " (offset ", r.offset(), ")"));
    }
    st->metadata.emplace_hint(st->metadata.end(), std::string(key), std::string(value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> Encode(const SnapshotState& state, const EncodeOptions& options) {
  F2_RETURN_IF_ERROR(format2::internal::CheckIdListForEncode(kFormatNumber, state.voters_outgoing,
                                                             "voters_outgoing"));
  for (const auto& [key, value] : state.metadata) {
    if (key.size() > format2::kMaxHeadFieldsBytes || value.size() > format2::kMaxHeadFieldsBytes) {
      return absl::FailedPreconditionError(absl::StrCat(
          "snapshot format 3: metadata entry of ", key.size() + value.size(),
          " bytes does not fit the ", format2::kMaxHeadFieldsBytes, "-byte head"));
    }
  }
  return format2::internal::EncodeContainer(kFormatNumber, state, Extension(state), options);
}

absl::StatusOr<SnapshotState> Decode(absl::string_view bytes, const DecodeLimits& limits) {
  return format2::internal::DecodeContainer(bytes, kFormatNumber, limits, ParseExtension);
}

absl::StatusOr<SnapshotState> DecodeHead(absl::string_view bytes) {
  return format2::internal::DecodeHeadState(bytes, kFormatNumber, ParseExtension, nullptr);
}

absl::StatusOr<std::string> DowngradeToFormat2(absl::string_view bytes,
                                               const DecodeLimits& limits) {
  absl::StatusOr<uint32_t> format = ReadPreamble(bytes);
  if (format.ok() && *format == kFormat2) {
    absl::StatusOr<SnapshotState> two = format2::Decode(bytes, limits);
    if (!two.ok()) return two.status();
    return std::string(bytes);
  }
  absl::StatusOr<SnapshotState> state = format3::Decode(bytes, limits);
  if (!state.ok()) return state.status();

  std::vector<std::string> reasons;
  if (!state->voters_outgoing.empty()) {
    reasons.push_back(absl::StrCat(
        "a joint configuration is in progress (voters_outgoing {",
        absl::StrJoin(state->voters_outgoing, ","),
        "}), which format 2 cannot carry: finish the configuration change and snapshot again"));
  }
  if (state->cluster_version > 2) {
    reasons.push_back(absl::StrCat(
        "it records cluster version ", state->cluster_version,
        ", which v2 does not speak: lower the cluster version to 2 first, then snapshot again"));
  }
  if (!reasons.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot rewrite this format 3 snapshot as format 2: ", absl::StrJoin(reasons, "; and ")));
  }
  // Decoded above, so every checksum and the body are known good.
  format2::internal::Layout layout;
  absl::StatusOr<format2::internal::Head> head = format2::internal::ReadHead(bytes, kFormatNumber);
  if (!head.ok()) return head.status();
  layout.head = *std::move(head);
  F2_RETURN_IF_ERROR(format2::internal::ReadChunks(bytes, &layout));
  return format2::internal::Rehead(bytes, layout, format2::kFormatNumber, absl::string_view());
}

}  // namespace raftlog::snapshots::format3
