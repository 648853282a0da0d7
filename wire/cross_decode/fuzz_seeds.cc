#include "wire/cross_decode/fuzz_seeds.h"

#include "absl/strings/str_cat.h"
#include "versions/registry.h"
#include "wire/cross_decode/capture.h"

namespace raftlog::wire::cross_decode {

std::string FuzzInput(uint64_t from, uint64_t to, int state, const std::string& bytes) {
  std::string input;
  input.push_back(static_cast<char>(from));
  input.push_back(static_cast<char>(to));
  input.push_back(static_cast<char>(state));
  return input + bytes;
}

std::vector<FuzzSeed> FuzzSeeds() {
  std::vector<FuzzSeed> out;
  for (const api::ReleaseInfo& r : AllReleases()) {
    const Capture c = CaptureRelease(r, CaptureOptions());
    for (const Sample& s : c.samples) {
      for (int state = 0; state < 4; ++state) {
        out.push_back(FuzzSeed{absl::StrCat(r.tag, "_", s.type, "_", s.seq, "_s", state),
                               FuzzInput(s.from, s.to, state, s.bytes)});
      }
    }
  }
  return out;
}

}  // namespace raftlog::wire::cross_decode
