#include "matrix/runner/overload.h"

#include "gtest/gtest.h"

namespace raftlog::runner {
namespace {

WindowSignals Window(uint64_t ok, uint64_t length_us = 1'000'000) {
  WindowSignals w;
  w.start_us = 10'000'000;
  w.end_us = w.start_us + length_us;
  w.ok = ok;
  w.ops = ok;
  return w;
}

OverloadFigures Healthy() {
  OverloadFigures f;
  f.baseline = Window(200, 2'000'000);  // 100/s
  f.storm = Window(80, 2'000'000);      // 40/s: 40%
  f.recovery = {Window(50), Window(90)};
  f.admission_control = true;
  f.max_inflight_requests = 8;
  f.open_requests_peak = 8;
  return f;
}

TEST(JudgeOverload, HealthyStormPasses) {
  OverloadVerdict v = JudgeOverload(Healthy());
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_NE(v.detail.find("goodput baseline 100.0/s, storm 40.0/s (40%)"), std::string::npos)
      << v.detail;
}

TEST(JudgeOverload, EachBrokenPromiseIsNamed) {
  OverloadFigures f = Healthy();
  f.storm = Window(58, 2'000'000);  // 29/s < 30%
  EXPECT_FALSE(JudgeOverload(f).ok);
  f = Healthy();
  f.recovery = {Window(60), Window(69)};  // best 69/s < 70%
  OverloadVerdict v = JudgeOverload(f);
  ASSERT_FALSE(v.ok);
  EXPECT_NE(v.failures[0].find("did not recover"), std::string::npos);
  f = Healthy();
  f.open_requests_peak = 9;
  v = JudgeOverload(f);
  ASSERT_FALSE(v.ok);
  EXPECT_NE(v.failures[0].find("above its admission limit 8"), std::string::npos);
  f = Healthy();
  f.baseline = Window(5);
  EXPECT_FALSE(JudgeOverload(f).ok);
}

TEST(JudgeOverload, WithoutAdmissionControlOnlyReported) {
  OverloadFigures f = Healthy();
  f.admission_control = false;
  f.storm = Window(0);
  f.open_requests_peak = 500;
  OverloadVerdict v = JudgeOverload(f);
  EXPECT_TRUE(v.ok);
  EXPECT_NE(v.detail.find("reported only"), std::string::npos);
}

}  // namespace
}  // namespace raftlog::runner
