#include "util/fuzz_replay.h"

namespace raftlog::util {

uint64_t SplitMix(uint64_t* s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string MutateInput(std::string input, const std::vector<std::string>& seeds,
                        uint64_t* rng) {
  const int edits = 1 + static_cast<int>(SplitMix(rng) % 4);
  for (int e = 0; e < edits && !input.empty(); ++e) {
    const size_t at = SplitMix(rng) % input.size();
    switch (SplitMix(rng) % 5) {
      case 0:
        input[at] = static_cast<char>(SplitMix(rng));
        break;
      case 1:
        for (size_t k = 0; k < 8 && at + k < input.size(); ++k) {
          const uint64_t v = (SplitMix(rng) & 1) ? ~uint64_t{0} : uint64_t{1} << 60;
          input[at + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
        }
        break;
      case 2:
        input.insert(at, std::string(1 + SplitMix(rng) % 8, static_cast<char>(SplitMix(rng))));
        break;
      case 3:
        input.erase(at, 1 + SplitMix(rng) % 8);
        break;
      default: {
        const std::string& other = seeds[SplitMix(rng) % seeds.size()];
        if (other.empty()) break;
        const size_t from = SplitMix(rng) % other.size();
        input.replace(at, SplitMix(rng) % 16, other.substr(from, SplitMix(rng) % 32));
        break;
      }
    }
  }
  return input;
}

size_t ReplaySeedsPrefixesAndBitFlips(const std::vector<std::string>& seeds,
                                      size_t prefix_limit, const std::string& flip_source,
                                      absl::FunctionRef<void(const std::string&)> fuzz) {
  size_t runs = 0;
  for (const std::string& seed : seeds) {
    fuzz(seed);
    ++runs;
    if (seed.size() > prefix_limit) continue;
    for (size_t n = 0; n < seed.size(); ++n) {
      fuzz(seed.substr(0, n));
      ++runs;
    }
  }
  for (size_t bit = 0; bit < flip_source.size() * 8; ++bit) {
    std::string flipped = flip_source;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    fuzz(flipped);
    ++runs;
  }
  return runs;
}

void ReplayMutations(const std::vector<std::string>& seeds, uint64_t rng_seed, int count,
                     absl::FunctionRef<void(const std::string&)> fuzz) {
  uint64_t rng = rng_seed;
  for (int i = 0; i < count; ++i) {
    fuzz(MutateInput(seeds[SplitMix(&rng) % seeds.size()], seeds, &rng));
  }
}

}  // namespace raftlog::util
