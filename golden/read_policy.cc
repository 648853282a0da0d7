#include "golden/read_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "snapshots/codec.h"
#include "versions/registry.h"

namespace raftlog::golden {

std::string FirstReader(uint32_t format) {
  for (const api::ReleaseInfo& r : AllReleases()) {
    const auto& read = r.snapshot_formats_read;
    if (std::find(read.begin(), read.end(), format) != read.end()) return r.tag;
  }
  if (const snapshots::FormatInfo* info = snapshots::FindFormat(format);
      info != nullptr && info->first_reader[0] != '\0') {
    return absl::StrCat(info->first_reader, " (not registered here)");
  }
  return "no release";
}

absl::Status CheckReadable(const api::ReleaseInfo& reader, uint32_t format) {
  const auto& read = reader.snapshot_formats_read;
  if (std::find(read.begin(), read.end(), format) != read.end()) return absl::OkStatus();
  return absl::UnimplementedError(absl::StrCat("release ", reader.tag,
                                               " does not read snapshot format ", format,
                                               "; the first release that reads it is ",
                                               FirstReader(format)));
}

}  // namespace raftlog::golden
