// Throughput of the checker on generated histories (not a timed test: run it
// with `bazel run -c opt //matrix/lin:lincheck_benchmark`). Histories are
// built once per benchmark, outside the timed loop; only Check() (or the
// parser) is timed.
//
// Targets: 1,000 ops on one key from 10 clients <= 1 s; 1,000,000 ops over
// 1,000 keys <= 2 s, growing linearly from 100k and 300k.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "benchmark/benchmark.h"
#include "matrix/lin/checker.h"
#include "matrix/lin/edn.h"
#include "matrix/lin/histgen.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {
namespace {

GenOptions Options(Model model, int clients, int ops, int keys,
                   double info_rate) {
  GenOptions o;
  o.model = model;
  o.clients = clients;
  o.ops = ops;
  o.keys = keys;
  o.values = 5;
  o.max_latency = 4;
  o.max_think = 2;
  o.read_rate = 0.5;
  o.cas_rate = 0.1;
  o.append_rate = 0.2;
  o.info_rate = info_rate;
  o.unique_appends = true;
  o.fail_rate = 0.02;
  return o;
}

// Generated histories are cached across benchmark repetitions.
const History& Cached(Model model, int clients, int ops, int keys,
                      double info_rate = 0.02) {
  static auto* cache =
      new std::map<std::tuple<int, int, int, int, double>, History>();
  auto k = std::make_tuple(static_cast<int>(model), clients, ops, keys,
                           info_rate);
  auto it = cache->find(k);
  if (it == cache->end()) {
    it = cache->emplace(k, GenerateHistory(42, Options(model, clients, ops,
                                                       keys, info_rate)))
             .first;
  }
  return it->second;
}

void RunCheck(benchmark::State& state, Model model, int clients, int keys,
              double info_rate = 0.02) {
  const int ops = static_cast<int>(state.range(0));
  const History& h = Cached(model, clients, ops, keys, info_rate);
  CheckOptions options;
  options.model = model;
  uint64_t states = 0;
  for (auto _ : state) {
    auto result = Check(h, options);
    if (!result.ok() || result->verdict != Verdict::kLinearizable) {
      state.SkipWithError("unexpected verdict");
      return;
    }
    states = result->states_explored;
    benchmark::DoNotOptimize(result);
  }
  state.counters["ops"] = ops;
  state.counters["states"] = static_cast<double>(states);
  state.counters["ops_per_s"] = benchmark::Counter(
      static_cast<double>(ops) * state.iterations(), benchmark::Counter::kIsRate);
}

// One key, 10 clients (single partition).
void BM_OneKeyRegister(benchmark::State& s) { RunCheck(s, Model::kRegister, 10, 1); }
void BM_OneKeyKv(benchmark::State& s) { RunCheck(s, Model::kKv, 10, 1); }
// One key, 10 clients, 20% of operations time out (half of them applied).
void BM_OneKeyRegisterTimeouts(benchmark::State& s) {
  RunCheck(s, Model::kRegister, 10, 1, 0.2);
}
void BM_OneKeyKvTimeouts(benchmark::State& s) {
  RunCheck(s, Model::kKv, 10, 1, 0.2);
}
// 1,000 keys, 100 clients.
void BM_ThousandKeysRegister(benchmark::State& s) {
  RunCheck(s, Model::kRegister, 100, 1000);
}
void BM_ThousandKeysKv(benchmark::State& s) { RunCheck(s, Model::kKv, 100, 1000); }

BENCHMARK(BM_OneKeyRegister)->Arg(1000)->Arg(10000)->Arg(100000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OneKeyKv)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OneKeyRegisterTimeouts)->Arg(1000)->Arg(10000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OneKeyKvTimeouts)->Arg(1000)->Arg(10000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThousandKeysRegister)->Arg(100000)->Arg(300000)->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThousandKeysKv)->Arg(100000)->Arg(300000)->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// 2,000 operations of 50 clients over 10 keys, 90% of the writes unique
// appends, one key made non-linearizable (its middle read corrupted): the
// class where the kv prefix rule and the stop at the first bad key matter.
void BM_AppendsOneBadKey(benchmark::State& state) {
  GenOptions o = Options(Model::kKv, 50, 2000, 10, 0.02);
  o.cas_rate = 0.0;
  o.append_rate = 0.9;
  o.delete_rate = 0.0;
  History h = GenerateHistory(static_cast<uint64_t>(state.range(0)), o);
  CorruptMiddleRead(&h, Value::Str("k3"));
  CheckOptions options;
  options.model = Model::kKv;
  options.all_keys = state.range(1) != 0;
  uint64_t states = 0;
  for (auto _ : state) {
    auto result = Check(h, options);
    if (!result.ok() || result->verdict != Verdict::kNotLinearizable) {
      state.SkipWithError("unexpected verdict");
      return;
    }
    states = result->states_explored;
    benchmark::DoNotOptimize(result);
  }
  state.counters["states"] = static_cast<double>(states);
}
// Args: generator seed, all_keys.
BENCHMARK(BM_AppendsOneBadKey)->Args({1, 0})->Args({1, 1})->Args({3, 0})
    ->Args({3, 1})->Unit(benchmark::kMillisecond);

// Parsing the EDN text of the 1,000,000-op history.
void BM_ParseEdn(benchmark::State& state) {
  const int ops = static_cast<int>(state.range(0));
  std::string text = ToEdn(Cached(Model::kRegister, 100, ops, 1000));
  for (auto _ : state) {
    auto h = ParseEdnHistory(text);
    if (!h.ok()) {
      state.SkipWithError("parse failed");
      return;
    }
    benchmark::DoNotOptimize(h);
  }
  state.counters["MB"] = text.size() / 1e6;
}
BENCHMARK(BM_ParseEdn)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace raftlog::lin
