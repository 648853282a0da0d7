// Writes the chunked-install fuzz target's seeds: for each snapshot file
// given, its transfer (install_fuzz.h EncodeInstallInput) under each flag
// combination, as OUT_DIR/<basename>.<flags>.
//   write_install_seeds OUT_DIR FILE...
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "snapshots/install_fuzz.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: write_install_seeds OUT_DIR SNAPSHOT_FILE...\n";
    return 2;
  }
  int written = 0;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::string base = argv[i];
    base = base.substr(base.find_last_of('/') + 1);
    for (uint8_t flags : {0, 1, 2, 9}) {
      absl::StatusOr<std::string> input = raftlog::snapshots::EncodeInstallInput(bytes.str(), flags);
      if (!input.ok()) {
        std::cerr << argv[i] << ": " << input.status() << "\n";
        break;
      }
      std::ofstream out(absl::StrCat(argv[1], "/", base, ".", flags), std::ios::binary);
      out << *input;
      ++written;
    }
  }
  std::cerr << written << " seeds\n";
  return written > 0 ? 0 : 1;
}
