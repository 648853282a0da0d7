#include "matrix/lin/edn.h"

#include <cstdio>
#include <functional>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "matrix/lin/checker.h"
#include "gtest/gtest.h"
#include "matrix/lin/histgen.h"
#include "matrix/lin/history.h"

namespace raftlog::lin {
namespace {

TEST(EdnParseTest, JepsenRegisterHistory) {
  auto h = ParseEdnHistory(
      "{:process 3, :type :invoke, :f :cas, :key \"k\", :value [1 2]}\n"
      "{:type :invoke, :process 4, :value nil, :f :read, :key \"k\"}\n"
      "{:process 3 :type :ok :f :cas :key \"k\" :value [1 2]}\n"
      "{:process 4, :type :ok, :f :read, :key \"k\", :value 2}\n"
      "{:process 5, :type :invoke, :f :write, :value -7, :index 9}\n");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 3u);
  const Operation& cas = (*h)[0];
  EXPECT_EQ(cas.process, 3);
  EXPECT_EQ(cas.kind, OpKind::kCas);
  EXPECT_EQ(cas.key, Value::Str("k"));
  EXPECT_EQ(cas.expected, Value::Int(1));
  EXPECT_EQ(cas.value, Value::Int(2));
  EXPECT_EQ(cas.outcome, Outcome::kOk);
  EXPECT_EQ(cas.invoke_time, 1);  // no :time: line numbers
  EXPECT_EQ(cas.complete_time, 3);
  const Operation& read = (*h)[1];
  EXPECT_EQ(read.kind, OpKind::kRead);
  EXPECT_EQ(read.result, Value::Int(2));
  EXPECT_TRUE(read.found());
  const Operation& write = (*h)[2];
  EXPECT_TRUE(write.key.is_nil());
  EXPECT_EQ(write.value, Value::Int(-7));
  EXPECT_EQ(write.outcome, Outcome::kInfo);  // never completed
  EXPECT_FALSE(write.complete_time.has_value());
}

TEST(EdnParseTest, KvHistoryWithStringsAndEscapes) {
  auto h = ParseEdnHistory(
      "; a comment line\n"
      "\n"
      "{:process 0, :type :invoke, :f :put, :key \"a b\", "
      ":value \"q\\\"\\\\\\n\\t\\u00e9\"}\n"
      "{:process 0, :type :ok, :f :put, :key \"a b\"}   ; trailing comment\n"
      "{:process 1, :type :invoke, :f :get, :key 7, :value nil}\r\n"
      "{:process 1, :type :ok, :f :get, :key 7, :value nil}\n"
      "{:process 2, :type :invoke, :f :append, :key \"x\", :value \"z\"}\n"
      "{:process 2, :type :info, :f :append, :key \"x\", :error :timeout}\n");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ((*h)[0].key, Value::Str("a b"));
  EXPECT_EQ((*h)[0].value, Value::Str("q\"\\\n\t\xc3\xa9"));
  EXPECT_EQ((*h)[1].key, Value::Int(7));
  EXPECT_FALSE((*h)[1].found());
  EXPECT_EQ((*h)[1].outcome, Outcome::kOk);
  EXPECT_EQ((*h)[2].outcome, Outcome::kInfo);
  EXPECT_EQ((*h)[2].complete_time, 8);
}

TEST(EdnParseTest, UnknownKeysOfAnyShapeAreIgnored) {
  auto h = ParseEdnHistory(
      "{:process 0, :type :invoke, :f :write, :value 1, :extra {:a [1 (2 3) "
      "#{4}] \"b\" 2.5e3}, :node \"n1\", :tag #inst \"2024-01-01\", "
      ":flag true, :ch \\x, :big 123456789012345678901234567890N, "
      ":sym foo/bar, :d #_ :discarded 5 #_ 6}\n"
      "{:process 0, :type :fail, :f :write, :value 1, :error [:not-leader]}\n"
      "{:type :info, :f :start-partition, :process :nemesis, :value "
      "[:isolated {\"n1\" #{\"n2\" \"n3\"}}]}\n"
      "#jepsen.history.Op{:process 1, :type :invoke, :f :read, :value nil}\n");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].outcome, Outcome::kFail);
  EXPECT_EQ((*h)[1].kind, OpKind::kRead);
}

