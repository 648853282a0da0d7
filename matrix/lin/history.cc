#include "matrix/lin/history.h"

#include <algorithm>
#include <cassert>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace raftlog::lin {

namespace {
constexpr struct {
  OpKind kind;
  const char* name;
} kKindNames[] = {
    {OpKind::kRead, "read"},     {OpKind::kWrite, "write"},
    {OpKind::kCas, "cas"},       {OpKind::kGet, "get"},
    {OpKind::kPut, "put"},       {OpKind::kAppend, "append"},
    {OpKind::kDelete, "delete"},
};
}  // namespace

absl::string_view OpKindName(OpKind kind) {
  for (const auto& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

std::optional<OpKind> OpKindFromName(absl::string_view name) {
  for (const auto& k : kKindNames) {
    if (name == k.name) return k.kind;
  }
  return std::nullopt;
}

absl::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kFail:
      return "fail";
    case Outcome::kInfo:
      return "info";
  }
  return "?";
}

Value Value::Int(int64_t v) {
  Value out;
  out.type_ = Type::kInt;
  out.int_ = v;
  return out;
}

Value Value::Str(std::string s) {
  Value out;
  out.type_ = Type::kString;
  out.str_ = std::move(s);
  return out;
}

bool operator<(const Value& a, const Value& b) {
  return std::tie(a.type_, a.int_, a.str_) < std::tie(b.type_, b.int_, b.str_);
}

std::string EdnQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += absl::StrFormat("\\u%04x", u);
        } else {
          out += c;  // bytes >= 0x80 pass through unchanged
        }
    }
  }
  out += '"';
  return out;
}

std::string Value::ToEdn() const {
  switch (type_) {
    case Type::kNil:
      return "nil";
    case Type::kInt:
      return absl::StrCat(int_);
    case Type::kString:
      return EdnQuote(str_);
  }
  return "nil";
}

size_t History::Invoke(int64_t process, OpKind kind, Value key, Value value,
                       int64_t time, Value expected) {
  Operation op;
  op.process = process;
  op.kind = kind;
  op.key = std::move(key);
  op.value = std::move(value);
  op.expected = std::move(expected);
  op.invoke_time = time;
  op.outcome = Outcome::kInfo;
  ops_.push_back(std::move(op));
  return ops_.size() - 1;
}

void History::Complete(size_t index, Outcome outcome, int64_t time,
                       Value result) {
  assert(index < ops_.size());
  Operation& op = ops_[index];
  assert(!op.complete_time.has_value());
  op.outcome = outcome;
  op.complete_time = time;
  if (outcome == Outcome::kOk && op.is_read()) op.result = std::move(result);
}

std::string EventToEdn(const Operation& op, bool completion) {
  return EventToEdn(op, completion, EdnWriteOptions());
}

std::string EventToEdn(const Operation& op, bool completion, const EdnWriteOptions& options,
                       int64_t index) {
  std::string value;
  if (op.kind == OpKind::kCas) {
    value = absl::StrCat("[", op.expected.ToEdn(), " ", op.value.ToEdn(), "]");
  } else if (op.is_read()) {
    value = (completion && op.outcome == Outcome::kOk) ? op.result.ToEdn()
                                                       : "nil";
  } else if (op.kind == OpKind::kDelete) {
    value = "nil";
  } else {
    value = op.value.ToEdn();
  }
  absl::string_view type = completion ? OutcomeName(op.outcome) : "invoke";
  int64_t time = (completion ? *op.complete_time : op.invoke_time) * options.time_scale;
  std::string out = absl::StrCat("{:process ", op.process, ", :type :", type,
                                 ", :f :", OpKindName(op.kind));
  if (options.independent_tuples) {
    value = absl::StrCat("[", op.key.ToEdn(), " ", value, "]");
  } else if (!op.key.is_nil()) {
    absl::StrAppend(&out, ", :key ", op.key.ToEdn());
  }
  absl::StrAppend(&out, ", :value ", value, ", :time ", time);
  if (options.index) absl::StrAppend(&out, ", :index ", index);
  absl::StrAppend(&out, "}");
  return out;
}

std::string ToEdn(const History& history) { return ToEdn(history, EdnWriteOptions()); }

std::string ToEdn(const History& history, const EdnWriteOptions& options) {
  // (time, phase, op index, 0 = invocation / 1 = completion). Phase 0
  // (completions) sorts before phase 1 (invocations) at equal times, except
  // that a zero-duration operation puts its invocation in phase 0 as well,
  // right before its own completion.
  std::vector<std::tuple<int64_t, int, size_t, int>> events;
  const auto& ops = history.ops();
  events.reserve(ops.size() * 2);
  for (size_t i = 0; i < ops.size(); ++i) {
    const Operation& op = ops[i];
    bool zero = op.complete_time.has_value() &&
                *op.complete_time <= op.invoke_time;
    events.emplace_back(op.invoke_time, zero ? 0 : 1, i, 0);
    if (op.complete_time.has_value()) {
      events.emplace_back(std::max(*op.complete_time, op.invoke_time), 0, i,
                          1);
    }
  }
  std::sort(events.begin(), events.end());
  std::string out;
  int64_t index = 0;
  for (const auto& event : events) {
    out += EventToEdn(ops[std::get<2>(event)], std::get<3>(event) == 1, options, index++);
    out += '\n';
  }
  return out;
}

}  // namespace raftlog::lin
