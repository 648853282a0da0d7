// Writes one sample format 1 snapshot, for the inspector's test and as seed
// files for the fuzzer:
//   write_sample {empty|small|generated} OUT_FILE
// The contents are fixed (snapshots/format1/testing.h), so the bytes are too.
#include <cstdio>
#include <fstream>
#include <string>

#include "snapshots/format1/testing.h"

int main(int argc, char** argv) {
  using namespace raftlog::snapshots::format1::testing;
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_sample {empty|small|generated} OUT_FILE\n");
    return 2;
  }
  const std::string kind = argv[1];
  raftlog::snapshots::SnapshotState state;
  if (kind == "empty") {
    state = EmptyState();
  } else if (kind == "small") {
    state = SmallState();
  } else if (kind == "generated") {
    state = GeneratedState(2, 20, 10);
  } else {
    std::fprintf(stderr, "write_sample: unknown kind %s\n", kind.c_str());
    return 2;
  }
  const std::string bytes = MustEncode(state);
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "write_sample: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
