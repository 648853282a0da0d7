#include "golden/test_util.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "golden/generate.h"
#include "versions/registry.h"

namespace raftlog::golden {

std::string GoldenRoot() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/raftcert/golden");
}

absl::StatusOr<GoldenDir> LoadGoldenDir(absl::string_view tag) {
  GoldenDir dir;
  dir.path = absl::StrCat(GoldenRoot(), "/", tag);
  absl::StatusOr<std::map<std::string, std::string>> files = ReadGoldenDir(dir.path);
  const std::string fix = absl::StrCat("run scripts/regen_golden.sh to write golden/", tag,
                                       "/ (see golden/README.md)");
  if (!files.ok()) {
    return absl::NotFoundError(absl::StrCat("no golden/", tag, "/: ", fix));
  }
  auto it = files->find(kManifestName);
  if (it == files->end()) {
    return absl::NotFoundError(absl::StrCat("golden/", tag, "/", kManifestName, " missing: ", fix));
  }
  absl::StatusOr<Manifest> manifest = ParseManifest(it->second);
  if (!manifest.ok()) return manifest.status();
  dir.manifest = *std::move(manifest);
  dir.files = *std::move(files);
  return dir;
}

absl::StatusOr<GoldenDir> LoadOrGenerateGoldens(absl::string_view tag) {
  absl::StatusOr<GoldenDir> dir = LoadGoldenDir(tag);
  if (dir.ok() || !absl::IsNotFound(dir.status()) || !GoldensOptional(tag)) return dir;
  const api::ReleaseInfo* release = FindRelease(tag);
  if (release == nullptr) return absl::NotFoundError(absl::StrCat("no release ", tag));
  absl::StatusOr<GoldenSet> set = BuildGoldens(*release, ScenarioOptions());
  if (!set.ok()) {
    return absl::Status(set.status().code(),
                        absl::StrCat("generating provisional goldens of head ", tag, ": ",
                                     set.status().message()));
  }
  GoldenDir g;
  g.path = "(generated)";
  g.provisional = true;
  g.manifest = set->manifest;
  g.files = set->files;
  return g;
}

bool IsReleased(absl::string_view tag) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  std::ifstream in(absl::StrCat(srcdir != nullptr ? srcdir : ".", "/raftcert/versions/FROZEN"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (!words.empty() && words[0] == tag) return true;
  }
  return false;
}

std::string HeadTag() { return AllReleases().empty() ? "" : AllReleases().back().tag; }

bool GoldensOptional(absl::string_view tag) { return tag == HeadTag() && !IsReleased(tag); }

}  // namespace raftlog::golden
