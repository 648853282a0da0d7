// Everything that goes into golden/<tag>/: the binaries of a scenario run
// (scenario.h), a readable twin of each (twins.h) and the MANIFEST
// (manifest.h). Pure: returns bytes; WriteGoldenDir puts them on disk.
#ifndef RAFTLOG_GOLDEN_GENERATE_H_
#define RAFTLOG_GOLDEN_GENERATE_H_

#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "golden/manifest.h"
#include "golden/scenario.h"
#include "versions/api/node.h"

namespace raftlog::golden {

struct GoldenSet {
  Manifest manifest;
  std::map<std::string, std::string> files;  // name -> bytes, MANIFEST included
  std::vector<std::string> steps;            // the scenario's log
};

// `steps`, when given, receives the scenario's log even when it fails.
absl::StatusOr<GoldenSet> BuildGoldens(const api::ReleaseInfo& release,
                                       const ScenarioOptions& options,
                                       std::vector<std::string>* steps = nullptr);

// The readable twin of a binary golden written by `tag`: (twin name, text).
// kInvalidArgument for a format that has no twin (a twin itself).
absl::StatusOr<std::pair<std::string, std::string>> DeriveTwin(absl::string_view tag,
                                                               const ManifestFile& binary,
                                                               absl::string_view bytes);

// Writes every file of `set` into `dir` (created if needed). `dir` must be
// empty or already a golden directory (hold a MANIFEST); plain files in it
// that the set does not contain are deleted, so a regenerated directory holds
// exactly the set.
absl::Status WriteGoldenDir(const GoldenSet& set, const std::string& dir);

// "" when `fresh` (a regeneration) has exactly the files of `checked_in`;
// otherwise every added, removed or changed file with both digests, then a
// unified diff of the readable twins of each changed binary (re-derived from
// both versions) and of each changed text file (twins, MANIFEST).
std::string DescribeDifferences(absl::string_view tag, const Manifest& fresh_manifest,
                                const std::map<std::string, std::string>& checked_in,
                                const std::map<std::string, std::string>& fresh);

// Reads every plain file of a golden directory (name -> bytes).
absl::StatusOr<std::map<std::string, std::string>> ReadGoldenDir(const std::string& dir);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_GENERATE_H_
