#include "snapshots/format3/testing.h"

#include <cstdio>
#include <cstdlib>

#include "snapshots/format2/testing.h"
#include "snapshots/format3/constants.h"

namespace raftlog::snapshots::format3::testing {
namespace {

void AddFormat3Fields(SnapshotState* s) {
  s->cluster_version = 3;
  // Moving from the old voters to a new set: outgoing = the old voters.
  s->voters_outgoing = s->voters;
  if (!s->voters.empty()) s->voters.back() += 1000;
  s->metadata[kMetaWriter] = "v3";
  s->metadata[kMetaCreatedAtIndex] = std::to_string(s->last_index);
  s->metadata[kMetaDowngrade] = "rewrite as format 2 (DowngradeToFormat2) before rolling back";
  s->metadata[std::string("bin\0key", 7)] = std::string("\xff\x00\x01", 3);
}

}  // namespace

SnapshotState SmallState() {
  SnapshotState s = format2::testing::SmallState();
  AddFormat3Fields(&s);
  return s;
}

SnapshotState GeneratedState(uint64_t seed, int kv_pairs, int sessions) {
  SnapshotState s = format2::testing::GeneratedState(seed, kv_pairs, sessions);
  AddFormat3Fields(&s);
  return s;
}

SnapshotState DowngradableState() {
  SnapshotState s = SmallState();
  s.voters_outgoing.clear();
  s.cluster_version = 2;
  return s;
}

std::string MustEncode(const SnapshotState& state, const EncodeOptions& options) {
  absl::StatusOr<std::string> bytes = format3::Encode(state, options);
  if (!bytes.ok()) {
    std::fprintf(stderr, "format3 MustEncode: %s\n", bytes.status().ToString().c_str());
    std::abort();
  }
  return *std::move(bytes);
}

std::vector<std::string> SampleFiles() {
  return {MustEncode(SnapshotState()), MustEncode(SmallState()),
          MustEncode(SmallState(), format2::testing::TinyChunks()),
          MustEncode(DowngradableState(), format2::testing::TinyChunks()),
          MustEncode(GeneratedState(2, 20, 10))};
}

}  // namespace raftlog::snapshots::format3::testing
