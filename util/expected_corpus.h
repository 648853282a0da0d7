// The checked-in bad-input corpora (wire/testdata/bad/, snapshots/testdata/bad/,
// matrix/lin/testdata/bad/): one folder per decoder, its malformed inputs and
// an EXPECTED file with one line per input, "<file> <field>... <message>"
// (the message is the rest of the line), '#' lines are comments. This reads a
// folder for the regression tests that replay it, and holds it whole: every
// line names a file, every file has a line, and there are at least a given
// number of cases. testonly (gtest assertions).
#ifndef RAFTLOG_UTIL_EXPECTED_CORPUS_H_
#define RAFTLOG_UTIL_EXPECTED_CORPUS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"

namespace raftlog::util {

// The whole content of a file ("" when it cannot be read: the caller's
// expectations then fail on it).
std::string ReadWholeFile(const std::string& path);

// Calls `check(fields, bytes)` for every line of dir/EXPECTED, with the line
// split into `field_count` fields (fields[0] the file name, the last one the
// rest of the line) and the named file's bytes; adds a test failure for a
// malformed line, a file without a line, or fewer than `min_cases` lines.
void ReplayExpectedFolder(
    const std::string& dir, size_t field_count, size_t min_cases,
    absl::FunctionRef<void(const std::vector<std::string>& fields, const std::string& bytes)>
        check);

}  // namespace raftlog::util

#endif  // RAFTLOG_UTIL_EXPECTED_CORPUS_H_
