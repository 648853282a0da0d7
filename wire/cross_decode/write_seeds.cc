// Writes the decode fuzzer's seed corpus (fuzz_seeds.h) into a directory,
// one file per seed:
//   write_seeds OUT_DIR
// The files are the same on every run (seeded capture).
#include <cstdio>
#include <fstream>
#include <string>

#include "wire/cross_decode/fuzz_seeds.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_seeds OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  int written = 0;
  for (const raftlog::wire::cross_decode::FuzzSeed& seed :
       raftlog::wire::cross_decode::FuzzSeeds()) {
    const std::string path = dir + "/" + seed.name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(seed.input.data(), static_cast<std::streamsize>(seed.input.size()));
    out.close();
    if (!out) {
      std::fprintf(stderr, "write_seeds: cannot write %s\n", path.c_str());
      return 1;
    }
    ++written;
  }
  std::printf("write_seeds: %d files in %s\n", written, dir.c_str());
  return 0;
}
