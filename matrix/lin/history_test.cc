#include "matrix/lin/history.h"

#include "gtest/gtest.h"

namespace raftlog::lin {
namespace {

TEST(ValueTest, EdnText) {
  EXPECT_EQ(Value().ToEdn(), "nil");
  EXPECT_EQ(Value::Int(-42).ToEdn(), "-42");
  EXPECT_EQ(Value::Str("a\"b\\c\n\x01").ToEdn(), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_NE(Value::Int(1), Value::Str("1"));
  EXPECT_NE(Value::Nil(), Value::Str(""));
  EXPECT_TRUE(Value::Nil() < Value::Int(0));
  EXPECT_TRUE(Value::Int(5) < Value::Str(""));
}

TEST(OpKindTest, NamesRoundTrip) {
  for (OpKind k : {OpKind::kRead, OpKind::kWrite, OpKind::kCas, OpKind::kGet,
                   OpKind::kPut, OpKind::kAppend, OpKind::kDelete}) {
    auto back = OpKindFromName(OpKindName(k));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, k);
  }
  EXPECT_FALSE(OpKindFromName("txn").has_value());
}

TEST(HistoryTest, RecorderAndEdnOrder) {
  History h;
  size_t w = h.Invoke(1, OpKind::kWrite, Value::Str("k"), Value::Int(3), 10);
  size_t c = h.Invoke(2, OpKind::kCas, Value::Str("k"), Value::Int(4), 11,
                      Value::Int(3));
  h.Complete(w, Outcome::kOk, 12);
  size_t r = h.Invoke(1, OpKind::kRead, Value::Str("k"), Value(), 12);
  h.Complete(r, Outcome::kOk, 15, Value::Int(4));
  h.Invoke(3, OpKind::kWrite, Value(), Value::Int(9), 16);  // never completes
  (void)c;                                                  // stays :info
  EXPECT_TRUE(h[r].found());
  EXPECT_FALSE(h[c].complete_time.has_value());
  EXPECT_EQ(ToEdn(h),
            "{:process 1, :type :invoke, :f :write, :key \"k\", :value 3, :time 10}\n"
            "{:process 2, :type :invoke, :f :cas, :key \"k\", :value [3 4], :time 11}\n"
            "{:process 1, :type :ok, :f :write, :key \"k\", :value 3, :time 12}\n"
            "{:process 1, :type :invoke, :f :read, :key \"k\", :value nil, :time 12}\n"
            "{:process 1, :type :ok, :f :read, :key \"k\", :value 4, :time 15}\n"
            "{:process 3, :type :invoke, :f :write, :value 9, :time 16}\n");
}

TEST(HistoryTest, ZeroDurationOpKeepsInvokeFirst) {
  History h;
  size_t a = h.Invoke(1, OpKind::kPut, Value::Str("x"), Value::Str("v"), 5);
  h.Complete(a, Outcome::kFail, 5);
  EXPECT_EQ(ToEdn(h),
            "{:process 1, :type :invoke, :f :put, :key \"x\", :value \"v\", :time 5}\n"
            "{:process 1, :type :fail, :f :put, :key \"x\", :value \"v\", :time 5}\n");
}

}  // namespace
}  // namespace raftlog::lin
