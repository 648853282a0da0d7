#include "matrix/lin/checker.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "matrix/lin/brute.h"
#include "matrix/lin/edn.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {
namespace {

// Shorthands for hand-made histories: one event per line.
std::string Inv(int p, const std::string& f, const std::string& value,
                const std::string& key = "\"k\"") {
  return absl::StrCat("{:process ", p, ", :type :invoke, :f :", f,
                      ", :key ", key, ", :value ", value, "}\n");
}
std::string Done(int p, const std::string& type, const std::string& f,
                 const std::string& value, const std::string& key = "\"k\"") {
  return absl::StrCat("{:process ", p, ", :type :", type, ", :f :", f,
                      ", :key ", key, ", :value ", value, "}\n");
}
std::string Ok(int p, const std::string& f, const std::string& value,
               const std::string& key = "\"k\"") {
  return Done(p, "ok", f, value, key);
}
// A whole operation, invocation immediately followed by its completion.
std::string Seq(int p, const std::string& type, const std::string& f,
                const std::string& value, const std::string& key = "\"k\"") {
  return Inv(p, f, f == "read" || f == "get" ? "nil" : value, key) +
         Done(p, type, f, value, key);
}

struct Case {
  std::string name;
  std::string edn;
  Verdict expected;
  std::string model = "";  // "" = inferred
};

class HandMadeTest : public ::testing::TestWithParam<Case> {};

TEST_P(HandMadeTest, Verdict) {
  const Case& c = GetParam();
  auto history = ParseEdnHistory(c.edn);
  ASSERT_TRUE(history.ok()) << history.status();
  CheckOptions options;
  if (!c.model.empty()) options.model = ModelFromName(c.model);
  auto result = Check(*history, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(VerdictName(result->verdict), VerdictName(c.expected)) << c.edn;
  // The reference agrees on every hand-made case too.
  Model model = options.model ? *options.model : *InferModel(*history);
  EXPECT_EQ(BruteForceLinearizable(*history, model),
            c.expected == Verdict::kLinearizable);
}

const Verdict kLin = Verdict::kLinearizable;
const Verdict kBad = Verdict::kNotLinearizable;

INSTANTIATE_TEST_SUITE_P(
    Register, HandMadeTest,
    ::testing::Values(
        Case{"Empty", "", kLin},
        Case{"UnwrittenReadsNil", Seq(0, "ok", "read", "nil"), kLin},
        Case{"UnwrittenReadsValue", Seq(0, "ok", "read", "1"), kBad},
        Case{"StaleRead",
             Seq(0, "ok", "write", "1") + Seq(1, "ok", "write", "2") +
                 Seq(2, "ok", "read", "1"),
             kBad},
        Case{"LostWrite",
             Seq(0, "ok", "write", "1") + Seq(1, "ok", "read", "nil"), kBad},
        Case{"ConcurrentWritesReadFirst",
             Inv(0, "write", "1") + Inv(1, "write", "2") +
                 Ok(0, "write", "1") + Ok(1, "write", "2") +
                 Seq(2, "ok", "read", "1"),
             kLin},
        Case{"ConcurrentWritesReadSecond",
             Inv(0, "write", "1") + Inv(1, "write", "2") +
                 Ok(1, "write", "2") + Ok(0, "write", "1") +
                 Seq(2, "ok", "read", "2"),
             kLin},
        Case{"ConcurrentWritesValueFlipsBack",
             Inv(0, "write", "1") + Inv(1, "write", "2") +
                 Ok(0, "write", "1") + Ok(1, "write", "2") +
                 Seq(2, "ok", "read", "1") + Seq(2, "ok", "read", "2"),
             kBad},
        Case{"ReadConcurrentWithWriteSeesOld",
             Seq(0, "ok", "write", "1") + Inv(1, "write", "2") +
                 Seq(2, "ok", "read", "1") + Ok(1, "write", "2"),
             kLin},
        Case{"CasSuccess",
             Seq(0, "ok", "write", "1") + Seq(1, "ok", "cas", "[1 2]") +
                 Seq(2, "ok", "read", "2"),
             kLin},
        Case{"CasSuccessWithWrongExpected",
             Seq(0, "ok", "write", "1") + Seq(1, "ok", "cas", "[3 2]"), kBad},
        Case{"CasFailureIsDropped",
             Seq(0, "ok", "write", "1") + Seq(1, "fail", "cas", "[1 2]") +
                 Seq(2, "ok", "read", "1"),
             kLin},
        Case{"CasOnNil", Seq(0, "ok", "cas", "[nil 5]") +
                             Seq(1, "ok", "read", "5"),
             kLin},
        Case{"IndeterminateWriteLaterVisible",
             Seq(0, "ok", "write", "1") + Seq(1, "info", "write", "2") +
                 Seq(2, "ok", "read", "1") + Seq(2, "ok", "read", "2"),
             kLin},
        Case{"IndeterminateWriteNeverVisible",
             Seq(0, "ok", "write", "1") + Seq(1, "info", "write", "2") +
                 Seq(2, "ok", "read", "1") + Seq(2, "ok", "read", "1"),
             kLin},
        Case{"NeverCompletedWriteVisible",
             Inv(1, "write", "2") + Seq(0, "ok", "read", "nil") +
                 Seq(0, "ok", "read", "2"),
             kLin},
        Case{"IndeterminateWriteTakesEffectOnce",
             Seq(0, "ok", "write", "1") + Seq(1, "info", "write", "2") +
                 Seq(2, "ok", "read", "2") + Seq(2, "ok", "read", "1"),
             kBad},
        Case{"IndeterminateWriteNotBeforeItsInvocation",
             Seq(2, "ok", "read", "2") + Seq(1, "info", "write", "2"), kBad},
        Case{"FailedWriteNeverHappened",
             Seq(0, "fail", "write", "5") + Seq(1, "ok", "read", "5"), kBad},
        Case{"FailedWriteIgnored",
             Seq(0, "fail", "write", "5") + Seq(1, "ok", "read", "nil"), kLin},
        Case{"RegisterNilIsNotEmptyString",
             Seq(0, "ok", "write", "\"\"") + Seq(1, "ok", "read", "nil"),
             kBad},
        Case{"RegisterIntIsNotString",
             Seq(0, "ok", "write", "1") + Seq(1, "ok", "read", "\"1\""), kBad},
        Case{"IndeterminateCasEnablesRead",
             Seq(0, "ok", "write", "1") + Seq(1, "info", "cas", "[1 7]") +
                 Seq(2, "ok", "read", "7"),
             kLin},
        Case{"IndeterminateCasCannotApplyOnMismatch",
             Seq(0, "ok", "write", "1") + Seq(1, "info", "cas", "[3 7]") +
                 Seq(2, "ok", "read", "7"),
             kBad},
        Case{"MultipleKeysOneBad",
             Seq(0, "ok", "write", "1", "\"a\"") +
                 Seq(1, "ok", "write", "1", "\"b\"") +
                 Seq(2, "ok", "read", "1", "\"a\"") +
                 Seq(2, "ok", "read", "2", "\"b\"") +
                 Seq(0, "ok", "read", "nil", "\"c\""),
             kBad},
        Case{"MultipleKeysAllGood",
             Seq(0, "ok", "write", "1", "\"a\"") +
                 Seq(1, "ok", "write", "2", "\"b\"") +
                 Seq(2, "ok", "read", "1", "\"a\"") +
                 Seq(2, "ok", "read", "2", "\"b\""),
             kLin}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Kv, HandMadeTest,
    ::testing::Values(
        Case{"MissingKeyGetsNil", Seq(0, "ok", "get", "nil"), kLin},
        Case{"MissingKeyGetsEmptyString", Seq(0, "ok", "get", "\"\""), kLin},
        Case{"EmptyPutGetsNil",
             Seq(0, "ok", "put", "\"\"") + Seq(1, "ok", "get", "nil"), kLin},
        Case{"AppendToMissing",
             Seq(0, "ok", "append", "\"a\"") + Seq(1, "ok", "get", "\"a\""),
             kLin},
        Case{"AppendToEmpty",
             Seq(0, "ok", "put", "\"\"") + Seq(0, "ok", "append", "\"a\"") +
                 Seq(1, "ok", "get", "\"a\""),
             kLin},
        Case{"ConcurrentAppendsEitherOrder",
             Inv(0, "append", "\"x\"") + Inv(1, "append", "\"y\"") +
                 Ok(0, "append", "\"x\"") + Ok(1, "append", "\"y\"") +
                 Seq(2, "ok", "get", "\"yx\""),
             kLin},
        Case{"AppendTwiceIsImpossible",
             Inv(0, "append", "\"x\"") + Inv(1, "append", "\"y\"") +
                 Ok(0, "append", "\"x\"") + Ok(1, "append", "\"y\"") +
                 Seq(2, "ok", "get", "\"xx\""),
             kBad},
        Case{"StaleGet",
             Seq(0, "ok", "put", "\"a\"") + Seq(0, "ok", "put", "\"b\"") +
                 Seq(1, "ok", "get", "\"a\""),
             kBad},
        Case{"LostPut", Seq(0, "ok", "put", "\"a\"") +
                            Seq(1, "ok", "get", "nil"),
             kBad},
        Case{"DeleteThenGetNil",
             Seq(0, "ok", "put", "\"a\"") + Seq(0, "ok", "delete", "nil") +
                 Seq(1, "ok", "get", "nil"),
             kLin},
        Case{"DeleteThenGetOld",
             Seq(0, "ok", "put", "\"a\"") + Seq(0, "ok", "delete", "nil") +
                 Seq(1, "ok", "get", "\"a\""),
             kBad},
        Case{"IndeterminateAppendVisible",
             Seq(0, "ok", "put", "\"a\"") + Seq(1, "info", "append", "\"b\"") +
                 Seq(2, "ok", "get", "\"ab\""),
             kLin},
        Case{"IntegersAreText",
             Seq(0, "ok", "put", "12") + Seq(1, "ok", "get", "\"12\""), kLin},
        Case{"KvMultipleKeysOneBad",
             Seq(0, "ok", "put", "\"x\"", "\"a\"") +
                 Seq(0, "ok", "put", "\"y\"", "\"b\"") +
                 Seq(1, "ok", "get", "\"x\"", "\"a\"") +
                 Seq(1, "ok", "get", "\"x\"", "\"b\""),
             kBad},
        Case{"CasInKv",
             Seq(0, "ok", "put", "\"x\"") + Seq(1, "ok", "cas", "[\"x\" \"y\"]") +
                 Seq(2, "ok", "get", "\"y\""),
             kLin, "kv"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(CheckerTest, MultipleKeysReportsTheBadKey) {
  std::string edn = Seq(0, "ok", "write", "1", "\"a\"") +
                    Seq(1, "ok", "write", "1", "\"b\"") +
                    Seq(2, "ok", "read", "1", "\"a\"") +
                    Seq(2, "ok", "read", "2", "\"b\"") +
                    Seq(0, "ok", "read", "nil", "\"c\"");
  auto history = ParseEdnHistory(edn);
  ASSERT_TRUE(history.ok());
  auto result = Check(*history);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result->keys, 3u);
  ASSERT_EQ(result->bad_keys.size(), 1u);
  EXPECT_EQ(result->bad_keys[0], Value::Str("b"));
  EXPECT_EQ(result->window_key, Value::Str("b"));
  // Window: the write of b and the bad read of b (ops 1 and 3).
  EXPECT_EQ(result->window_ops, (std::vector<size_t>{1, 3}));
  EXPECT_EQ(result->failing_ops, (std::vector<size_t>{3}));
}

TEST(CheckerTest, WindowIsTheSmallestBadPrefix) {
  // A stale read early on, then a long linearizable tail on the same key.
  std::string edn = Seq(0, "ok", "write", "1") + Seq(0, "ok", "write", "2") +
                    Seq(1, "ok", "read", "1");  // bad: ops 0..2, lines 1..6
  for (int i = 0; i < 20; ++i) {
    edn += Seq(i % 3, "ok", "write", absl::StrCat(10 + i)) +
           Seq((i + 1) % 3, "ok", "read", absl::StrCat(10 + i));
  }
  auto history = ParseEdnHistory(edn);
  ASSERT_TRUE(history.ok());
  auto result = Check(*history);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->verdict, Verdict::kNotLinearizable);
  EXPECT_TRUE(result->window_minimal);
  EXPECT_EQ(result->window_cut_time, 6);  // the stale read's completion line
  EXPECT_EQ(result->window_ops, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(result->failing_ops, (std::vector<size_t>{2}));
  EXPECT_EQ(WindowToEdn(*history, *result),
            "{:process 0, :type :invoke, :f :write, :key \"k\", :value 1, :time 1}\n"
            "{:process 0, :type :ok, :f :write, :key \"k\", :value 1, :time 2}\n"
            "{:process 0, :type :invoke, :f :write, :key \"k\", :value 2, :time 3}\n"
            "{:process 0, :type :ok, :f :write, :key \"k\", :value 2, :time 4}\n"
            "{:process 1, :type :invoke, :f :read, :key \"k\", :value nil, :time 5}\n"
            "{:process 1, :type :ok, :f :read, :key \"k\", :value 1, :time 6}\n");
  size_t omitted = 0;
  std::string last = WindowToEdn(*history, *result, 1, &omitted);
  EXPECT_EQ(omitted, 2u);
  EXPECT_EQ(last,
            "{:process 1, :type :invoke, :f :read, :key \"k\", :value nil, :time 5}\n"
            "{:process 1, :type :ok, :f :read, :key \"k\", :value 1, :time 6}\n");
}

TEST(CheckerTest, WindowShowsOpsRunningAtTheCutAsPending) {
  // Op 1 (write 5) is invoked before the bad read completes and completes
  // after it: in the window it has only its invocation.
  std::string edn = Seq(0, "ok", "write", "1") + Inv(1, "write", "5") +
                    Seq(2, "ok", "read", "7") + Ok(1, "write", "5");
  auto history = ParseEdnHistory(edn);
  ASSERT_TRUE(history.ok());
  auto result = Check(*history);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result->window_ops, (std::vector<size_t>{0, 1, 2}));
  std::string window = WindowToEdn(*history, *result);
  EXPECT_NE(window.find(":type :invoke, :f :write, :key \"k\", :value 5"),
            std::string::npos);
  EXPECT_EQ(window.find(":type :ok, :f :write, :key \"k\", :value 5"),
            std::string::npos);
}

TEST(CheckerTest, AllKeysReportsTheEarliestFailingKey) {
  std::string edn = Seq(0, "ok", "write", "1", "\"a\"") +
                    Seq(0, "ok", "read", "1", "\"z\"") +   // z bad first
                    Seq(1, "ok", "read", "2", "\"a\"");    // a bad later
  auto history = ParseEdnHistory(edn);
  ASSERT_TRUE(history.ok());
  CheckOptions options;
  options.all_keys = true;
  auto result = Check(*history, options);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result->bad_keys,
            (std::vector<Value>{Value::Str("a"), Value::Str("z")}));
  EXPECT_EQ(result->window_key, Value::Str("z"));
  EXPECT_EQ(result->keys_unchecked, 0u);
}

TEST(CheckerTest, StopsAtTheFirstBadKeyInKeyOrder) {
  // Keys a (bad), m (fine), z (bad): by default only a is searched to the
  // end; m and z are left unchecked and a's window is reported.
  std::string edn = Seq(0, "ok", "write", "1", "\"a\"") +
                    Seq(0, "ok", "write", "1", "\"m\"") +
                    Seq(0, "ok", "read", "1", "\"z\"") +
                    Seq(1, "ok", "read", "2", "\"a\"") +
                    Seq(1, "ok", "read", "1", "\"m\"");
  auto history = ParseEdnHistory(edn);
  ASSERT_TRUE(history.ok());
  auto result = Check(*history);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result->keys, 3u);
  EXPECT_EQ(result->bad_keys, (std::vector<Value>{Value::Str("a")}));
  EXPECT_EQ(result->keys_unchecked, 2u);
  EXPECT_EQ(result->window_key, Value::Str("a"));
  EXPECT_EQ(result->failing_ops, (std::vector<size_t>{3}));
}

TEST(CheckerTest, StoppingEarlyKeepsAnEarlierUnknownKey) {
  // Key a runs out of a one-state budget (unknown), key b is plainly bad:
  // the verdict is still "not linearizable", a is listed as unknown.
  std::string edn = Seq(0, "ok", "write", "1", "\"a\"") +
                    Seq(0, "ok", "write", "2", "\"a\"") +
                    Seq(0, "ok", "read", "2", "\"a\"") +
                    Seq(1, "ok", "read", "7", "\"b\"");
  auto history = ParseEdnHistory(edn);
  ASSERT_TRUE(history.ok());
  CheckOptions options;
  options.max_states = 1;
  auto result = Check(*history, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result->unknown_keys, (std::vector<Value>{Value::Str("a")}));
  EXPECT_EQ(result->bad_keys, (std::vector<Value>{Value::Str("b")}));
}

// Many concurrent writes of distinct values then a read that matches none:
// the search must try every interleaving, which exhausts a small budget.
History HardHistory(int writers) {
  History h;
  std::vector<size_t> w;
  for (int i = 0; i < writers; ++i) {
    w.push_back(h.Invoke(i, OpKind::kWrite, Value::Str("k"), Value::Int(i), 0));
  }
  for (size_t i : w) h.Complete(i, Outcome::kOk, 10);
  size_t r = h.Invoke(99, OpKind::kRead, Value::Str("k"), Value(), 11);
  h.Complete(r, Outcome::kOk, 12, Value::Int(-1));
  return h;
}

TEST(CheckerTest, UnobservableIndeterminateWritesCostNothing) {
  // 40 timed-out writes of values nobody reads, concurrent with everything:
  // kept, they would multiply the configurations by up to 2^40.
  History h;
  size_t w = h.Invoke(0, OpKind::kWrite, Value(), Value::Int(1), 0);
  for (int i = 0; i < 40; ++i) {
    h.Invoke(100 + i, OpKind::kWrite, Value(), Value::Int(1000 + i), 0);
  }
  h.Complete(w, Outcome::kOk, 1);
  for (int i = 0; i < 10; ++i) {
    size_t r = h.Invoke(1, OpKind::kRead, Value(), Value(), 2 + 2 * i);
    h.Complete(r, Outcome::kOk, 3 + 2 * i, Value::Int(i == 9 ? 2 : 1));
  }
  CheckOptions options;
  options.max_states = 1000;
  auto result = Check(h, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kNotLinearizable) << result->reason;
  EXPECT_LT(result->states_explored, 100u);
  // The window still shows them (they are ops of the key).
  EXPECT_EQ(result->window_ops.size(), 51u);
}

TEST(CheckerTest, StateBudgetGivesUnknown) {
  History h = HardHistory(12);
  CheckOptions options;
  options.max_states = 100;
  auto result = Check(h, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kUnknown);
  EXPECT_NE(result->reason.find("state budget exhausted (100 states)"),
            std::string::npos)
      << result->reason;
  EXPECT_EQ(result->unknown_keys, (std::vector<Value>{Value::Str("k")}));
  // The one search ran past its budget: the largest search is that one.
  EXPECT_GT(result->max_search_states, 100u);
  EXPECT_EQ(result->max_search_states, result->states_explored);
  // Deterministic: the same input stops at the same point.
  auto again = Check(h, options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->states_explored, result->states_explored);
  // With the default budget the answer is found (2^12 subsets of writes).
  auto full = Check(h);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->verdict, Verdict::kNotLinearizable);
}

TEST(CheckerTest, MemoryBudgetGivesUnknown) {
  History h = HardHistory(12);
  CheckOptions options;
  options.max_memory_bytes = 64 << 10;
  auto result = Check(h, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kUnknown);
  EXPECT_NE(result->reason.find("memory budget exhausted"), std::string::npos)
      << result->reason;
}

TEST(CheckerTest, BadKeyWinsOverUnknownKey) {
  History h = HardHistory(12);  // key "k": needs many states
  size_t w = h.Invoke(0, OpKind::kWrite, Value::Str("j"), Value::Int(1), 20);
  h.Complete(w, Outcome::kOk, 21);
  size_t r = h.Invoke(1, OpKind::kRead, Value::Str("j"), Value(), 22);
  h.Complete(r, Outcome::kOk, 23, Value::Int(2));
  CheckOptions options;
  options.max_states = 100;
  options.all_keys = true;  // "k" comes after the bad "j"
  auto result = Check(h, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(result->window_key, Value::Str("j"));
  EXPECT_EQ(result->unknown_keys, (std::vector<Value>{Value::Str("k")}));
  // The largest search is key "k"'s (over its budget), not the sum of all.
  EXPECT_GT(result->max_search_states, 100u);
  EXPECT_LT(result->max_search_states, result->states_explored);
}

TEST(CheckerTest, InferModel) {
  History reg, kv, mixed, cas_only;
  reg.Invoke(0, OpKind::kWrite, Value(), Value::Int(1), 0);
  kv.Invoke(0, OpKind::kAppend, Value(), Value::Str("a"), 0);
  mixed.Invoke(0, OpKind::kRead, Value(), Value(), 0);
  mixed.Invoke(1, OpKind::kPut, Value(), Value::Str("a"), 0);
  cas_only.Invoke(0, OpKind::kCas, Value(), Value::Int(1), 0, Value::Int(0));
  EXPECT_EQ(*InferModel(reg), Model::kRegister);
  EXPECT_EQ(*InferModel(kv), Model::kKv);
  EXPECT_EQ(*InferModel(cas_only), Model::kRegister);
  auto bad = InferModel(mixed);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("pass --model"), std::string::npos);
  EXPECT_FALSE(Check(mixed).ok());
}

TEST(CheckerTest, OperationOutsideTheModelIsAnError) {
  History h;
  h.Invoke(0, OpKind::kAppend, Value(), Value::Str("a"), 0);
  CheckOptions options;
  options.model = Model::kRegister;
  auto result = Check(h, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(":append"), std::string::npos);
}

TEST(CheckerTest, MalformedHistoriesAreErrorsNotCrashes) {
  History ok_without_completion;
  Operation op;
  op.kind = OpKind::kWrite;
  op.outcome = Outcome::kOk;
  ok_without_completion.Add(op);
  EXPECT_FALSE(Check(ok_without_completion).ok());

  History backwards;
  size_t i = backwards.Invoke(0, OpKind::kWrite, Value(), Value::Int(1), 10);
  backwards.Complete(i, Outcome::kOk, 5);
  auto result = Check(backwards);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("before its invocation"),
            std::string::npos);
}

TEST(CheckerTest, EqualTimesAreConcurrent) {
  // Write completes at 5, read invoked at 5 sees the old value: allowed.
  History h;
  size_t w = h.Invoke(0, OpKind::kWrite, Value(), Value::Int(1), 0);
  size_t r = h.Invoke(1, OpKind::kRead, Value(), Value(), 5);
  h.Complete(w, Outcome::kOk, 5);
  h.Complete(r, Outcome::kOk, 6, Value());
  auto result = Check(h);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kLinearizable);
  // One tick later it is a stale read.
  h.mutable_ops()[r].invoke_time = 6;
  h.mutable_ops()[r].complete_time = 7;
  result = Check(h);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kNotLinearizable);
}

TEST(CheckerTest, ModelAndVerdictNames) {
  EXPECT_EQ(ModelFromName("register"), Model::kRegister);
  EXPECT_EQ(ModelFromName("kv"), Model::kKv);
  EXPECT_FALSE(ModelFromName("queue").has_value());
  EXPECT_EQ(ModelName(Model::kKv), "kv");
  EXPECT_EQ(VerdictName(Verdict::kNotLinearizable), "not linearizable");
}

}  // namespace
}  // namespace raftlog::lin
