#include "wire/minver/requirement.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace raftlog::wire::minver {

void Combine(const MinRelease& other, MinRelease* acc) {
  if (other.release > acc->release) {
    acc->release = other.release;
    acc->element = other.element;
    acc->where = other.where;
  }
  acc->complete = acc->complete && other.complete;
  if (!other.note.empty()) {
    acc->note = acc->note.empty() ? other.note : absl::StrCat(acc->note, "; ", other.note);
  }
}

std::string ReleaseTag(uint32_t release) { return absl::StrCat("v", release); }

absl::StatusOr<uint32_t> ParseReleaseTag(absl::string_view tag) {
  uint32_t release = 0;
  if (tag.size() < 2 || tag[0] != 'v' || tag.size() > 10) {
    return absl::InvalidArgumentError(absl::StrCat("\"", tag, "\" is not a release tag (vN)"));
  }
  for (const char c : tag.substr(1)) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat("\"", tag, "\" is not a release tag (vN)"));
    }
  }
  if (!absl::SimpleAtoi(tag.substr(1), &release) || release == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", tag, "\" is not a release tag (vN, N >= 1)"));
  }
  return release;
}

std::string Describe(const MinRelease& min) {
  std::string out = absl::StrCat("minimum release: ", ReleaseTag(min.release),
                                 min.complete ? "" : " (lower bound)", "\n");
  absl::StrAppend(&out, "forced by: ", min.element, "\n");
  absl::StrAppend(&out, "at: ", min.where, "\n");
  if (!min.note.empty()) absl::StrAppend(&out, "note: ", min.note, "\n");
  return out;
}

}  // namespace raftlog::wire::minver
