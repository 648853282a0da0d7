// Writes one sample format 3 snapshot, for the inspector's test and as seed
// files for the fuzzer:
//   write_sample {empty|small|tiny_chunks|downgradable} OUT_FILE
// The contents are fixed (snapshots/format3/testing.h), so the bytes are too
// (for a given libzstd).
#include <cstdio>
#include <fstream>
#include <string>

#include "snapshots/format2/testing.h"
#include "snapshots/format3/testing.h"

int main(int argc, char** argv) {
  using namespace raftlog::snapshots::format3::testing;
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_sample {empty|small|tiny_chunks|downgradable} OUT_FILE\n");
    return 2;
  }
  const std::string kind = argv[1];
  const auto tiny = raftlog::snapshots::format2::testing::TinyChunks();
  std::string bytes;
  if (kind == "empty") {
    bytes = MustEncode(raftlog::snapshots::SnapshotState());
  } else if (kind == "small") {
    bytes = MustEncode(SmallState());
  } else if (kind == "tiny_chunks") {
    bytes = MustEncode(SmallState(), tiny);
  } else if (kind == "downgradable") {
    bytes = MustEncode(DowngradableState(), tiny);
  } else {
    std::fprintf(stderr, "write_sample: unknown kind %s\n", kind.c_str());
    return 2;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "write_sample: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
