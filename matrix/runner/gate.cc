#include "matrix/runner/gate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace raftlog::runner {
namespace {

uint64_t Delta(uint64_t end, uint64_t start) { return end > start ? end - start : 0; }

// Nearest-rank percentile of a sorted vector (empty: 0).
uint64_t Percentile(const std::vector<uint64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(p * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

std::string Ms(uint64_t us) { return absl::StrFormat("%.0fms", us / 1e3); }
std::string Pct(double x) { return absl::StrFormat("%.1f%%", 100 * x); }

}  // namespace

double WindowSignals::error_rate() const {
  return ops == 0 ? 0.0 : static_cast<double>(failed + indeterminate) / static_cast<double>(ops);
}

double WindowSignals::commit_rate() const {
  return length_us() == 0 ? 0.0 : static_cast<double>(committed) * 1e6 / length_us();
}

std::string WindowSignals::ToString() const {
  return absl::StrFormat(
      "%d ops (%d ok, %d failed, %d timed out: %s), latency p50 %s p99 %s, %d leader "
      "change(s), %d decode error(s), %.1f commits/s",
      ops, ok, failed, indeterminate, Pct(error_rate()), Ms(latency_p50_us), Ms(latency_p99_us),
      leader_changes, decode_errors, commit_rate());
}

WindowSignals Measure(const lin::History& history, const CounterSample& start,
                      const CounterSample& end) {
  WindowSignals w;
  w.start_us = start.time_us;
  w.end_us = end.time_us;
  std::vector<uint64_t> latencies;
  for (const lin::Operation& op : history.ops()) {
    const int64_t invoked = op.invoke_time;
    if (invoked < static_cast<int64_t>(w.start_us) || invoked >= static_cast<int64_t>(w.end_us)) {
      continue;
    }
    if (!op.complete_time.has_value() || *op.complete_time > static_cast<int64_t>(w.end_us)) {
      continue;
    }
    ++w.ops;
    switch (op.outcome) {
      case lin::Outcome::kOk:
        ++w.ok;
        latencies.push_back(static_cast<uint64_t>(*op.complete_time - invoked));
        break;
      case lin::Outcome::kFail:
        if (op.kind == lin::OpKind::kCas) {
          // A compare that did not match is an answer, not an error (the
          // history does not tell it from a refused cas; refusals of the
          // other kinds count).
          ++w.ok;
          latencies.push_back(static_cast<uint64_t>(*op.complete_time - invoked));
        } else {
          ++w.failed;
        }
        break;
      case lin::Outcome::kInfo:
        ++w.indeterminate;
        break;
    }
  }
  std::sort(latencies.begin(), latencies.end());
  w.latency_p50_us = Percentile(latencies, 0.50);
  w.latency_p99_us = Percentile(latencies, 0.99);
  w.leader_changes = Delta(end.leader_changes, start.leader_changes);
  w.decode_errors = Delta(end.decode_errors, start.decode_errors);
  w.committed = Delta(end.commit_index, start.commit_index);
  return w;
}

GateDecision Judge(const WindowSignals& baseline, const WindowSignals& canary,
                   const GateThresholds& t) {
  GateDecision d;
  auto degraded = [&d](std::string why) { d.reasons.push_back(std::move(why)); };
  if (canary.ops < t.min_ops) {
    degraded(absl::StrCat("no traffic served: ", canary.ops, " operation(s) completed (baseline ",
                          baseline.ops, ")"));
  }
  if (canary.error_rate() > baseline.error_rate() + t.max_error_rate_increase) {
    degraded(absl::StrCat("error and timeout rate ", Pct(canary.error_rate()), " > baseline ",
                          Pct(baseline.error_rate()), " + ", Pct(t.max_error_rate_increase)));
  }
  const uint64_t p99_limit =
      std::max(static_cast<uint64_t>(t.max_p99_latency_factor * baseline.latency_p99_us),
               baseline.latency_p99_us + t.p99_latency_slack_us);
  if (canary.latency_p99_us > p99_limit) {
    degraded(absl::StrCat("commit latency p99 ", Ms(canary.latency_p99_us), " > ",
                          Ms(p99_limit), " (baseline ", Ms(baseline.latency_p99_us), ")"));
  }
  if (canary.leader_changes > baseline.leader_changes + t.max_extra_leader_changes) {
    degraded(absl::StrCat("leader changes ", canary.leader_changes, " > baseline ",
                          baseline.leader_changes, " + ", t.max_extra_leader_changes));
  }
  if (canary.decode_errors > baseline.decode_errors + t.max_extra_decode_errors) {
    degraded(absl::StrCat("decode errors ", canary.decode_errors, " > baseline ",
                          baseline.decode_errors, " + ", t.max_extra_decode_errors));
  }
  if (canary.commit_rate() < t.min_commit_rate_ratio * baseline.commit_rate()) {
    degraded(absl::StrFormat("commit rate %.1f/s < %.0f%% of baseline %.1f/s",
                             canary.commit_rate(), 100 * t.min_commit_rate_ratio,
                             baseline.commit_rate()));
  }
  d.rollback = !d.reasons.empty();
  return d;
}

std::string GateDecision::Summary() const {
  return rollback ? absl::StrJoin(reasons, "; ") : "healthy";
}

}  // namespace raftlog::runner
