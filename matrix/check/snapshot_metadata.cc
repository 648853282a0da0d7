#include "matrix/check/snapshot_metadata.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "snapshots/format3/constants.h"
#include "snapshots/inspect.h"

namespace raftlog::check {

absl::Status SnapshotMetadata::CheckHistory(absl::string_view history, uint32_t cluster_version) {
  if (history.empty()) return absl::InvalidArgumentError("the cluster-version history is empty");
  uint64_t last_index = 0;
  uint32_t last_version = 0;
  bool first = true;
  for (absl::string_view item : absl::StrSplit(history, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    uint64_t index = 0;
    uint32_t version = 0;
    if (parts.size() < 2 || parts.size() > 3 || !absl::SimpleAtoi(parts[0], &index) ||
        !absl::SimpleAtoi(parts[1], &version) || version < 1 || version > 255 ||
        (parts.size() == 3 && parts[2] != "downgrade")) {
      return absl::InvalidArgumentError(
          absl::StrCat("history item '", item, "' is not index:version[:downgrade]"));
    }
    if (!first && index < last_index) {
      return absl::InvalidArgumentError(
          absl::StrCat("history item '", item, "' goes back from index ", last_index));
    }
    first = false;
    last_index = index;
    last_version = version;
  }
  if (last_version != cluster_version) {
    return absl::InvalidArgumentError(absl::StrCat("the history ends at cluster version ",
                                                   last_version, ", the snapshot is at ",
                                                   cluster_version));
  }
  return absl::OkStatus();
}

absl::Status SnapshotMetadata::CheckFormat3(const snapshots::SnapshotState& st) {
  auto get = [&](const char* key) -> const std::string* {
    auto it = st.metadata.find(key);
    return it == st.metadata.end() ? nullptr : &it->second;
  };
  const std::string* writer = get(snapshots::format3::kMetaWriter);
  if (writer == nullptr || writer->empty()) {
    return absl::InvalidArgumentError("no writer in the metadata");
  }
  const std::string* created = get(snapshots::format3::kMetaCreatedAtIndex);
  uint64_t index = 0;
  if (created == nullptr || !absl::SimpleAtoi(*created, &index) || index != st.last_index) {
    return absl::InvalidArgumentError(
        absl::StrCat("created_at_index is '", created == nullptr ? "(absent)" : *created,
                     "', the state's last index is ", st.last_index));
  }
  if (const std::string* history = get(kHistoryKey); history != nullptr) {
    return CheckHistory(*history, st.cluster_version);
  }
  return absl::OkStatus();
}

void SnapshotMetadata::OnSnapshotFile(const SnapshotFile& file) {
  ++files_judged_;
  const snapshots::InspectReport report = snapshots::Inspect(file.bytes);
  absl::Status verdict = report.status;
  if (verdict.ok() && report.state.has_value()) {
    const snapshots::SnapshotState& st = *report.state;
    uint64_t named = 0;
    absl::string_view name = file.path.substr(file.path.rfind('/') + 1);
    if (absl::SimpleAtoi(name, &named) && named != st.last_index) {
      verdict = absl::InvalidArgumentError(
          absl::StrCat("the file is named for index ", named, " but holds the state through ",
                       st.last_index));
    } else if (report.format == 3u) {
      verdict = CheckFormat3(st);
    }
  }
  if (verdict.ok() || reports_ >= kMaxReports) return;
  ++reports_;
  Report(file.time_us,
         absl::StrCat("node ", file.node, " (", file.tag, ", snapshot index ",
                      file.state->snapshot_index, ", format ", file.state->snapshot_format,
                      ") holds ", file.path, " (", file.bytes.size(), " bytes): ",
                      verdict.message()));
}

}  // namespace raftlog::check
