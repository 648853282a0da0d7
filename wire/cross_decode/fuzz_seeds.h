// The decode fuzzer's seed corpus, from the cross-decode corpus: every
// sample of every registered tag, in decode_fuzz.cc's input layout (sender id,
// receiver id, receiver state, bytes), once per receiver state. Deterministic.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_FUZZ_SEEDS_H_
#define RAFTLOG_WIRE_CROSS_DECODE_FUZZ_SEEDS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace raftlog::wire::cross_decode {

struct FuzzSeed {
  std::string name;   // "<tag>_<type>_<seq>_s<state>", a file name
  std::string input;  // decode_fuzz.cc's layout
};

// Fuzz input for `bytes` from `from` to `to` in receiver state `state`.
std::string FuzzInput(uint64_t from, uint64_t to, int state, const std::string& bytes);

std::vector<FuzzSeed> FuzzSeeds();

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_FUZZ_SEEDS_H_