TEST(EdnParseTest, TimesFromTimeFieldWhenEveryLineHasOne) {
  auto h = ParseEdnHistory(
      "{:process 0, :type :invoke, :f :write, :value 1, :time 100}\n"
      "{:process 1, :type :invoke, :f :read, :value nil, :time 100}\n"
      "{:process 0, :type :ok, :f :write, :value 1, :time 250}\n"
      "{:process 1, :type :ok, :f :read, :value 1, :time 300}\n");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ((*h)[0].invoke_time, 100);
  EXPECT_EQ((*h)[1].invoke_time, 100);
  EXPECT_EQ((*h)[0].complete_time, 250);
  // One line without :time: line numbers for all.
  auto mixed = ParseEdnHistory(
      "{:process 0, :type :invoke, :f :write, :value 1, :time 100}\n"
      "{:process 0, :type :ok, :f :write, :value 1}\n");
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ((*mixed)[0].invoke_time, 1);
  EXPECT_EQ((*mixed)[0].complete_time, 2);
}

TEST(EdnParseTest, ProcessMayInvokeAgainAfterInfo) {
  auto h = ParseEdnHistory(
      "{:process 0, :type :invoke, :f :write, :value 1}\n"
      "{:process 0, :type :info, :f :write, :value 1}\n"
      "{:process 0, :type :invoke, :f :write, :value 2}\n"
      "{:process 0, :type :ok, :f :write, :value 2}\n");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->size(), 2u);
}

struct BadLine {
  std::string name;
  std::string text;
  std::string error;  // expected substring, including "line N"
};

class EdnMalformedTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(EdnMalformedTest, ClearError) {
  const BadLine& c = GetParam();
  auto h = ParseEdnHistory(c.text);
  ASSERT_FALSE(h.ok()) << c.text;
  EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(h.status().message().find(c.error), std::string::npos)
      << "got: " << h.status().message();
  // Every error says where: line and column.
  EXPECT_TRUE(std::regex_search(std::string(h.status().message()),
                                std::regex("^line [0-9]+: column [0-9]+: ")))
      << "got: " << h.status().message();
}

const char kGood[] = "{:process 0, :type :invoke, :f :write, :value 1}\n";

