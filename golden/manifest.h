// golden/<tag>/MANIFEST: every golden file of one release with its SHA-256,
// the release that produced it and its format, plus how it was produced
// (scenario number and seed), so that a later build can regenerate exactly it.
//
//   # comment lines
//   tag v1
//   scenario 1
//   seed 20261125
//   file <name> sha256=<64 hex> release=<tag> format=<format> [key=value ...]
//
// Formats: snapshot/<n> (snapshot format number n), wire/<Outbound::type>,
// log-segment, hard-state; a readable twin has twin/<format of its binary>
// and twin_of=<binary>. Values never contain spaces. Files are listed in name
// order, keys after `format` in key order, so equal manifests are equal bytes.
#ifndef RAFTLOG_GOLDEN_MANIFEST_H_
#define RAFTLOG_GOLDEN_MANIFEST_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::golden {

struct ManifestFile {
  std::string name;
  std::string sha256;  // lowercase hex
  std::string release;
  std::string format;
  std::map<std::string, std::string> attrs;  // source, twin_of, kv_digest, ...
};

struct Manifest {
  std::string tag;
  uint32_t scenario = 0;
  uint64_t seed = 0;
  std::vector<ManifestFile> files;  // sorted by name

  const ManifestFile* Find(absl::string_view name) const;
};

inline constexpr char kManifestName[] = "MANIFEST";

std::string Sha256Hex(absl::string_view data);

std::string RenderManifest(const Manifest& manifest);
// kInvalidArgument naming the line on anything malformed (unknown directive,
// missing field, a value with a bad digest, duplicate file).
absl::StatusOr<Manifest> ParseManifest(absl::string_view text);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_MANIFEST_H_
