// Writes one sample format 1 snapshot, for the inspector's test and as seed
// files for the fuzzer:
//   write_sample {empty|generated|small} OUT_FILE
// The contents are fixed (snapshots/format1/testing.h), so the bytes are too.
#include "snapshots/format1/testing.h"
#include "snapshots/sample_writer.h"

int main(int argc, char** argv) {
  using namespace raftlog::snapshots::format1::testing;
  return raftlog::snapshots::WriteSampleMain(
      argc, argv,
      {{"empty", [] { return MustEncode(EmptyState()); }},
       {"small", [] { return MustEncode(SmallState()); }},
       {"generated", [] { return MustEncode(GeneratedState(2, 20, 10)); }}});
}