INSTANTIATE_TEST_SUITE_P(
    Lines, EdnMalformedTest,
    ::testing::Values(
        BadLine{"NotAMap", "[1 2 3]\n",
                "line 1: column 2: expected an operation map {...}, found 1"},
        BadLine{"NotAMapAfterMaps", absl::StrCat(kGood, "[1 2 3]\n"),
                "line 2: column 1: expected an operation map {...}, found a vector"},
        BadLine{"UnclosedHistoryVector", absl::StrCat("[", kGood),
                "line 1: column 1: missing ']' for the history vector"},
        BadLine{"TrailingAfterHistoryVector", absl::StrCat("[]\n", kGood),
                "line 2: column 1: trailing characters after the history vector"},
        BadLine{"ErrorInsideAMultiLineMap",
                "[{:process 0,\n  :type :invoke,\n  :f :txn}]\n",
                "line 3: column 6: unknown :f :txn"},
        BadLine{"TupleHistoryReadWithoutKey",
                "{:process 0, :type :invoke, :f :write, :value [\"k\" 1]}\n"
                "{:process 1, :type :invoke, :f :read, :value nil}\n",
                "line 2: column 46: a jepsen.independent history (tuple values from line 1) "
                "needs :value [key value] here, found nil"},
        BadLine{"TupleHistoryCasWithoutPair",
                "{:process 0, :type :invoke, :f :write, :value [\"k\" 1]}\n"
                "{:process 0, :type :ok, :f :write, :value [\"k\" 1]}\n"
                "{:process 0, :type :invoke, :f :cas, :value [\"k\" 3]}\n",
                "line 3: column 1: :cas needs :value [expected new] (strings, integers or nil), "
                "found 3"},
        BadLine{"TupleKeyMismatch",
                "{:process 0, :type :invoke, :f :write, :value [\"k\" 1]}\n"
                "{:process 0, :type :ok, :f :write, :value [\"j\" 1]}\n",
                "line 2: column 1: completion :key \"j\" does not match the invocation's \"k\""},
        BadLine{"UnclosedMap", absl::StrCat(kGood, "{:process 1, :type :invoke\n"),
                "line 2: column 1: missing '}' for this collection"},
        BadLine{"UnterminatedString",
                "{:process 0, :type :invoke, :f :put, :value \"abc}\n",
                "line 1: column 45: unterminated string"},
        BadLine{"BadEscape",
                "{:process 0, :type :invoke, :f :put, :value \"a\\qb\"}\n",
                "unknown string escape '\\q'"},
        BadLine{"BadUnicodeEscape",
                "{:process 0, :type :invoke, :f :put, :value \"\\u12x4\"}\n",
                "bad hex digit"},
        BadLine{"OddMap", "{:process 0, :type}\n", "map has a key without a value"},
        BadLine{"StrayClose", "{:process 0, :type :invoke, :f :read}}\n",
                "line 1: column 38: unexpected '}'"},
        BadLine{"MissingProcess", "{:type :invoke, :f :read}\n",
                "line 1: column 1: missing :process"},
        BadLine{"StringProcess", "{:process \"p\", :type :invoke, :f :read}\n",
                ":process must be an integer"},
        BadLine{"MissingType", "{:process 0, :f :read}\n", "missing :type"},
        BadLine{"UnknownType", "{:process 0, :type :done, :f :read}\n",
                "unknown :type :done"},
        BadLine{"UnknownF", "{:process 0, :type :invoke, :f :txn, :value []}\n",
                "unknown :f :txn"},
        BadLine{"MissingF", "{:process 0, :type :invoke, :value 1}\n",
                "missing :f"},
        BadLine{"CasNotVector",
                "{:process 0, :type :invoke, :f :cas, :value 3}\n",
                ":cas needs :value [expected new] (strings, integers or nil), found 3"},
        BadLine{"CasVectorOfVectors",
                "{:process 0, :type :invoke, :f :cas, :value [[1] 2]}\n",
                "found a vector"},
        BadLine{"ReadOfVector",
                "{:process 0, :type :invoke, :f :read, :key 1}\n"
                "{:process 0, :type :ok, :f :read, :key 1, :value [1 2]}\n",
                "line 2: column 1: the value read must be a string, an integer or nil, "
                "not a vector"},
        BadLine{"CasWrongArity",
                "{:process 0, :type :invoke, :f :cas, :value [1 2 3]}\n",
                ":cas needs :value [expected new]"},
        BadLine{"WriteWithoutValue",
                "{:process 0, :type :invoke, :f :write}\n",
                ":write invocation without :value"},
        BadLine{"VectorValueForWrite",
                "{:process 0, :type :invoke, :f :write, :value [1]}\n",
                ":value must be a string, an integer or nil, not a vector"},
        BadLine{"FloatValue",
                "{:process 0, :type :invoke, :f :write, :value 1.5}\n",
                "not 1.5"},
        BadLine{"KeywordKey",
                "{:process 0, :type :invoke, :f :write, :key :k, :value 1}\n",
                ":key must be a string, an integer or nil, not :k"},
        BadLine{"DuplicateKey",
                "{:process 0, :process 1, :type :invoke, :f :read}\n",
                "duplicate key :process"},
        BadLine{"DoubleInvoke", absl::StrCat(kGood, kGood),
                "line 2: column 1: process 0 invokes :write while its :write from line "
                "1 is still outstanding"},
        BadLine{"OrphanCompletion",
                "\n{:process 4, :type :ok, :f :read, :value 1}\n",
                "line 2: column 1: completion for process 4, which has no outstanding"},
        BadLine{"CompletionKindMismatch",
                absl::StrCat(kGood, "{:process 0, :type :ok, :f :read}\n"),
                "completion :f :read does not match the invocation's :write"},
        BadLine{"CompletionKeyMismatch",
                absl::StrCat("{:process 0, :type :invoke, :f :write, :key 1, "
                             ":value 1}\n",
                             "{:process 0, :type :ok, :f :write, :key 2}\n"),
                "completion :key 2 does not match"},
        BadLine{"OkReadWithoutValue",
                "{:process 0, :type :invoke, :f :read}\n"
                "{:process 0, :type :ok, :f :read}\n",
                ":ok :read without :value"},
        BadLine{"TimeGoesBackwards",
                "{:process 0, :type :invoke, :f :write, :value 1, :time 5}\n"
                "{:process 0, :type :ok, :f :write, :value 1, :time 4}\n",
                "line 2: column 52: :time 4 is before the previous event's :time 5 (line 1)"},
        BadLine{"TimeNotInteger",
                "{:process 0, :type :invoke, :f :read, :time \"now\"}\n",
                ":time must be an integer"},
        BadLine{"HugeInteger",
                "{:process 99999999999999999999, :type :invoke, :f :read}\n",
                ":process must be an integer"},
        BadLine{"BadCharacter", "{:process 0, :type :invoke, :f :read, @x 1}\n",
                "unexpected character '@'"},
        BadLine{"DeepNesting",
                absl::StrCat("{:process 0, :x ", std::string(200, '['),
                             std::string(200, ']'), "}\n"),
                "nesting deeper than 64 levels"},
        BadLine{"LoneHash", "{:process 0, :x #}\n", "bad '#' dispatch"}),
    [](const ::testing::TestParamInfo<BadLine>& info) {
      return info.param.name;
    });

