#include "matrix/lin/edn.h"

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace raftlog::lin {
namespace {

// A generic EDN element, enough to read any line and skip what we ignore.
struct Edn {
  enum class Kind {
    kNil, kBool, kInt, kNumber, kString, kChar, kKeyword, kSymbol,
    kVector, kList, kMap, kSet, kTagged,
  };
  Kind kind = Kind::kNil;
  int64_t i = 0;     // kInt; kBool (0/1)
  std::string text;  // kString (decoded), kKeyword/kSymbol (without ':'),
                     // kNumber (literal), kTagged (tag)
  std::vector<Edn> items;  // collections (maps: k, v, k, v...), tagged: 1
};

std::string Describe(const Edn& e) {
  switch (e.kind) {
    case Edn::Kind::kNil: return "nil";
    case Edn::Kind::kBool: return e.i ? "true" : "false";
    case Edn::Kind::kInt: return absl::StrCat(e.i);
    case Edn::Kind::kNumber: return e.text;
    case Edn::Kind::kString: return EdnQuote(e.text);
    case Edn::Kind::kChar: return "a character";
    case Edn::Kind::kKeyword: return absl::StrCat(":", e.text);
    case Edn::Kind::kSymbol: return absl::StrCat("symbol ", e.text);
    case Edn::Kind::kVector: return "a vector";
    case Edn::Kind::kList: return "a list";
    case Edn::Kind::kMap: return "a map";
    case Edn::Kind::kSet: return "a set";
    case Edn::Kind::kTagged: return absl::StrCat("#", e.text, " element");
  }
  return "?";
}

constexpr int kMaxDepth = 64;

bool IsWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' ||
         c == '\f' || c == '\v';
}
bool IsDelimiter(char c) {
  return IsWhitespace(c) || c == '(' || c == ')' || c == '[' || c == ']' ||
         c == '{' || c == '}' || c == '"' || c == ';';
}

// Reads EDN elements from one line. Errors carry the 1-based column.
class Reader {
 public:
  explicit Reader(absl::string_view s) : s_(s) {}

  // Skips whitespace, commas and a trailing ';' comment.
  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (IsWhitespace(c)) {
        ++pos_;
      } else if (c == ';') {
        pos_ = s_.size();
      } else {
        break;
      }
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }
  size_t column() const { return pos_ + 1; }

  absl::Status Read(Edn* out, int depth = 0) {
    if (depth > kMaxDepth) return Error("nesting deeper than 64 levels");
    SkipSpace();
    if (pos_ >= s_.size()) return Error("unexpected end of line");
    char c = s_[pos_];
    switch (c) {
      case '"':
        return ReadString(out);
      case '[':
        ++pos_;
        out->kind = Edn::Kind::kVector;
        return ReadSeq(']', out, depth);
      case '(':
        ++pos_;
        out->kind = Edn::Kind::kList;
        return ReadSeq(')', out, depth);
      case '{':
        ++pos_;
        out->kind = Edn::Kind::kMap;
        out->items.reserve(12);
        if (auto st = ReadSeq('}', out, depth); !st.ok()) return st;
        if (out->items.size() % 2 != 0) {
          return Error("map has a key without a value");
        }
        return absl::OkStatus();
      case ')':
      case ']':
      case '}':
        return Error(absl::StrCat("unexpected '", std::string(1, c), "'"));
      case '#':
        return ReadDispatch(out, depth);
      case '\\':
        return ReadChar(out);
      case ':':
        ++pos_;
        out->kind = Edn::Kind::kKeyword;
        out->text = std::string(Token());
        if (out->text.empty()) return Error("empty keyword");
        return absl::OkStatus();
      default:
        return ReadAtom(out);
    }
  }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("column ", pos_ + 1, ": ", what));
  }

 private:
  absl::string_view Token() {
    size_t start = pos_;
    while (pos_ < s_.size() && !IsDelimiter(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  absl::Status ReadSeq(char close, Edn* out, int depth) {
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size()) {
        return Error(absl::StrCat("missing '", std::string(1, close), "'"));
      }
      if (s_[pos_] == close) {
        ++pos_;
        return absl::OkStatus();
      }
      if (s_.substr(pos_, 2) == "#_") {  // discard the next element
        pos_ += 2;
        Edn ignored;
        if (auto st = Read(&ignored, depth + 1); !st.ok()) return st;
        continue;
      }
      Edn item;
      if (auto st = Read(&item, depth + 1); !st.ok()) return st;
      out->items.push_back(std::move(item));
    }
  }

  absl::Status ReadDispatch(Edn* out, int depth) {
    ++pos_;  // '#'
    if (pos_ >= s_.size()) return Error("'#' at end of line");
    if (s_[pos_] == '{') {
      ++pos_;
      out->kind = Edn::Kind::kSet;
      return ReadSeq('}', out, depth);
    }
    if (s_[pos_] == '_') {  // discard the next element
      ++pos_;
      Edn ignored;
      if (auto st = Read(&ignored, depth + 1); !st.ok()) return st;
      return Read(out, depth);
    }
    // Tagged element: #tag value (e.g. #inst "...", #jepsen.history.Op{...}).
    // The tag ends at a delimiter, so "#foo{...}" reads tag foo then a map.
    std::string tag(Token());
    if (tag.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(tag[0]))) {
      return Error("bad '#' dispatch");
    }
    out->kind = Edn::Kind::kTagged;
    out->text = std::move(tag);
    out->items.emplace_back();
    return Read(&out->items.back(), depth + 1);
  }

  absl::Status ReadChar(Edn* out) {
    ++pos_;  // '\'
    if (pos_ >= s_.size()) return Error("'\\' at end of line");
    // One character, then any non-delimiters (named chars: \newline, \u00e9).
    ++pos_;
    Token();
    out->kind = Edn::Kind::kChar;
    return absl::OkStatus();
  }

  absl::Status ReadString(Edn* out) {
    size_t start_col = pos_ + 1;
    ++pos_;  // opening quote
    std::string text;
    while (true) {
      if (pos_ >= s_.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "column ", start_col, ": unterminated string"));
      }
      char c = s_[pos_++];
      if (c == '"') break;
      if (c != '\\') {
        text += c;
        continue;
      }
      if (pos_ >= s_.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "column ", start_col, ": unterminated string"));
      }
      char e = s_[pos_++];
      switch (e) {
        case '"': text += '"'; break;
        case '\\': text += '\\'; break;
        case 'n': text += '\n'; break;
        case 't': text += '\t'; break;
        case 'r': text += '\r'; break;
        case 'b': text += '\b'; break;
        case 'f': text += '\f'; break;
        case '/': text += '/'; break;
        case 'u': {
          if (pos_ + 4 > s_.size()) {
            --pos_;
            return Error("truncated \\u escape");
          }
          uint32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = s_[pos_ + k];
            int d;
            if (h >= '0' && h <= '9') d = h - '0';
            else if (h >= 'a' && h <= 'f') d = h - 'a' + 10;
            else if (h >= 'A' && h <= 'F') d = h - 'A' + 10;
            else return Error("bad hex digit in \\u escape");
            cp = cp * 16 + d;
          }
          pos_ += 4;
          AppendUtf8(cp, &text);
          break;
        }
        default:
          --pos_;
          return Error(absl::StrCat("unknown string escape '\\",
                                    std::string(1, e), "'"));
      }
    }
    out->kind = Edn::Kind::kString;
    out->text = std::move(text);
    return absl::OkStatus();
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  absl::Status ReadAtom(Edn* out) {
    size_t start = pos_;
    absl::string_view tok = Token();
    if (tok.empty()) {
      return Error(absl::StrCat("unexpected character '",
                                std::string(1, s_[pos_]), "'"));
    }
    char c0 = tok[0];
    bool numeric = absl::ascii_isdigit(static_cast<unsigned char>(c0)) ||
                   ((c0 == '-' || c0 == '+') && tok.size() > 1 &&
                    absl::ascii_isdigit(static_cast<unsigned char>(tok[1])));
    if (numeric) {
      absl::string_view digits = tok;
      if (digits.back() == 'N') digits.remove_suffix(1);
      if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
      int64_t v;
      if (absl::SimpleAtoi(digits, &v)) {
        out->kind = Edn::Kind::kInt;
        out->i = v;
        return absl::OkStatus();
      }
      // Floats, ratios, big integers: kept as text; only an error if used.
      bool ok = true;
      for (char c : tok) {
        if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
              std::strchr("+-.eEMN/", c) != nullptr)) {
          ok = false;
        }
      }
      if (!ok) {
        pos_ = start;
        return Error(absl::StrCat("bad number '", tok, "'"));
      }
      out->kind = Edn::Kind::kNumber;
      out->text = std::string(tok);
      return absl::OkStatus();
    }
    if (tok == "nil") {
      out->kind = Edn::Kind::kNil;
    } else if (tok == "true" || tok == "false") {
      out->kind = Edn::Kind::kBool;
      out->i = tok == "true";
    } else {
      for (char c : tok) {
        unsigned char u = static_cast<unsigned char>(c);
        if (!(absl::ascii_isalnum(u) || u >= 0x80 ||
              std::strchr(".*+!-_?$%&=<>/'#:", c) != nullptr)) {
          pos_ = start;
          return Error(absl::StrCat("unexpected character '",
                                    std::string(1, c), "'"));
        }
      }
      out->kind = Edn::Kind::kSymbol;
      out->text = std::string(tok);
    }
    return absl::OkStatus();
  }

  absl::string_view s_;
  size_t pos_ = 0;
};

