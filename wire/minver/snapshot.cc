#include "wire/minver/snapshot.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "snapshots/codec.h"
#include "snapshots/preamble.h"

namespace raftlog::wire::minver {

absl::StatusOr<std::optional<uint32_t>> LinkedClusterVersion(uint32_t format,
                                                            absl::string_view bytes) {
  // FORMAT.md, "What format 1 carries": format 1 implies cluster version 1
  // and cannot hold another, so there is nothing to decode.
  if (format == snapshots::kFormat1) return std::optional<uint32_t>(1);
  const snapshots::FormatInfo* info = snapshots::FindFormat(format);
  if (info == nullptr || !info->decoder_linked) return std::optional<uint32_t>();
  absl::StatusOr<snapshots::SnapshotState> state = snapshots::DecodeAny(bytes);
  if (!state.ok()) return state.status();
  return std::optional<uint32_t>(state->cluster_version);
}

absl::StatusOr<MinRelease> MinReleaseForSnapshot(absl::string_view bytes) {
  return MinReleaseForSnapshot(bytes, LinkedClusterVersion);
}

absl::StatusOr<MinRelease> MinReleaseForSnapshot(absl::string_view bytes,
                                                 const ClusterVersionReader& reader) {
  absl::StatusOr<uint32_t> format = snapshots::PeekFormat(bytes);
  if (!format.ok()) return format.status();
  const snapshots::FormatInfo* info = snapshots::FindFormat(*format);
  if (info == nullptr) {
    return absl::UnimplementedError(
        absl::StrCat("snapshot format ", *format, " is unknown: no release reads it"));
  }
  absl::StatusOr<uint32_t> first_reader = ParseReleaseTag(info->first_reader);
  if (!first_reader.ok()) {
    return absl::InternalError(absl::StrCat("snapshot format ", *format,
                                            ": bad first reader in snapshots/codec's registry: ",
                                            first_reader.status().message()));
  }
  MinRelease min;
  min.release = *first_reader;
  min.element = absl::StrCat("snapshot format ", *format, " (first read by ", info->first_reader,
                             info->shipped ? "" : ", not yet shipped", ")");
  min.where = "snapshot preamble";

  absl::StatusOr<std::optional<uint32_t>> cluster_version = reader(*format, bytes);
  if (!cluster_version.ok()) return cluster_version.status();
  if (!cluster_version->has_value()) {
    min.complete = false;
    min.note = absl::StrCat("the cluster version recorded in a format ", *format,
                            " snapshot is not readable by this build (no format ", *format,
                            " decoder linked); ", ReleaseTag(min.release), " is a lower bound");
    return min;
  }
  if (**cluster_version == 0) {
    return absl::InvalidArgumentError("snapshot records cluster version 0 (versions count from 1)");
  }
  MinRelease recorded;
  recorded.release = **cluster_version;
  recorded.element = absl::StrCat("cluster version ", **cluster_version, " recorded in the snapshot");
  recorded.where = *format == snapshots::kFormat1 ? "snapshot (format 1 implies cluster version 1)"
                                                  : "snapshot head";
  Combine(recorded, &min);
  return min;
}

}  // namespace raftlog::wire::minver