// Every byte string either parses or yields a status; never a crash.
TEST(EdnParseTest, GarbageNeverCrashes) {
  std::string base =
      "{:process 3, :type :invoke, :f :cas, :key \"k\\\"x\", :value [1 2]}\n"
      "{:process 3, :type :ok, :f :cas, :key \"k\\\"x\", :value [1 2]}\n";
  uint64_t x = 12345;
  for (int round = 0; round < 5000; ++round) {
    std::string s = base;
    int edits = 1 + round % 4;
    for (int e = 0; e < edits; ++e) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      size_t pos = (x >> 33) % s.size();
      const char alphabet[] = "{}[]()#\\\":, \n;0a-";
      char c = alphabet[(x >> 17) % (sizeof(alphabet) - 1)];
      if ((x >> 5) % 3 == 0) {
        s.erase(pos, 1);
      } else {
        s.insert(pos, 1, c);
      }
    }
    auto h = ParseEdnHistory(s);
    if (!h.ok()) {
      EXPECT_EQ(h.status().message().substr(0, 5), "line ") << s;
    }
  }
}

TEST(EdnFileTest, MissingFileIsNotFound) {
  auto h = ReadEdnHistoryFile("/nonexistent/dir/history.edn");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(h.status().message().find("/nonexistent/dir/history.edn"),
            std::string::npos);
}

TEST(EdnFileTest, ParseErrorNamesFileAndLine) {
  std::string path = absl::StrCat(::testing::TempDir(), "/bad.edn");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs(kGood, f);
  std::fputs("{:process 0, :type :ok, :f :write\n", f);
  std::fclose(f);
  auto h = ReadEdnHistoryFile(path);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find(path + ": line 2:"), std::string::npos)
      << h.status().message();
}

void ExpectSameHistory(const History& a, const History& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("op ", i));
    const Operation& x = a[i];
    const Operation& y = b[i];
    EXPECT_EQ(x.process, y.process);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.key, y.key);
    if (x.kind == OpKind::kWrite || x.kind == OpKind::kPut ||
        x.kind == OpKind::kAppend || x.kind == OpKind::kCas) {
      EXPECT_EQ(x.value, y.value);
    }
    if (x.kind == OpKind::kCas) EXPECT_EQ(x.expected, y.expected);
    EXPECT_EQ(x.result, y.result);
    EXPECT_EQ(x.invoke_time, y.invoke_time);
    EXPECT_EQ(x.complete_time, y.complete_time);
    EXPECT_EQ(x.outcome, y.outcome);
  }
}

TEST(EdnRoundTripTest, HandMade) {
  History h;
  size_t b = h.Invoke(2, OpKind::kGet, Value::Int(-3), Value(), 0);
  h.Complete(b, Outcome::kOk, 0, Value::Str(""));  // zero duration
  size_t a = h.Invoke(1, OpKind::kPut, Value::Str("k\"\n\x01\xff"),
                      Value::Str("v\\"), 0);
  h.Complete(a, Outcome::kInfo, 4);
  size_t c = h.Invoke(2, OpKind::kCas, Value(), Value::Int(2), 4, Value());
  h.Complete(c, Outcome::kFail, 9);
  h.Invoke(1, OpKind::kAppend, Value::Str("k"), Value::Str("x"), 9);
  h.Invoke(3, OpKind::kDelete, Value::Str("k"), Value(), 10);
  auto back = ParseEdnHistory(ToEdn(h));
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << ToEdn(h);
  ExpectSameHistory(h, *back);
  EXPECT_EQ(ToEdn(*back), ToEdn(h));
}