// One parsed event line.
struct Event {
  int64_t line = 0;
  int64_t process = 0;
  enum class Type { kInvoke, kOk, kFail, kInfo } type = Type::kInvoke;
  bool has_f = false;
  OpKind kind = OpKind::kRead;
  bool has_key = false;
  Value key;
  bool has_value = false;
  // :value reduced to what matching needs (the EDN tree is not kept).
  enum class Shape { kScalar, kPair, kOther } shape = Shape::kOther;
  Value v0, v1;      // kScalar: v0; kPair: [v0 v1]
  std::string desc;  // Describe() of a non-scalar :value, for errors
  std::optional<int64_t> time;
};

absl::StatusOr<Value> ScalarOf(const Edn& e, absl::string_view what) {
  switch (e.kind) {
    case Edn::Kind::kNil:
      return Value::Nil();
    case Edn::Kind::kInt:
      return Value::Int(e.i);
    case Edn::Kind::kString:
      return Value::Str(e.text);
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          what, " must be a string, an integer or nil, not ", Describe(e)));
  }
}

// Parses one non-blank line. Returns nullopt for lines to skip (comments,
// non-client processes).
absl::StatusOr<std::optional<Event>> ParseLine(absl::string_view line) {
  Reader reader(line);
  if (reader.AtEnd()) return std::optional<Event>();
  Edn top;
  if (auto st = reader.Read(&top); !st.ok()) return st;
  if (!reader.AtEnd()) {
    return reader.Error("trailing characters after the map");
  }
  // #jepsen.history.Op{...} and similar: look through the tag.
  while (top.kind == Edn::Kind::kTagged) {
    Edn inner = std::move(top.items[0]);
    top = std::move(inner);
  }
  if (top.kind != Edn::Kind::kMap) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a map {...}, found ", Describe(top)));
  }
  // The known keys, found by a linear scan (a map per line costs more than
  // the rest of the line). Unknown keys, and non-keyword keys, are ignored.
  static constexpr const char* kKnown[] = {"process", "type", "f",
                                           "key",     "value", "time"};
  constexpr size_t kNumKnown = sizeof(kKnown) / sizeof(kKnown[0]);
  Edn* found[kNumKnown] = {};
  for (size_t i = 0; i < top.items.size(); i += 2) {
    const Edn& k = top.items[i];
    if (k.kind != Edn::Kind::kKeyword) continue;
    for (size_t j = 0; j < kNumKnown; ++j) {
      if (k.text != kKnown[j]) continue;
      if (found[j] != nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("duplicate key :", k.text));
      }
      found[j] = &top.items[i + 1];
    }
  }
  auto get = [&](absl::string_view name) -> Edn* {
    for (size_t j = 0; j < kNumKnown; ++j) {
      if (name == kKnown[j]) return found[j];
    }
    return nullptr;
  };

  Event ev;
  const Edn* process = get("process");
  if (process == nullptr) return absl::InvalidArgumentError("missing :process");
  if (process->kind == Edn::Kind::kKeyword) {
    return std::optional<Event>();  // :nemesis and friends: not a client
  }
  if (process->kind != Edn::Kind::kInt) {
    return absl::InvalidArgumentError(absl::StrCat(
        ":process must be an integer, not ", Describe(*process)));
  }
  ev.process = process->i;

  const Edn* type = get("type");
  if (type == nullptr) return absl::InvalidArgumentError("missing :type");
  if (type->kind != Edn::Kind::kKeyword) {
    return absl::InvalidArgumentError(
        absl::StrCat(":type must be a keyword, not ", Describe(*type)));
  }
  if (type->text == "invoke") ev.type = Event::Type::kInvoke;
  else if (type->text == "ok") ev.type = Event::Type::kOk;
  else if (type->text == "fail") ev.type = Event::Type::kFail;
  else if (type->text == "info") ev.type = Event::Type::kInfo;
  else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown :type :", type->text,
        " (expected :invoke, :ok, :fail or :info)"));
  }

  if (const Edn* f = get("f"); f != nullptr) {
    if (f->kind != Edn::Kind::kKeyword && f->kind != Edn::Kind::kString) {
      return absl::InvalidArgumentError(
          absl::StrCat(":f must be a keyword, not ", Describe(*f)));
    }
    std::optional<OpKind> kind = OpKindFromName(f->text);
    if (!kind.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown :f :", f->text,
          " (expected read, write, cas, get, put, append or delete)"));
    }
    ev.has_f = true;
    ev.kind = *kind;
  } else if (ev.type == Event::Type::kInvoke) {
    return absl::InvalidArgumentError("missing :f");
  }

  if (const Edn* key = get("key"); key != nullptr) {
    auto v = ScalarOf(*key, ":key");
    if (!v.ok()) return v.status();
    ev.has_key = true;
    ev.key = *std::move(v);
  }
  if (const Edn* value = get("value"); value != nullptr) {
    ev.has_value = true;
    if (auto v = ScalarOf(*value, ""); v.ok()) {
      ev.shape = Event::Shape::kScalar;
      ev.v0 = *std::move(v);
    } else {
      ev.desc = Describe(*value);
      if (value->kind == Edn::Kind::kVector && value->items.size() == 2) {
        auto a = ScalarOf(value->items[0], "");
        auto b = ScalarOf(value->items[1], "");
        if (a.ok() && b.ok()) {
          ev.shape = Event::Shape::kPair;
          ev.v0 = *std::move(a);
          ev.v1 = *std::move(b);
        }
      }
    }
  }
  if (const Edn* time = get("time"); time != nullptr) {
    if (time->kind != Edn::Kind::kInt) {
      return absl::InvalidArgumentError(
          absl::StrCat(":time must be an integer, not ", Describe(*time)));
    }
    ev.time = time->i;
  }
  return std::optional<Event>(std::move(ev));
}

