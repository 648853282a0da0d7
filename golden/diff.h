// A small unified line diff, for failure messages: when a regenerated golden
// differs from the checked-in one, the test prints the diff of their readable
// twins rather than two digests.
#ifndef RAFTLOG_GOLDEN_DIFF_H_
#define RAFTLOG_GOLDEN_DIFF_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace raftlog::golden {

// "" when equal. Otherwise "--- <old_name>\n+++ <new_name>\n" and hunks
// "@@ -a,b +c,d @@" with `context` lines around each change ('-' old only,
// '+' new only, ' ' both). Inputs over kMaxDiffLines lines each are not
// aligned: the diff then shows the first differing line only.
inline constexpr size_t kMaxDiffLines = 4000;
std::string UnifiedDiff(absl::string_view old_text, absl::string_view new_text,
                        absl::string_view old_name, absl::string_view new_name,
                        size_t context = 3);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_DIFF_H_