TEST(EdnRoundTripTest, GeneratedHistories) {
  for (uint64_t seed = 0; seed < 300; ++seed) {
    GenOptions o;
    o.model = seed % 2 ? Model::kKv : Model::kRegister;
    o.clients = 1 + seed % 5;
    o.ops = 40;
    o.keys = 1 + seed % 3;
    o.info_rate = 0.2;
    o.fail_rate = 0.1;
    History h = GenerateHistory(seed, o);
    auto back = ParseEdnHistory(ToEdn(h));
    ASSERT_TRUE(back.ok()) << back.status();
    // ToEdn orders events by time; the parser numbers operations by
    // invocation line, which is the generator's order sorted by invoke time.
    ASSERT_EQ(back->size(), h.size());
    EXPECT_EQ(ToEdn(*back), ToEdn(h)) << "seed " << seed;
  }
}

// The forms people already have histories in (matrix/lin/HISTORY.md): one
// map per line, the whole history as one vector, maps spanning lines,
// jepsen.independent tuples, :time in nanoseconds with Jepsen's :index, no
// :time at all. Each reads as the same operations (times aside) and gets the
// same verdict as the project's own form.
struct Form {
  const char* name;
  std::function<std::string(const History&)> write;
  int64_t time_scale;  // 0: times are not kept (order only)
};

std::vector<Form> Forms() {
  EdnWriteOptions tuples;
  tuples.independent_tuples = true;
  EdnWriteOptions jepsen = tuples;
  jepsen.time_scale = 1000;
  jepsen.index = true;
  auto vector = [](const std::string& lines) { return absl::StrCat("[", lines, "]\n"); };
  auto pretty = [](const std::string& lines) {
    return absl::StrReplaceAll(lines, {{", :", ",\n   :"}, {"}\n{", "}\n\n {"}});
  };
  return {
      {"lines", [](const History& h) { return ToEdn(h); }, 1},
      {"vector", [=](const History& h) { return vector(ToEdn(h)); }, 1},
      {"vector_of_multiline_maps", [=](const History& h) { return vector(pretty(ToEdn(h))); }, 1},
      {"tuples", [=](const History& h) { return ToEdn(h, tuples); }, 1},
      {"tagged_tuples",
       [=](const History& h) {
         return absl::StrReplaceAll(ToEdn(h, tuples),
                                    {{":value [", ":value #jepsen.independent/tuple ["}});
       },
       1},
      {"jepsen_nanoseconds_with_index", [=](const History& h) { return ToEdn(h, jepsen); }, 1000},
      {"jepsen_ops_in_a_vector",
       [=](const History& h) {
         return vector(absl::StrReplaceAll(ToEdn(h, jepsen), {{"{:process", "#jepsen.history.Op{:process"}}));
       },
       1000},
      {"no_time",
       [](const History& h) {
         std::string out;
         for (absl::string_view line : absl::StrSplit(ToEdn(h), '\n', absl::SkipEmpty())) {
           absl::StrAppend(&out, line.substr(0, line.find(", :time")), "}\n");
         }
         return out;
       },
       0},
  };
}

// Two events at one time are concurrent; in a file without :time the later
// line is later, so that form says the same only without ties.
bool HasTies(const History& h) {
  std::set<int64_t> times;
  size_t events = 0;
  for (const Operation& op : h.ops()) {
    times.insert(op.invoke_time);
    ++events;
    if (op.complete_time) {
      times.insert(*op.complete_time);
      ++events;
    }
  }
  return times.size() != events;
}

