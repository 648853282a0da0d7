#include "golden/generate.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "golden/diff.h"
#include "golden/layout.h"
#include "golden/twins.h"

namespace raftlog::golden {
namespace {

namespace fs = std::filesystem;

std::string Stem(absl::string_view name) {
  absl::string_view s = name;
  absl::ConsumeSuffix(&s, ".bin");
  return std::string(s);
}

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> DeriveTwin(absl::string_view tag,
                                                               const ManifestFile& binary,
                                                               absl::string_view bytes) {
  const std::string stem = Stem(binary.name);
  if (absl::StartsWith(binary.format, "snapshot/")) {
    return std::make_pair(absl::StrCat(stem, ".txt"), SnapshotTwin(bytes, binary.name));
  }
  if (absl::StartsWith(binary.format, "wire/")) {
    return std::make_pair(absl::StrCat(stem, ".textproto"), WireTwin(tag, bytes));
  }
  if (binary.format == "log-segment" || binary.format == "hard-state") {
    absl::StatusOr<DiskLayout> layout = LayoutFor(tag);
    if (!layout.ok()) return layout.status();
    auto it = binary.attrs.find("source");
    const std::string source = it == binary.attrs.end() ? binary.name : it->second;
    return std::make_pair(absl::StrCat(stem, ".txt"),
                          binary.format == "log-segment" ? SegmentTwin(*layout, bytes, source)
                                                         : HardStateTwin(*layout, bytes));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(binary.name, ": format ", binary.format, " has no readable twin"));
}

absl::StatusOr<GoldenSet> BuildGoldens(const api::ReleaseInfo& release,
                                       const ScenarioOptions& options,
                                       std::vector<std::string>* steps) {
  absl::StatusOr<ScenarioRun> run = RunScenario(release, options, steps);
  if (!run.ok()) return run.status();
  GoldenSet set;
  set.steps = run->steps;
  set.manifest.tag = release.tag;
  set.manifest.scenario = options.scenario;
  set.manifest.seed = options.seed;
  for (const Artifact& a : run->artifacts) {
    ManifestFile bin;
    bin.name = a.name;
    bin.sha256 = Sha256Hex(a.bytes);
    bin.release = release.tag;
    bin.format = a.format;
    bin.attrs = a.attrs;
    absl::StatusOr<std::pair<std::string, std::string>> twin =
        DeriveTwin(release.tag, bin, a.bytes);
    if (!twin.ok()) return twin.status();
    ManifestFile t;
    t.name = twin->first;
    t.sha256 = Sha256Hex(twin->second);
    t.release = release.tag;
    t.format = absl::StrCat("twin/", a.format);
    t.attrs["twin_of"] = a.name;
    if (set.files.count(bin.name) || set.files.count(t.name)) {
      return absl::InternalError(absl::StrCat("two golden files named ", bin.name));
    }
    set.files[bin.name] = a.bytes;
    set.files[t.name] = twin->second;
    set.manifest.files.push_back(std::move(bin));
    set.manifest.files.push_back(std::move(t));
  }
  set.files[kManifestName] = RenderManifest(set.manifest);
  return set;
}

std::string DescribeDifferences(absl::string_view tag, const Manifest& fresh_manifest,
                                const std::map<std::string, std::string>& checked_in,
                                const std::map<std::string, std::string>& fresh) {
  std::vector<std::string> problems;
  for (const auto& [name, bytes] : fresh) {
    if (!checked_in.count(name)) problems.push_back(absl::StrCat("new file ", name));
  }
  for (const auto& [name, bytes] : checked_in) {
    if (!fresh.count(name)) problems.push_back(absl::StrCat(name, " is no longer produced"));
  }
  std::string diffs;
  for (const auto& [name, bytes] : fresh) {
    auto old = checked_in.find(name);
    if (old == checked_in.end() || old->second == bytes) continue;
    problems.push_back(absl::StrCat(name, " differs (sha256 ", Sha256Hex(old->second), " -> ",
                                    Sha256Hex(bytes), ")"));
    const std::string old_name = absl::StrCat("golden/", tag, "/", name);
    const ManifestFile* f = fresh_manifest.Find(name);
    if (f != nullptr && !absl::StartsWith(f->format, "twin/")) {
      // A binary: show what changed through its twin.
      absl::StatusOr<std::pair<std::string, std::string>> a = DeriveTwin(tag, *f, old->second);
      absl::StatusOr<std::pair<std::string, std::string>> b = DeriveTwin(tag, *f, bytes);
      if (a.ok() && b.ok()) {
        absl::StrAppend(&diffs, UnifiedDiff(a->second, b->second,
                                            absl::StrCat(old_name, " (as text)"),
                                            "regenerated (as text)"));
      }
    } else {
      absl::StrAppend(&diffs, UnifiedDiff(old->second, bytes, old_name, "regenerated"));
    }
  }
  if (problems.empty()) return "";
  std::string out;
  for (const std::string& p : problems) absl::StrAppend(&out, "  ", p, "\n");
  return out + diffs;
}

absl::Status WriteGoldenDir(const GoldenSet& set, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  bool has_files = false;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    (void)e;
    has_files = true;
  }
  if (has_files && !fs::exists(fs::path(dir) / kManifestName)) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " is not empty and holds no ", kManifestName,
        ": refusing to write goldens over something that is not a golden directory"));
  }
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    if (!set.files.count(e.path().filename().string())) fs::remove(e.path(), ec);
  }
  for (const auto& [name, bytes] : set.files) {
    std::ofstream out(fs::path(dir) / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.good()) return absl::InternalError(absl::StrCat("cannot write ", dir, "/", name));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> ReadGoldenDir(const std::string& dir) {
  std::error_code ec;
  std::map<std::string, std::string> out;
  fs::directory_iterator it(dir, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  for (const fs::directory_entry& e : it) {
    // Runfiles are symlinks; follow them.
    if (!fs::is_regular_file(e.path())) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    out[e.path().filename().string()] = buf.str();
  }
  return out;
}

}  // namespace raftlog::golden
