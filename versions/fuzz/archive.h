// The data-directory fuzz targets' input: a flat archive of files, so one
// fuzz input is a whole data directory (datadir_fuzz.cc).
//
// Layout: one mode byte, then records until the input ends:
//   name      bytes up to a '\n' (at most kMaxNameBytes; a record whose name
//             is longer or has no '\n' ends the archive)
//   length    4 bytes, little-endian (clamped to what is left)
//   content   `length` bytes
// Names are used as data-directory paths as they are, except that a name
// with ".." or a leading '/' (never a path env.h allows) is skipped. A later
// record of the same name replaces the earlier one.
#ifndef RAFTLOG_VERSIONS_FUZZ_ARCHIVE_H_
#define RAFTLOG_VERSIONS_FUZZ_ARCHIVE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"

namespace raftlog::fuzz {

inline constexpr size_t kMaxNameBytes = 64;
inline constexpr size_t kMaxArchiveFiles = 16;

struct Archive {
  uint8_t mode = 0;
  std::map<std::string, std::string> files;  // path -> content
};

Archive ParseArchive(absl::string_view input);
std::string PackArchive(uint8_t mode, const std::map<std::string, std::string>& files);

}  // namespace raftlog::fuzz

#endif  // RAFTLOG_VERSIONS_FUZZ_ARCHIVE_H_
