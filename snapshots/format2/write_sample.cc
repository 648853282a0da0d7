// Writes one sample format 2 snapshot, for the inspector's test and as seed
// files for the fuzzer:
//   write_sample {empty|generated|small|tiny_chunks} OUT_FILE
// The contents are fixed (snapshots/format2/testing.h), so the bytes are too
// (for a given libzstd).
#include "snapshots/format2/testing.h"
#include "snapshots/sample_writer.h"

int main(int argc, char** argv) {
  using namespace raftlog::snapshots::format2::testing;
  return raftlog::snapshots::WriteSampleMain(
      argc, argv,
      {{"empty", [] { return MustEncode(EmptyState()); }},
       {"small", [] { return MustEncode(SmallState()); }},
       {"tiny_chunks", [] { return MustEncode(SmallState(), TinyChunks()); }},
       {"generated", [] { return MustEncode(GeneratedState(2, 20, 10)); }}});
}
