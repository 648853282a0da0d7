// The fast checker against the brute-force reference on thousands of small
// random histories (deterministic seeds), and on large generated histories
// that are linearizable by construction.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/lin/brute.h"
#include "matrix/lin/checker.h"
#include "matrix/lin/histgen.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {
namespace {

// The key's operations invoked at or before `cut`, those still running at
// the cut made indeterminate (no completion).
History PrefixOfKey(const History& h, const Value& key, int64_t cut) {
  History out;
  for (const Operation& op : h.ops()) {
    if (op.key != key || op.invoke_time > cut) continue;
    Operation p = op;
    if (p.complete_time.has_value() && *p.complete_time > cut) {
      p.complete_time.reset();
      if (p.outcome == Outcome::kOk) p.outcome = Outcome::kInfo;
    }
    out.Add(p);
  }
  return out;
}

// The keys of `h` in key order, and the sub-history of each.
std::map<Value, History> ByKey(const History& h) {
  std::map<Value, History> out;
  for (const Operation& op : h.ops()) out[op.key].Add(op);
  return out;
}

// The default (stop at the first bad key) against --all-keys and against the
// brute force per key: all_keys lists exactly the keys whose sub-history is
// not linearizable; the default agrees on the verdict, stops at the first of
// them (in key order), reports its window and counts the keys after it.
void ExpectModesAgree(const History& h, Model model, const CheckResult& first,
                      uint64_t seed) {
  CheckOptions options;
  options.model = model;
  options.all_keys = true;
  auto all = Check(h, options);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->verdict, first.verdict) << "seed " << seed;
  EXPECT_EQ(all->keys_unchecked, 0u);
  std::vector<Value> bad;
  std::map<Value, History> by_key = ByKey(h);
  for (const auto& [key, sub] : by_key) {
    bool has_checked_op = false;
    for (const Operation& op : sub.ops()) {
      has_checked_op = has_checked_op || (op.outcome != Outcome::kFail &&
                                          !(op.outcome == Outcome::kInfo &&
                                            op.is_read()));
    }
    if (has_checked_op && !BruteForceLinearizable(sub, model)) {
      bad.push_back(key);
    }
  }
  EXPECT_EQ(all->bad_keys, bad) << "seed " << seed << "\n" << ToEdn(h);
  if (bad.empty()) {
    EXPECT_TRUE(first.bad_keys.empty());
    EXPECT_EQ(first.keys_unchecked, 0u);
    return;
  }
  EXPECT_EQ(first.bad_keys, std::vector<Value>{bad.front()})
      << "seed " << seed;
  EXPECT_EQ(first.window_key, bad.front()) << "seed " << seed;
  size_t after = 0;
  for (const auto& [key, sub] : by_key) {
    bool checked = false;  // the checker's keys exclude :fail-only ones
    for (const Operation& op : sub.ops()) {
      checked = checked || (op.outcome != Outcome::kFail &&
                            !(op.outcome == Outcome::kInfo && op.is_read()));
    }
    after += checked && bad.front() < key;
  }
  EXPECT_EQ(first.keys_unchecked, after) << "seed " << seed;
}

GenOptions SmallOptions(Model model, uint64_t seed) {
  GenOptions o;
  o.model = model;
  o.clients = 1 + seed % 4;
  o.ops = 1 + (seed / 4) % 8;
  o.keys = 1 + (seed / 32) % 2;
  o.values = 2 + seed % 2;
  o.max_latency = 1 + seed % 4;
  o.info_rate = (seed % 5) * 0.08;
  o.fail_rate = 0.1;
  o.corrupt_rate = 0.25;
  o.lose_rate = 0.08;
  o.unique_appends = (seed / 64) % 2 == 1;
  return o;
}

constexpr int kSeeds = 6000;

class CrossCheckTest : public ::testing::TestWithParam<Model> {};

TEST_P(CrossCheckTest, AgreesWithBruteForce) {
  const Model model = GetParam();
  int linearizable = 0, violations = 0;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    GenOptions o = SmallOptions(model, seed);
    History h = GenerateHistory(seed * 7919 + 17, o);
    CheckOptions options;
    options.model = model;
    auto result = Check(h, options);
    ASSERT_TRUE(result.ok()) << result.status();
    bool expected = BruteForceLinearizable(h, model);
    ASSERT_EQ(result->verdict == Verdict::kLinearizable, expected)
        << "seed " << seed << "\n" << ToEdn(h);
    ExpectModesAgree(h, model, *result, seed);
    if (expected) {
      ++linearizable;
      continue;
    }
    ++violations;
    ASSERT_EQ(result->verdict, Verdict::kNotLinearizable);
    ASSERT_TRUE(result->window_minimal);
    // The reported prefix is itself not linearizable...
    History window = PrefixOfKey(h, result->window_key,
                                 result->window_cut_time);
    EXPECT_FALSE(BruteForceLinearizable(window, model))
        << "seed " << seed << "\n" << ToEdn(h);
    // The reported ops are the prefix minus what the checker drops (:fail
    // operations, indeterminate reads).
    size_t relevant = 0;
    for (const Operation& op : h.ops()) {
      relevant += op.key == result->window_key &&
                  op.invoke_time <= result->window_cut_time &&
                  op.outcome != Outcome::kFail &&
                  !(op.outcome == Outcome::kInfo && op.is_read());
    }
    EXPECT_EQ(relevant, result->window_ops.size()) << "seed " << seed;
    // ...and the next shorter prefix (the previous :ok completion on the
    // key) is: the window is the smallest.
    int64_t previous = -1;
    for (const Operation& op : h.ops()) {
      if (op.key == result->window_key && op.outcome == Outcome::kOk &&
          *op.complete_time < result->window_cut_time) {
        previous = std::max(previous, *op.complete_time);
      }
    }
    if (previous >= 0) {
      EXPECT_TRUE(BruteForceLinearizable(
          PrefixOfKey(h, result->window_key, previous), model))
          << "seed " << seed << "\n" << ToEdn(h);
    }
  }
  std::printf("%s: %d linearizable, %d not linearizable, all agreeing\n",
              std::string(ModelName(model)).c_str(), linearizable, violations);
  // Both verdicts occur often enough for the agreement to mean something.
  EXPECT_GT(linearizable, kSeeds / 5);
  EXPECT_GT(violations, kSeeds / 6);
}

