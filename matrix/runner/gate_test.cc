#include "matrix/runner/gate.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

// `n` operations invoked every 10 ms from `start_us`, each taking
// `latency_us`; every `bad_every`-th one (0: none) times out.
lin::History Traffic(uint64_t start_us, int n, int64_t latency_us, int bad_every) {
  lin::History h;
  for (int i = 0; i < n; ++i) {
    const int64_t t = static_cast<int64_t>(start_us) + 10'000 * i;
    size_t idx = h.Invoke(i % 5, lin::OpKind::kPut, lin::Value(), lin::Value(), t);
    const bool bad = bad_every > 0 && i % bad_every == 0;
    h.Complete(idx, bad ? lin::Outcome::kInfo : lin::Outcome::kOk, t + latency_us);
  }
  return h;
}

CounterSample At(uint64_t t, uint64_t leaders, uint64_t decode, uint64_t commit) {
  return CounterSample{t, leaders, decode, commit};
}

WindowSignals Healthy() {
  lin::History h = Traffic(0, 200, 20'000, 50);
  return Measure(h, At(0, 1, 0, 100), At(2'000'000, 2, 0, 400));
}

TEST(Gate, MeasureCountsOnlyOperationsInvokedAndDecidedInTheWindow) {
  lin::History h = Traffic(0, 300, 20'000, 10);  // 0 .. 2.99 s
  WindowSignals w = Measure(h, At(1'000'000, 0, 0, 0), At(2'000'000, 0, 0, 0));
  // Invoked in [1 s, 2 s): 100; the last (1.99 s + 20 ms) is not decided by 2 s.
  EXPECT_EQ(w.ops, 99u);
  EXPECT_EQ(w.ok + w.failed + w.indeterminate, w.ops);
  EXPECT_EQ(w.indeterminate, 10u);
  EXPECT_EQ(w.latency_p50_us, 20'000u);
  EXPECT_DOUBLE_EQ(w.error_rate(), 10.0 / 99);
}

TEST(Gate, ACasThatDidNotMatchIsAnAnswerNotAnError) {
  lin::History h;
  size_t cas = h.Invoke(1, lin::OpKind::kCas, lin::Value(), lin::Value(), 10);
  h.Complete(cas, lin::Outcome::kFail, 20);
  size_t put = h.Invoke(2, lin::OpKind::kPut, lin::Value(), lin::Value(), 10);
  h.Complete(put, lin::Outcome::kFail, 20);
  WindowSignals w = Measure(h, At(0, 0, 0, 0), At(100, 0, 0, 0));
  EXPECT_EQ(w.ok, 1u);
  EXPECT_EQ(w.failed, 1u);
}

TEST(Gate, PercentilesOfLatency) {
  lin::History h;
  for (int i = 1; i <= 100; ++i) {
    size_t idx = h.Invoke(1, lin::OpKind::kGet, lin::Value(), lin::Value(), i);
    h.Complete(idx, lin::Outcome::kOk, i + 1000 * i);
  }
  WindowSignals w = Measure(h, At(0, 0, 0, 0), At(1'000'000, 0, 0, 0));
  EXPECT_EQ(w.latency_p50_us, 50'000u);
  EXPECT_EQ(w.latency_p99_us, 99'000u);
}

TEST(Gate, SameSignalsAreHealthy) {
  GateDecision d = Judge(Healthy(), Healthy());
  EXPECT_FALSE(d.rollback) << d.Summary();
  EXPECT_EQ(d.Summary(), "healthy");
}

TEST(Gate, TimeoutsBeyondTheSlackRollBack) {
  lin::History h = Traffic(0, 200, 20'000, 5);  // 20% time out vs 2%
  WindowSignals canary = Measure(h, At(0, 1, 0, 100), At(2'000'000, 2, 0, 400));
  GateDecision d = Judge(Healthy(), canary);
  ASSERT_TRUE(d.rollback);
  EXPECT_TRUE(absl::StrContains(d.Summary(), "error and timeout rate 20.1% > baseline 2.0%"))
      << d.Summary();
  // Within the slack: 4% against 2% is noise.
  lin::History h2 = Traffic(0, 200, 20'000, 25);
  EXPECT_FALSE(Judge(Healthy(), Measure(h2, At(0, 1, 0, 100), At(2'000'000, 2, 0, 400))).rollback);
}

TEST(Gate, EachOtherSignalRollsBackAlone) {
  const WindowSignals base = Healthy();
  {
    lin::History slow = Traffic(0, 200, 400'000, 50);  // p99 400 ms vs 20 ms
    WindowSignals c = Measure(slow, At(0, 1, 0, 100), At(2'500'000, 2, 0, 500));
    GateDecision d = Judge(base, c);
    EXPECT_TRUE(d.rollback);
    EXPECT_TRUE(absl::StrContains(d.Summary(), "commit latency p99")) << d.Summary();
  }
  lin::History h = Traffic(0, 200, 20'000, 50);
  {
    WindowSignals c = Measure(h, At(0, 1, 0, 100), At(2'000'000, 5, 0, 400));  // 4 vs 1
    EXPECT_TRUE(absl::StrContains(Judge(base, c).Summary(), "leader changes 4 > baseline 1"));
  }
  {
    WindowSignals c = Measure(h, At(0, 1, 0, 100), At(2'000'000, 2, 3, 400));
    EXPECT_TRUE(absl::StrContains(Judge(base, c).Summary(), "decode errors 3 > baseline 0"));
  }
  {
    WindowSignals c = Measure(h, At(0, 1, 0, 100), At(2'000'000, 2, 0, 200));  // 50/s vs 150/s
    EXPECT_TRUE(absl::StrContains(Judge(base, c).Summary(), "commit rate 50.0/s < 50% of"));
  }
  {
    lin::History none;
    WindowSignals c = Measure(none, At(0, 1, 0, 100), At(2'000'000, 2, 0, 400));
    EXPECT_TRUE(absl::StrContains(Judge(base, c).Summary(), "no traffic served"));
  }
}

}  // namespace
}  // namespace raftlog::runner
