#include "snapshots/sample_writer.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/str_join.h"

namespace raftlog::snapshots {

int WriteSampleMain(int argc, char** argv,
                    const std::map<std::string, std::function<std::string()>>& samples) {
  std::string kinds;
  for (const auto& [kind, _] : samples) kinds += (kinds.empty() ? "" : "|") + kind;
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_sample {%s} OUT_FILE\n", kinds.c_str());
    return 2;
  }
  auto it = samples.find(argv[1]);
  if (it == samples.end()) {
    std::fprintf(stderr, "write_sample: unknown kind %s (kinds: %s)\n", argv[1], kinds.c_str());
    return 2;
  }
  const std::string bytes = it->second();
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "write_sample: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}

}  // namespace raftlog::snapshots
