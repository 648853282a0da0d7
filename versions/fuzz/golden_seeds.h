// The data-directory fuzz targets' seeds: the goldens of golden/<tag>/ packed
// as archives (archive.h) at their data-directory paths (MANIFEST "source="),
// read from the test's runfiles. testonly.
#ifndef RAFTLOG_VERSIONS_FUZZ_GOLDEN_SEEDS_H_
#define RAFTLOG_VERSIONS_FUZZ_GOLDEN_SEEDS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace raftlog::fuzz {

// data-directory path -> bytes, for every golden file of `tag` with a
// source= attribute, read from `golden_dir` (e.g. "golden/v3").
absl::StatusOr<std::map<std::string, std::string>> GoldenDataFiles(const std::string& golden_dir);

// Archives over those files: each alone, all together, hard state + log
// segments, each laid over the base directory and on an empty one, joining
// and bootstrapped.
std::vector<std::string> DataDirSeeds(const std::map<std::string, std::string>& files);

}  // namespace raftlog::fuzz

#endif  // RAFTLOG_VERSIONS_FUZZ_GOLDEN_SEEDS_H_
