#include "matrix/lin/histgen.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"

namespace raftlog::lin {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : gen_() % n; }
  bool Chance(double p) {
    return static_cast<double>(gen_() >> 11) * 0x1.0p-53 < p;
  }

 private:
  std::mt19937_64 gen_;
};

enum class Fate { kOk, kInfoApplied, kInfoLost, kFail };

struct Planned {
  Operation op;
  int64_t point = 0;
  Fate fate = Fate::kOk;
  bool lost = false;  // :ok but the effect is dropped (lose_rate)
  int client = 0;
};

}  // namespace

History GenerateHistory(uint64_t seed, const GenOptions& o) {
  Rng rng(seed);
  const bool kv = o.model == Model::kKv;
  auto random_value = [&]() -> Value {
    uint64_t v = rng.Below(std::max(o.values, 1));
    if (kv) return Value::Str(std::string(1, static_cast<char>('a' + v % 26)));
    return Value::Int(static_cast<int64_t>(v));
  };

  // Timelines: the client that is free first invokes next.
  std::vector<int64_t> free_at(std::max(o.clients, 1));
  for (auto& t : free_at) t = static_cast<int64_t>(rng.Below(o.max_think + 1));
  std::vector<Planned> plan;
  for (int i = 0; i < o.ops; ++i) {
    int c = 0;
    for (int k = 1; k < static_cast<int>(free_at.size()); ++k) {
      if (free_at[k] < free_at[c] ||
          (free_at[k] == free_at[c] && rng.Chance(0.5))) {
        c = k;
      }
    }
    Planned p;
    p.client = c;
    Operation& op = p.op;
    op.process = c;
    op.key = Value::Str(absl::StrCat("k", rng.Below(std::max(o.keys, 1))));
    if (rng.Chance(o.read_rate)) {
      op.kind = kv ? OpKind::kGet : OpKind::kRead;
    } else if (rng.Chance(o.cas_rate)) {
      op.kind = OpKind::kCas;
      op.expected = random_value();
      op.value = random_value();
    } else if (kv && rng.Chance(o.delete_rate)) {
      op.kind = OpKind::kDelete;
    } else if (kv && rng.Chance(o.append_rate)) {
      op.kind = OpKind::kAppend;
      op.value = o.unique_appends ? Value::Str(absl::StrCat(i, ","))
                                  : random_value();
    } else {
      op.kind = kv ? OpKind::kPut : OpKind::kWrite;
      op.value = random_value();
    }
    op.invoke_time = free_at[c];
    p.point = op.invoke_time + static_cast<int64_t>(rng.Below(o.max_latency + 1));
    op.complete_time =
        p.point + static_cast<int64_t>(rng.Below(o.max_latency + 1));
    if (rng.Chance(o.info_rate)) {
      p.fate = rng.Chance(0.5) ? Fate::kInfoApplied : Fate::kInfoLost;
    } else if (rng.Chance(o.fail_rate)) {
      p.fate = Fate::kFail;
    }
    p.lost = p.fate == Fate::kOk && !op.is_read() && rng.Chance(o.lose_rate);
    free_at[c] = *op.complete_time +
                 static_cast<int64_t>(rng.Below(o.max_think + 1));
    plan.push_back(std::move(p));
  }

  // Apply effects in linearization-point order.
  std::vector<size_t> by_point(plan.size());
  for (size_t i = 0; i < plan.size(); ++i) by_point[i] = i;
  std::stable_sort(by_point.begin(), by_point.end(), [&](size_t a, size_t b) {
    return plan[a].point < plan[b].point;
  });
  std::map<Value, Value> state;  // missing: nil
  auto text = [](const Value& v) -> std::string {
    return v.is_nil() ? "" : v.is_int() ? absl::StrCat(v.int_value()) : v.str();
  };
  for (size_t i : by_point) {
    Planned& p = plan[i];
    Operation& op = p.op;
    const bool effective =
        p.fate == Fate::kOk || p.fate == Fate::kInfoApplied;
    Value& cur = state[op.key];
    switch (op.kind) {
      case OpKind::kRead:
      case OpKind::kGet:
        op.result = cur;
        // kv: a missing key may be reported as nil or "".
        if (kv && op.result.is_nil() && rng.Chance(0.5)) {
          op.result = Value::Str("");
        }
        break;
      case OpKind::kCas: {
        bool match = kv ? text(cur) == text(op.expected) : cur == op.expected;
        if (!match) {
          if (p.fate == Fate::kOk) p.fate = Fate::kFail;
          break;
        }
        if (effective && !p.lost) cur = op.value;
        break;
      }
      case OpKind::kWrite:
      case OpKind::kPut:
        if (effective && !p.lost) cur = op.value;
        break;
      case OpKind::kAppend:
        if (effective && !p.lost) cur = Value::Str(text(cur) + text(op.value));
        break;
      case OpKind::kDelete:
        if (effective && !p.lost) cur = Value::Nil();
        break;
    }
    if (op.is_read() && p.fate == Fate::kOk && rng.Chance(o.corrupt_rate)) {
      op.result = rng.Chance(0.2) ? Value::Nil() : random_value();
    }
  }

  // Outcomes. A client's last indeterminate operation may never complete.
  std::vector<int> last_op(free_at.size(), -1);
  for (size_t i = 0; i < plan.size(); ++i) last_op[plan[i].client] = i;
  History history;
  for (size_t i = 0; i < plan.size(); ++i) {
    Planned& p = plan[i];
    Operation op = p.op;
    switch (p.fate) {
      case Fate::kOk:
        op.outcome = Outcome::kOk;
        break;
      case Fate::kFail:
        op.outcome = Outcome::kFail;
        break;
      case Fate::kInfoApplied:
      case Fate::kInfoLost:
        op.outcome = Outcome::kInfo;
        if (static_cast<int>(i) == last_op[p.client] && rng.Chance(0.5)) {
          op.complete_time.reset();
        }
        break;
    }
    if (op.outcome != Outcome::kOk) op.result = Value();
    history.Add(std::move(op));
  }
  return history;
}

bool CorruptMiddleRead(History* history, const Value& key) {
  std::vector<size_t> reads;
  for (size_t i = 0; i < history->size(); ++i) {
    const Operation& op = (*history)[i];
    if (op.key == key && op.is_read() && op.outcome == Outcome::kOk) {
      reads.push_back(i);
    }
  }
  if (reads.empty()) return false;
  Operation& op = history->mutable_ops()[reads[reads.size() / 2]];
  std::string text = op.result.is_string()  ? op.result.str()
                     : op.result.is_int()   ? absl::StrCat(op.result.int_value())
                                            : "";
  op.result = Value::Str(text + "#");
  return true;
}

}  // namespace raftlog::lin