absl::Status LineError(int64_t line, const absl::Status& st) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", line, ": ", st.message()));
}

}  // namespace

absl::StatusOr<History> ParseEdnHistory(absl::string_view text) {
  return ParseEdnHistory(text, EdnLimits());
}

absl::StatusOr<History> ParseEdnHistory(absl::string_view text, const EdnLimits& limits) {
  size_t events = 0;
  // One pass. Times are taken from :time, and line numbers are kept beside;
  // at the end, unless every event line had a :time, line numbers win.
  History history;
  std::vector<std::pair<int64_t, int64_t>> lines;  // per op: invoke, completion
  std::map<int64_t, std::pair<size_t, int64_t>> pending;  // process -> op, line
  bool all_timed = true;
  bool any_event = false;
  std::optional<int64_t> previous_time;
  std::string first_decrease;  // the error, should times be used
  int64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == absl::string_view::npos) nl = text.size();
    absl::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.size() > limits.max_line_bytes) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", line.size(),
                                                     " bytes, over the limit of ",
                                                     limits.max_line_bytes, " per line"));
    }
    auto parsed = ParseLine(line);
    if (!parsed.ok()) return LineError(line_no, parsed.status());
    if (!parsed->has_value()) continue;
    Event& ev = **parsed;
    ev.line = line_no;
    any_event = true;
    if (++events > limits.max_events) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line_no, ": more than ", limits.max_events, " events in the history"));
    }
    if (!ev.time.has_value()) {
      all_timed = false;
    } else {
      if (previous_time.has_value() && *ev.time < *previous_time &&
          first_decrease.empty()) {
        first_decrease = absl::StrCat(
            "line ", ev.line, ": :time ", *ev.time,
            " is before the previous event's :time ", *previous_time);
      }
      previous_time = ev.time;
    }
    int64_t t = ev.time.value_or(0);
    auto fail = [&](const std::string& what) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", ev.line, ": ", what));
    };
    if (ev.type == Event::Type::kInvoke) {
      if (auto it = pending.find(ev.process); it != pending.end()) {
        return fail(absl::StrCat(
            "process ", ev.process, " invokes :", OpKindName(ev.kind),
            " while its :", OpKindName(history[it->second.first].kind),
            " from line ", it->second.second, " is still outstanding"));
      }
      Operation op;
      op.process = ev.process;
      op.kind = ev.kind;
      op.key = std::move(ev.key);
      op.invoke_time = t;
      op.outcome = Outcome::kInfo;
      if (ev.kind == OpKind::kCas) {
        if (ev.shape != Event::Shape::kPair) {
          return fail(absl::StrCat(
              ":cas needs :value [expected new] (strings, integers or nil), "
              "found ",
              !ev.has_value                     ? "no :value"
              : ev.shape == Event::Shape::kScalar ? ev.v0.ToEdn()
                                                  : ev.desc));
        }
        op.expected = std::move(ev.v0);
        op.value = std::move(ev.v1);
      } else if (ev.kind == OpKind::kWrite || ev.kind == OpKind::kPut ||
                 ev.kind == OpKind::kAppend) {
        if (!ev.has_value) {
          return fail(absl::StrCat(":", OpKindName(ev.kind),
                                   " invocation without :value"));
        }
        if (ev.shape != Event::Shape::kScalar) {
          return fail(absl::StrCat(
              ":value must be a string, an integer or nil, not ", ev.desc));
        }
        op.value = std::move(ev.v0);
      }
      pending[ev.process] = {history.size(), ev.line};
      history.Add(std::move(op));
      lines.emplace_back(ev.line, 0);
      continue;
    }
    auto it = pending.find(ev.process);
    if (it == pending.end()) {
      return fail(absl::StrCat("completion for process ", ev.process,
                               ", which has no outstanding invocation"));
    }
    size_t index = it->second.first;
    Operation& op = history.mutable_ops()[index];
    if (ev.has_f && ev.kind != op.kind) {
      return fail(absl::StrCat("completion :f :", OpKindName(ev.kind),
                               " does not match the invocation's :",
                               OpKindName(op.kind), " (line ",
                               it->second.second, ")"));
    }
    if (ev.has_key && ev.key != op.key) {
      return fail(absl::StrCat("completion :key ", ev.key.ToEdn(),
                               " does not match the invocation's ",
                               op.key.ToEdn(), " (line ", it->second.second,
                               ")"));
    }
    pending.erase(it);
    op.complete_time = t;
    lines[index].second = ev.line;
    if (ev.type == Event::Type::kOk) {
      op.outcome = Outcome::kOk;
      if (op.is_read()) {
        if (!ev.has_value) {
          return fail(absl::StrCat(":ok :", OpKindName(op.kind),
                                   " without :value"));
        }
        if (ev.shape != Event::Shape::kScalar) {
          return fail(absl::StrCat(
              "the value read must be a string, an integer or nil, not ",
              ev.desc));
        }
        op.result = std::move(ev.v0);
      }
    } else if (ev.type == Event::Type::kFail) {
      op.outcome = Outcome::kFail;
    } else {
      op.outcome = Outcome::kInfo;
    }
  }
  if (all_timed && any_event) {
    if (!first_decrease.empty()) {
      return absl::InvalidArgumentError(first_decrease);
    }
  } else {
    for (size_t i = 0; i < history.size(); ++i) {
      Operation& op = history.mutable_ops()[i];
      op.invoke_time = lines[i].first;
      if (op.complete_time.has_value()) op.complete_time = lines[i].second;
    }
  }
  return history;
}

absl::StatusOr<History> ReadEdnHistoryFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    int err = errno;
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(err)));
  }
  std::string text;
  char buf[1 << 16];
  while (true) {
    size_t n = std::fread(buf, 1, sizeof(buf), f);
    text.append(buf, n);
    if (n < sizeof(buf)) break;
  }
  bool failed = std::ferror(f) != 0;
  int err = errno;
  std::fclose(f);
  if (failed) {
    return absl::DataLossError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(err)));
  }
  auto history = ParseEdnHistory(text);
  if (!history.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", history.status().message()));
  }
  return history;
}

}  // namespace raftlog::lin
