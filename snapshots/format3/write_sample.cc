// Writes one sample format 3 snapshot, for the inspector's test and as seed
// files for the fuzzer:
//   write_sample {downgradable|empty|small|tiny_chunks} OUT_FILE
// The contents are fixed (snapshots/format3/testing.h), so the bytes are too
// (for a given libzstd).
#include "snapshots/format2/testing.h"
#include "snapshots/format3/testing.h"
#include "snapshots/sample_writer.h"

int main(int argc, char** argv) {
  using namespace raftlog::snapshots::format3::testing;
  using raftlog::snapshots::format2::testing::TinyChunks;
  return raftlog::snapshots::WriteSampleMain(
      argc, argv,
      {{"empty", [] { return MustEncode(raftlog::snapshots::SnapshotState()); }},
       {"small", [] { return MustEncode(SmallState()); }},
       {"tiny_chunks", [] { return MustEncode(SmallState(), TinyChunks()); }},
       {"downgradable", [] { return MustEncode(DowngradableState(), TinyChunks()); }}});
}