TEST(EdnFormsTest, EveryFormReadsTheSameOperationsAndVerdict) {
  int not_linearizable = 0, untimed = 0;
  for (uint64_t seed = 0; seed < 120; ++seed) {
    GenOptions o;
    o.model = seed % 2 ? Model::kKv : Model::kRegister;
    o.clients = 1 + seed % 4;
    o.ops = 30;
    o.keys = 1 + seed % 3;
    o.info_rate = 0.15;
    o.fail_rate = 0.1;
    o.corrupt_rate = seed % 3 == 0 ? 0.1 : 0.0;
    o.max_latency = seed % 2 ? 4 : 10'000;  // short: many ties; long: few
    o.max_think = seed % 2 ? 2 : 5'000;
    const History h = GenerateHistory(seed, o);
    auto reference = ParseEdnHistory(ToEdn(h));
    ASSERT_TRUE(reference.ok()) << reference.status();
    CheckOptions co;
    co.model = o.model;
    co.all_keys = true;
    auto expected = Check(*reference, co);
    ASSERT_TRUE(expected.ok()) << expected.status();
    if (expected->verdict == Verdict::kNotLinearizable) ++not_linearizable;
    for (const Form& form : Forms()) {
      if (form.time_scale == 0) {
        if (HasTies(h)) continue;
        ++untimed;
      }
      SCOPED_TRACE(absl::StrCat("seed ", seed, ", form ", form.name));
      const std::string text = form.write(h);
      auto back = ParseEdnHistory(text);
      ASSERT_TRUE(back.ok()) << back.status() << "\n" << text;
      if (form.time_scale > 0) {
        History rescaled = *back;
        for (Operation& op : rescaled.mutable_ops()) {
          op.invoke_time /= form.time_scale;
          if (op.complete_time) *op.complete_time /= form.time_scale;
        }
        ExpectSameHistory(*reference, rescaled);
      }
      auto got = Check(*back, co);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->verdict, expected->verdict);
      EXPECT_EQ(got->bad_keys, expected->bad_keys);
    }
  }
  EXPECT_GT(not_linearizable, 5);  // both verdicts were compared
  EXPECT_GT(untimed, 20);          // and the form without :time
}

// Jepsen's own register history: nemesis events, :index, nanoseconds,
// independent tuples, a cas [k [expected new]], keyword :f values.
TEST(EdnFormsTest, JepsenIndependentRegister) {
  auto h = ParseEdnHistory(
      "{:type :info, :f :start, :process :nemesis, :time 1000, :index 0}\n"
      "{:type :invoke, :f :write, :value [3 4], :process 0, :time 2000, :index 1}\n"
      "{:type :invoke, :f :read, :value [3 nil], :process 1, :time 3000, :index 2}\n"
      "{:type :ok, :f :write, :value [3 4], :process 0, :time 4000, :index 3}\n"
      "{:type :ok, :f :read, :value [3 4], :process 1, :time 5000, :index 4}\n"
      "{:type :invoke, :f :cas, :value [7 [nil 1]], :process 0, :time 6000, :index 5}\n"
      "{:type :fail, :f :cas, :value [7 [nil 1]], :process 0, :time 7000, :index 6}\n"
      "{:type :invoke, :f :read, :value [7 nil], :process 0, :time 8000, :index 7}\n"
      "{:type :info, :f :read, :value nil, :process 0, :time 9000, :index 8}\n");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->size(), 4u);
  EXPECT_EQ((*h)[0].key, Value::Int(3));
  EXPECT_EQ((*h)[0].value, Value::Int(4));
  EXPECT_EQ((*h)[1].result, Value::Int(4));
  EXPECT_EQ((*h)[2].key, Value::Int(7));
  EXPECT_EQ((*h)[2].expected, Value::Nil());
  EXPECT_EQ((*h)[2].value, Value::Int(1));
  EXPECT_EQ((*h)[2].outcome, Outcome::kFail);
  EXPECT_EQ((*h)[3].outcome, Outcome::kInfo);
  EXPECT_EQ((*h)[3].invoke_time, 8000);
}

// A plain register cas [expected new] is not a tuple; nor is a history that
// names its keys with :key.
TEST(EdnFormsTest, PlainPairsStayPlain) {
  auto h = ParseEdnHistory(
      "{:process 0, :type :invoke, :f :cas, :value [1 2]}\n"
      "{:process 0, :type :ok, :f :cas, :value [1 2]}\n");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE((*h)[0].key.is_nil());
  EXPECT_EQ((*h)[0].expected, Value::Int(1));
  EXPECT_EQ((*h)[0].value, Value::Int(2));
}

// Without :time, a vector on one line orders its events by position.
TEST(EdnFormsTest, OneLineVectorWithoutTimesUsesPositions) {
  auto h = ParseEdnHistory(
      "[{:process 0, :type :invoke, :f :write, :value 1} {:process 0, :type :ok, :f :write}"
      " {:process 1, :type :invoke, :f :read} {:process 1, :type :ok, :f :read, :value 1}]");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ((*h)[0].invoke_time, 1);
  EXPECT_EQ((*h)[0].complete_time, 2);
  EXPECT_EQ((*h)[1].invoke_time, 3);
  EXPECT_EQ((*h)[1].complete_time, 4);
}

}  // namespace
}  // namespace raftlog::lin