TEST_P(CrossCheckTest, GeneratedExecutionsAreLinearizable) {
  const Model model = GetParam();
  for (uint64_t seed = 0; seed < 200; ++seed) {
    GenOptions o;
    o.model = model;
    o.clients = 2 + seed % 8;
    o.ops = 300;
    o.keys = 1 + seed % 4;
    o.values = 2 + seed % 5;
    o.max_latency = 1 + seed % 6;
    o.info_rate = 0.05 * (seed % 3);
    o.fail_rate = 0.05;
    o.unique_appends = seed % 2 == 1;
    History h = GenerateHistory(seed, o);
    CheckOptions options;
    options.model = model;
    auto result = Check(h, options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->verdict, Verdict::kLinearizable)
        << "seed " << seed << ": " << result->reason;
  }
}

TEST_P(CrossCheckTest, CorruptedLargeHistoriesHaveSmallValidWindows) {
  const Model model = GetParam();
  int checked = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    GenOptions o;
    o.model = model;
    o.clients = 3;
    o.ops = 200;
    o.keys = 2;
    o.values = 4;
    o.info_rate = 0.05;
    o.corrupt_rate = 0.02;
    History h = GenerateHistory(seed + 1000, o);
    CheckOptions options;
    options.model = model;
    auto result = Check(h, options);
    ASSERT_TRUE(result.ok());
    if (result->verdict != Verdict::kNotLinearizable) continue;
    // The window ends at the first corrupted read at the latest.
    History window = PrefixOfKey(h, result->window_key,
                                 result->window_cut_time);
    if (window.size() <= 9) {
      EXPECT_FALSE(BruteForceLinearizable(window, model)) << "seed " << seed;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

// Checking keys in parallel changes nothing in the result, in either mode,
// including the state counts and the window.
TEST_P(CrossCheckTest, ParallelKeysGiveTheSameResult) {
  const Model model = GetParam();
  int bad = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    GenOptions o;
    o.model = model;
    o.clients = 6;
    o.ops = 400;
    o.keys = 2 + seed % 9;
    o.values = 4;
    o.info_rate = 0.05;
    o.corrupt_rate = seed % 2 == 0 ? 0.004 : 0.0;
    o.unique_appends = seed % 3 != 0;
    History h = GenerateHistory(seed + 5000, o);
    for (bool all_keys : {false, true}) {
      CheckOptions options;
      options.model = model;
      options.all_keys = all_keys;
      auto serial = Check(h, options);
      ASSERT_TRUE(serial.ok());
      bad += serial->verdict == Verdict::kNotLinearizable;
      for (int jobs : {2, 5}) {
        options.jobs = jobs;
        auto parallel = Check(h, options);
        ASSERT_TRUE(parallel.ok());
        SCOPED_TRACE(absl::StrCat("seed ", seed, " jobs ", jobs,
                                  " all_keys ", all_keys));
        EXPECT_EQ(parallel->verdict, serial->verdict);
        EXPECT_EQ(parallel->reason, serial->reason);
        EXPECT_EQ(parallel->ops_checked, serial->ops_checked);
        EXPECT_EQ(parallel->states_explored, serial->states_explored);
        EXPECT_EQ(parallel->max_search_states, serial->max_search_states);
        EXPECT_EQ(parallel->bad_keys, serial->bad_keys);
        EXPECT_EQ(parallel->unknown_keys, serial->unknown_keys);
        EXPECT_EQ(parallel->keys_unchecked, serial->keys_unchecked);
        EXPECT_EQ(parallel->window_key, serial->window_key);
        EXPECT_EQ(parallel->window_cut_time, serial->window_cut_time);
        EXPECT_EQ(parallel->window_ops, serial->window_ops);
        EXPECT_EQ(parallel->failing_ops, serial->failing_ops);
      }
    }
  }
  EXPECT_GT(bad, 10);  // both verdicts occur
  EXPECT_LT(bad, 110);
}

INSTANTIATE_TEST_SUITE_P(Models, CrossCheckTest,
                         ::testing::Values(Model::kRegister, Model::kKv),
                         [](const ::testing::TestParamInfo<Model>& info) {
                           return std::string(ModelName(info.param));
                         });

}  // namespace
}  // namespace raftlog::lin
