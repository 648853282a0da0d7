// Not a test: CRC-32C throughput of each implementation side by side (the
// bytewise reference, slicing-by-8, SSE4.2, and Crc32c() itself), at the
// sizes the project checksums (a log record, a snapshot chunk, a body).
//
//   bazel run -c opt //snapshots:crc32c_benchmark
//
// Google Benchmark prints bytes_per_second (MB/s) per row; compare rows of
// the same size.
#include <string>

#include "benchmark/benchmark.h"
#include "snapshots/crc32c.h"
#include "snapshots/crc32c_internal.h"

namespace raftlog {
namespace {

std::string Data(size_t n) {
  std::string s(n, '\0');
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (char& c : s) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

void Run(benchmark::State& state, crc32c_internal::Fn fn) {
  if (fn == nullptr) {
    state.SkipWithError("not supported on this CPU");
    return;
  }
  const std::string data = Data(static_cast<size_t>(state.range(0)));
  uint32_t c = 0;
  for (auto _ : state) {
    c = fn(c, data.data(), data.size());
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void BM_Bytewise(benchmark::State& s) { Run(s, &crc32c_internal::Bytewise); }
void BM_Slicing8(benchmark::State& s) { Run(s, &crc32c_internal::Slicing8); }
void BM_Sse42(benchmark::State& s) { Run(s, crc32c_internal::Hardware()); }
void BM_Crc32c(benchmark::State& state) {
  const std::string data = Data(static_cast<size_t>(state.range(0)));
  uint32_t c = 0;
  for (auto _ : state) {
    c = Crc32c(data, c);
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(crc32c_internal::SelectedName());
}

#define SIZES ->Arg(64)->Arg(4096)->Arg(1 << 20)
BENCHMARK(BM_Bytewise) SIZES;
BENCHMARK(BM_Slicing8) SIZES;
BENCHMARK(BM_Sse42) SIZES;
BENCHMARK(BM_Crc32c) SIZES;

}  // namespace
}  // namespace raftlog
