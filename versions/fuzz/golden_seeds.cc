#include "versions/fuzz/golden_seeds.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "versions/fuzz/archive.h"

namespace raftlog::fuzz {

namespace {

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> GoldenDataFiles(const std::string& golden_dir) {
  absl::StatusOr<std::string> manifest = ReadWhole(golden_dir + "/MANIFEST");
  if (!manifest.ok()) return manifest.status();
  std::map<std::string, std::string> files;
  for (absl::string_view line : absl::StrSplit(*manifest, '\n')) {
    if (!absl::ConsumePrefix(&line, "file ")) continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    std::string source;
    for (absl::string_view w : words) {
      if (absl::ConsumePrefix(&w, "source=")) source = std::string(w);
    }
    if (source.empty()) continue;
    absl::StatusOr<std::string> bytes = ReadWhole(golden_dir + "/" + std::string(words[0]));
    if (!bytes.ok()) return bytes.status();
    files[source] = *std::move(bytes);
  }
  if (files.empty()) return absl::NotFoundError(golden_dir + "/MANIFEST names no data file");
  return files;
}

std::vector<std::string> DataDirSeeds(const std::map<std::string, std::string>& files) {
  std::vector<std::map<std::string, std::string>> sets;
  sets.push_back(files);
  std::map<std::string, std::string> no_snapshot;
  for (const auto& [path, bytes] : files) {
    sets.push_back({{path, bytes}});
    if (!absl::StartsWith(path, "snap/")) no_snapshot[path] = bytes;
  }
  sets.push_back(no_snapshot);
  std::vector<std::string> seeds;
  for (const auto& set : sets) {
    for (uint8_t mode = 0; mode < 4; ++mode) seeds.push_back(PackArchive(mode, set));
  }
  return seeds;
}

}  // namespace raftlog::fuzz
