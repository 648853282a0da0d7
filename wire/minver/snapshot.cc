#include "wire/minver/snapshot.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "snapshots/codec.h"
#include "snapshots/preamble.h"

namespace raftlog::wire::minver {

absl::StatusOr<RecordedClusterVersion> LinkedClusterVersion(uint32_t format,
                                                           absl::string_view bytes) {
  RecordedClusterVersion recorded;
  // FORMAT.md, "What format 1 carries": format 1 implies cluster version 1
  // and cannot hold another, so there is nothing to decode.
  if (format == snapshots::kFormat1) {
    recorded.version = 1;
    return recorded;
  }
  const snapshots::FormatInfo* info = snapshots::FindFormat(format);
  if (info == nullptr || !info->decoder_linked) {
    recorded.unread_reason = absl::StrCat("no format ", format, " decoder linked in this build");
    return recorded;
  }
  absl::StatusOr<snapshots::SnapshotState> state = snapshots::DecodeAny(bytes);
  if (!state.ok()) {
    recorded.unread_reason = absl::StrCat("the format ", format, " decoder refuses the file: ",
                                          state.status().ToString());
    return recorded;
  }
  recorded.version = state->cluster_version;
  return recorded;
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

  absl::StatusOr<RecordedClusterVersion> cluster_version = reader(*format, bytes);
  if (!cluster_version.ok()) return cluster_version.status();
  if (!cluster_version->version.has_value()) {
    min.complete = false;
    min.note = absl::StrCat("the cluster version recorded in the snapshot is unread (",
                            cluster_version->unread_reason, "); ", ReleaseTag(min.release),
                            " is a lower bound");
    return min;
  }
  const uint32_t version = *cluster_version->version;
  if (version == 0) {
    return absl::InvalidArgumentError("snapshot records cluster version 0 (versions count from 1)");
  }
  MinRelease recorded;
  recorded.release = version;
  recorded.element = absl::StrCat("cluster version ", version, " recorded in the snapshot");
  recorded.where = *format == snapshots::kFormat1 ? "snapshot (format 1 implies cluster version 1)"
                                                  : "snapshot head";
  Combine(recorded, &min);
  return min;
}

}  // namespace raftlog::wire::minver
