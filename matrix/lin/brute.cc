#include "matrix/lin/brute.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace raftlog::lin {
namespace {

struct Brute {
  Model model;
  std::vector<Operation> ops;  // :ok and :info, no :fail
  std::vector<bool> placed;
  std::map<Value, Value> state;  // missing = nil
  size_t ok_left = 0;

  static std::string Text(const Value& v) {
    if (v.is_nil()) return "";
    if (v.is_int()) return absl::StrCat(v.int_value());
    return v.str();
  }
  bool Same(const Value& a, const Value& b) const {
    return model == Model::kKv ? Text(a) == Text(b) : a == b;
  }

  // Real time: every :ok op that completed strictly before `i` was invoked
  // must already be placed.
  bool Eligible(size_t i) const {
    for (size_t j = 0; j < ops.size(); ++j) {
      if (placed[j] || ops[j].outcome != Outcome::kOk) continue;
      if (*ops[j].complete_time < ops[i].invoke_time) return false;
    }
    return true;
  }

  bool Dfs() {
    if (ok_left == 0) return true;  // the remaining :info ops are dropped
    for (size_t i = 0; i < ops.size(); ++i) {
      if (placed[i] || !Eligible(i)) continue;
      const Operation& op = ops[i];
      Value before = state.count(op.key) ? state[op.key] : Value();
      Value after = before;
      bool legal = true;
      switch (op.kind) {
        case OpKind::kRead:
        case OpKind::kGet:
          legal = op.outcome != Outcome::kOk || Same(before, op.result);
          break;
        case OpKind::kWrite:
        case OpKind::kPut:
          after = op.value;
          break;
        case OpKind::kAppend:
          after = Value::Str(Text(before) + Text(op.value));
          break;
        case OpKind::kDelete:
          after = Value();
          break;
        case OpKind::kCas:
          legal = Same(before, op.expected);
          after = op.value;
          break;
      }
      if (!legal) continue;
      placed[i] = true;
      state[op.key] = after;
      if (op.outcome == Outcome::kOk) --ok_left;
      bool found = Dfs();
      if (op.outcome == Outcome::kOk) ++ok_left;
      state[op.key] = before;
      placed[i] = false;
      if (found) return true;
    }
    return false;
  }
};

}  // namespace

bool BruteForceLinearizable(const History& history, Model model) {
  Brute b;
  b.model = model;
  for (const Operation& op : history.ops()) {
    if (op.outcome == Outcome::kFail) continue;
    b.ops.push_back(op);
    if (op.outcome == Outcome::kOk) ++b.ok_left;
  }
  b.placed.assign(b.ops.size(), false);
  return b.Dfs();
}

}  // namespace raftlog::lin
