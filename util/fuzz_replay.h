// What the corpus tests share when they replay a libFuzzer target's function
// inside `bazel test` (without libFuzzer, on the normal toolchain): a seeded
// source of numbers and the edits a fuzzer makes. Every *_fuzz_corpus_test
// uses these, so the mutations are one piece of code.
#ifndef RAFTLOG_UTIL_FUZZ_REPLAY_H_
#define RAFTLOG_UTIL_FUZZ_REPLAY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"

namespace raftlog::util {

// splitmix64: the next number of the sequence seeded by *state.
uint64_t SplitMix(uint64_t* state);

// 1..4 random edits of `input`: byte overwrites, "interesting" 64-bit values,
// inserts, deletes, splices of a piece of one of `seeds` (non-empty ones).
std::string MutateInput(std::string input, const std::vector<std::string>& seeds,
                        uint64_t* rng);

// Runs `fuzz` on every seed, on every prefix of each seed of at most
// `prefix_limit` bytes, and on every single-bit flip of `flip_source`.
// Returns how many inputs ran.
size_t ReplaySeedsPrefixesAndBitFlips(const std::vector<std::string>& seeds,
                                      size_t prefix_limit, const std::string& flip_source,
                                      absl::FunctionRef<void(const std::string&)> fuzz);

// Runs `fuzz` on `count` mutations (MutateInput) of seeds picked at random.
void ReplayMutations(const std::vector<std::string>& seeds, uint64_t rng_seed, int count,
                     absl::FunctionRef<void(const std::string&)> fuzz);

}  // namespace raftlog::util

#endif  // RAFTLOG_UTIL_FUZZ_REPLAY_H_
