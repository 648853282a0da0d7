#include "matrix/runner/op_bars.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::runner {
namespace {

std::string Show(const lin::Value& v) { return v.is_nil() ? "nil" : v.str(); }

std::string What(const lin::Operation& op) {
  std::string s = absl::StrCat(lin::OpKindName(op.kind), " ", Show(op.key));
  switch (op.kind) {
    case lin::OpKind::kCas:
      absl::StrAppend(&s, " ", Show(op.expected), "->", Show(op.value));
      break;
    case lin::OpKind::kRead:
    case lin::OpKind::kGet:
      if (op.outcome == lin::Outcome::kOk) absl::StrAppend(&s, " -> ", Show(op.result));
      break;
    default:
      if (!op.value.is_nil()) absl::StrAppend(&s, " ", Show(op.value));
      break;
  }
  return s;
}


}  // namespace

std::vector<OpBar> OpBarsAround(const lin::History& history, uint64_t center_us,
                                uint64_t before_us, uint64_t after_us, size_t max_bars,
                                std::optional<uint64_t> violation_us) {
  const int64_t lo = static_cast<int64_t>(center_us > before_us ? center_us - before_us : 0);
  const int64_t hi = static_cast<int64_t>(center_us + after_us);
  struct Candidate {
    uint64_t distance;
    size_t index;
  };
  std::vector<Candidate> picked;
  const auto& ops = history.ops();
  for (size_t i = 0; i < ops.size(); ++i) {
    const lin::Operation& op = ops[i];
    const int64_t end = op.complete_time.value_or(hi);
    if (op.invoke_time > hi || end < lo) continue;
    const int64_t d = op.invoke_time - static_cast<int64_t>(center_us);
    picked.push_back({static_cast<uint64_t>(d < 0 ? -d : d), i});
  }
  if (picked.size() > max_bars) {
    std::stable_sort(picked.begin(), picked.end(),
                     [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
    picked.resize(max_bars);
  }
  std::sort(picked.begin(), picked.end(),
            [](const Candidate& a, const Candidate& b) { return a.index < b.index; });
  std::vector<OpBar> bars;
  bars.reserve(picked.size());
  for (const Candidate& c : picked) {
    const lin::Operation& op = ops[c.index];
    OpBar b;
    b.client = op.process;
    b.what = What(op);
    b.invoke_us = static_cast<uint64_t>(op.invoke_time);
    if (op.complete_time) b.complete_us = static_cast<uint64_t>(*op.complete_time);
    b.outcome = std::string(lin::OutcomeName(op.outcome));
    if (violation_us) {
      const int64_t v = static_cast<int64_t>(*violation_us);
      b.highlighted = op.invoke_time <= v && (!op.complete_time || *op.complete_time >= v);
    }
    bars.push_back(std::move(b));
  }
  return bars;
}

}  // namespace raftlog::runner
