// Finding the checked-in goldens from a test (runfiles of //golden:goldens).
#ifndef RAFTLOG_GOLDEN_TEST_UTIL_H_
#define RAFTLOG_GOLDEN_TEST_UTIL_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "golden/manifest.h"

namespace raftlog::golden {

// "<runfiles>/raftcert/golden".
std::string GoldenRoot();

struct GoldenDir {
  std::string path;  // GoldenRoot()/<tag>
  Manifest manifest;
  std::map<std::string, std::string> files;  // every plain file, MANIFEST included
};

// kNotFound when golden/<tag>/ or its MANIFEST is missing (with what to run).
absl::StatusOr<GoldenDir> LoadGoldenDir(absl::string_view tag);

// True when versions/FROZEN (in the runfiles) lists `tag`: a released tag.
bool IsReleased(absl::string_view tag);
// The newest registered release.
std::string HeadTag();

// Whether a missing golden directory is acceptable: only for the head while
// it is not released (its formats may still be settling). A released tag
// must have goldens: they are the proof that its formats never change.
bool GoldensOptional(absl::string_view tag);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_TEST_UTIL_H_
