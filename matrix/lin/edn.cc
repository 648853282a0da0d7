#include "matrix/lin/edn.h"

#include <algorithm>
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

// A generic EDN element, enough to read any history and skip what we ignore.
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
  size_t pos = 0;          // offset of its first character in the text
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

// Line and column (both 1-based) of offsets into a text.
class Positions {
 public:
  explicit Positions(absl::string_view text) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }
  int64_t Line(size_t pos) const {
    return std::upper_bound(line_starts_.begin(), line_starts_.end(), pos) - line_starts_.begin();
  }
  int64_t Column(size_t pos) const { return pos - line_starts_[Line(pos) - 1] + 1; }
  // "line L: column C: what", the form of every parse error.
  absl::Status Error(size_t pos, absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", Line(pos), ": column ", Column(pos), ": ", what));
  }

 private:
  std::vector<size_t> line_starts_;
};

// Reads EDN elements from a text; an element may span lines. Errors carry
// the line and column.
class Reader {
 public:
  Reader(absl::string_view s, const Positions& positions) : s_(s), positions_(positions) {}

  // Skips whitespace (newlines included), commas and ';' comments (to the
  // end of their line).
  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (IsWhitespace(c)) {
        ++pos_;
      } else if (c == ';') {
        size_t nl = s_.find('\n', pos_);
        pos_ = nl == absl::string_view::npos ? s_.size() : nl;
      } else {
        break;
      }
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }
  size_t pos() const { return pos_; }
  // The next character (after SkipSpace), or 0 at the end.
  char Peek() {
    SkipSpace();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  void Advance() { ++pos_; }

  absl::Status Read(Edn* out, int depth = 0) {
    if (depth > kMaxDepth) return Error("nesting deeper than 64 levels");
    SkipSpace();
    if (pos_ >= s_.size()) return Error("unexpected end of input");
    out->pos = pos_;
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

  absl::Status Error(absl::string_view what) const { return positions_.Error(pos_, what); }

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
        return positions_.Error(out->pos, absl::StrCat("missing '", std::string(1, close),
                                                       "' for this collection"));
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
    if (pos_ >= s_.size()) return Error("'#' at end of input");
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
    if (pos_ >= s_.size()) return Error("'\\' at end of input");
    // One character, then any non-delimiters (named chars: \newline, \u00e9).
    ++pos_;
    Token();
    out->kind = Edn::Kind::kChar;
    return absl::OkStatus();
  }

  absl::Status ReadString(Edn* out) {
    const size_t start = pos_;
    ++pos_;  // opening quote
    std::string text;
    while (true) {
      if (pos_ >= s_.size()) {
        return positions_.Error(start, "unterminated string");
      }
      char c = s_[pos_++];
      if (c == '"') break;
      if (c != '\\') {
        text += c;
        continue;
      }
      if (pos_ >= s_.size()) {
        return positions_.Error(start, "unterminated string");
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
  const Positions& positions_;
  size_t pos_ = 0;
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

// A :value reduced to what matching needs (the EDN tree is not kept).
struct Shape {
  enum class Kind { kNone, kScalar, kPair, kOther } kind = Kind::kNone;  // kNone: absent
  Value v0, v1;      // kScalar: v0; kPair: [v0 v1]
  std::string desc;  // Describe() of a non-scalar value, for errors
};

Shape ShapeOf(const Edn& e) {
  Shape s;
  if (auto v = ScalarOf(e, ""); v.ok()) {
    s.kind = Shape::Kind::kScalar;
    s.v0 = *std::move(v);
    return s;
  }
  s.kind = Shape::Kind::kOther;
  s.desc = Describe(e);
  if (e.kind == Edn::Kind::kVector && e.items.size() == 2) {
    auto a = ScalarOf(e.items[0], "");
    auto b = ScalarOf(e.items[1], "");
    if (a.ok() && b.ok()) {
      s.kind = Shape::Kind::kPair;
      s.v0 = *std::move(a);
      s.v1 = *std::move(b);
    }
  }
  return s;
}

constexpr absl::string_view kTupleTag = "jepsen.independent/tuple";

// One parsed operation map: an invocation or a completion.
struct Event {
  size_t pos = 0;    // offset of its map, for messages
  int64_t line = 0;  // line of its map
  int64_t process = 0;
  enum class Type { kInvoke, kOk, kFail, kInfo } type = Type::kInvoke;
  bool has_f = false;
  OpKind kind = OpKind::kRead;
  bool has_key = false;
  Value key;
  Shape value;
  size_t value_pos = 0;
  // :value read as a jepsen.independent tuple [k v] (a scalar key k, and v
  // a scalar or a pair of scalars), possibly tagged #jepsen.independent/tuple.
  bool tuple = false;
  bool tagged_tuple = false;
  Value tuple_key;
  Shape tuple_value;
  std::optional<int64_t> time;
  size_t time_pos = 0;
};

// Reads :value as a tuple when it has that shape.
void ReadTuple(const Edn& value, Event& ev) {
  const Edn* v = &value;
  if (v->kind == Edn::Kind::kTagged && v->text == kTupleTag) {
    ev.tagged_tuple = true;
    v = &v->items[0];
  }
  if (v->kind != Edn::Kind::kVector || v->items.size() != 2) return;
  auto key = ScalarOf(v->items[0], "");
  if (!key.ok()) return;
  Shape inner = ShapeOf(v->items[1]);
  if (inner.kind == Shape::Kind::kOther) return;
  ev.tuple = true;
  ev.tuple_key = *std::move(key);
  ev.tuple_value = std::move(inner);
}

// Parses one operation map (tags already looked through). Returns nullopt
// for maps to skip (non-client processes such as :nemesis).
absl::StatusOr<std::optional<Event>> ParseOp(const Edn& top, const Positions& at) {
  // The known keys, found by a linear scan (cheaper than a map per op).
  // Unknown keys, and non-keyword keys, are ignored.
  static constexpr const char* kKnown[] = {"process", "type", "f",
                                           "key",     "value", "time"};
  constexpr size_t kNumKnown = sizeof(kKnown) / sizeof(kKnown[0]);
  const Edn* found[kNumKnown] = {};
  for (size_t i = 0; i < top.items.size(); i += 2) {
    const Edn& k = top.items[i];
    if (k.kind != Edn::Kind::kKeyword) continue;
    for (size_t j = 0; j < kNumKnown; ++j) {
      if (k.text != kKnown[j]) continue;
      if (found[j] != nullptr) return at.Error(k.pos, absl::StrCat("duplicate key :", k.text));
      found[j] = &top.items[i + 1];
    }
  }
  auto get = [&](absl::string_view name) -> const Edn* {
    for (size_t j = 0; j < kNumKnown; ++j) {
      if (name == kKnown[j]) return found[j];
    }
    return nullptr;
  };

  Event ev;
  ev.pos = top.pos;
  ev.line = at.Line(top.pos);
  const Edn* process = get("process");
  if (process == nullptr) return at.Error(top.pos, "missing :process");
  if (process->kind == Edn::Kind::kKeyword) {
    return std::optional<Event>();  // :nemesis and friends: not a client
  }
  if (process->kind != Edn::Kind::kInt) {
    return at.Error(process->pos,
                    absl::StrCat(":process must be an integer, not ", Describe(*process)));
  }
  ev.process = process->i;

  const Edn* type = get("type");
  if (type == nullptr) return at.Error(top.pos, "missing :type");
  if (type->kind != Edn::Kind::kKeyword) {
    return at.Error(type->pos, absl::StrCat(":type must be a keyword, not ", Describe(*type)));
  }
  if (type->text == "invoke") ev.type = Event::Type::kInvoke;
  else if (type->text == "ok") ev.type = Event::Type::kOk;
  else if (type->text == "fail") ev.type = Event::Type::kFail;
  else if (type->text == "info") ev.type = Event::Type::kInfo;
  else {
    return at.Error(type->pos, absl::StrCat("unknown :type :", type->text,
                                            " (expected :invoke, :ok, :fail or :info)"));
  }

  if (const Edn* f = get("f"); f != nullptr) {
    if (f->kind != Edn::Kind::kKeyword && f->kind != Edn::Kind::kString) {
      return at.Error(f->pos, absl::StrCat(":f must be a keyword, not ", Describe(*f)));
    }
    std::optional<OpKind> kind = OpKindFromName(f->text);
    if (!kind.has_value()) {
      return at.Error(f->pos, absl::StrCat("unknown :f :", f->text,
                                           " (expected read, write, cas, get, put, append or "
                                           "delete)"));
    }
    ev.has_f = true;
    ev.kind = *kind;
  } else if (ev.type == Event::Type::kInvoke) {
    return at.Error(top.pos, "missing :f");
  }

  if (const Edn* key = get("key"); key != nullptr) {
    auto v = ScalarOf(*key, ":key");
    if (!v.ok()) return at.Error(key->pos, v.status().message());
    ev.has_key = true;
    ev.key = *std::move(v);
  }
  if (const Edn* value = get("value"); value != nullptr) {
    ev.value = ShapeOf(*value);
    ev.value_pos = value->pos;
    ReadTuple(*value, ev);
  }
  if (const Edn* time = get("time"); time != nullptr) {
    if (time->kind != Edn::Kind::kInt) {
      return at.Error(time->pos,
                      absl::StrCat(":time must be an integer, not ", Describe(*time)));
    }
    ev.time = time->i;
    ev.time_pos = time->pos;
  }
  return std::optional<Event>(std::move(ev));
}

// True when `ev` can only be read as a jepsen.independent tuple: tagged as
// one, or a [k v] where the plain form allows no vector (a write's argument,
// a value read, a read's invocation) or a cas [k [expected new]]. A plain
// cas [expected new] is not evidence.
bool TupleEvidence(const Event& ev) {
  if (ev.tagged_tuple) return true;
  if (!ev.tuple || !ev.has_f) return false;
  return !(ev.kind == OpKind::kCas && ev.tuple_value.kind == Shape::Kind::kScalar);
}

// In a tuple history: the key comes from the tuple, the value is its second
// element. An invocation must carry a tuple (its key); a completion may omit
// the value or give nil (an :info or :fail, the ok of a write).
absl::Status UntupleEvent(Event& ev, int64_t evidence_line, const Positions& at) {
  const bool nil_or_absent = ev.value.kind == Shape::Kind::kNone ||
                             (ev.value.kind == Shape::Kind::kScalar && ev.value.v0.is_nil());
  if (!ev.tuple) {
    if (nil_or_absent && ev.type != Event::Type::kInvoke) return absl::OkStatus();
    return at.Error(ev.value_pos != 0 ? ev.value_pos : ev.pos,
                    absl::StrCat("a jepsen.independent history (tuple values from line ",
                                 evidence_line, ") needs :value [key value] here, found ",
                                 ev.value.kind == Shape::Kind::kNone ? "no :value"
                                 : ev.value.kind == Shape::Kind::kScalar ? ev.value.v0.ToEdn()
                                                                         : ev.value.desc));
  }
  ev.has_key = true;
  ev.key = std::move(ev.tuple_key);
  ev.value = std::move(ev.tuple_value);
  return absl::OkStatus();
}

// Reads every operation map of `text` into `events`: one map after another
// (one per line, as Jepsen writes history.edn, or spanning lines), or one
// vector (or list) holding them all. Tagged maps (#jepsen.history.Op{...})
// are looked through.
absl::Status ReadEvents(absl::string_view text, const Positions& at, size_t max_events,
                        std::vector<Event>& events) {
  Reader reader(text, at);
  auto take = [&](const Edn& element) -> absl::Status {
    const Edn* e = &element;
    while (e->kind == Edn::Kind::kTagged) e = &e->items[0];
    if (e->kind != Edn::Kind::kMap) {
      return at.Error(element.pos, absl::StrCat("expected an operation map {...}, found ",
                                                Describe(*e)));
    }
    auto ev = ParseOp(*e, at);
    if (!ev.ok()) return ev.status();
    if (!ev->has_value()) return absl::OkStatus();
    if (events.size() >= max_events) {
      return at.Error(element.pos,
                      absl::StrCat("more than ", max_events, " events in the history"));
    }
    events.push_back(**std::move(ev));
    return absl::OkStatus();
  };
  bool first = true;
  while (!reader.AtEnd()) {
    const char c = reader.Peek();
    if (first && (c == '[' || c == '(')) {
      // The whole history as one collection: its elements are read one at a
      // time, so a long history is never held as one tree.
      const size_t open = reader.pos();
      const char close = c == '[' ? ']' : ')';
      reader.Advance();
      while (true) {
        if (reader.AtEnd()) {
          return at.Error(open, absl::StrCat("missing '", std::string(1, close),
                                             "' for the history vector"));
        }
        if (reader.Peek() == close) {
          reader.Advance();
          break;
        }
        Edn e;
        if (auto st = reader.Read(&e); !st.ok()) return st;
        if (auto st = take(e); !st.ok()) return st;
      }
      if (!reader.AtEnd()) {
        return at.Error(reader.pos(), "trailing characters after the history vector");
      }
      return absl::OkStatus();
    }
    first = false;
    Edn e;
    if (auto st = reader.Read(&e); !st.ok()) return st;
    if (auto st = take(e); !st.ok()) return st;
  }
  return absl::OkStatus();
}

// The time of each event when not every event has a :time: its line when
// every event starts on a line of its own (one map per line), otherwise its
// position in the file (1-based).
std::vector<int64_t> OrderTimes(const std::vector<Event>& events) {
  std::vector<int64_t> times;
  bool distinct_lines = true;
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0 && events[i].line == events[i - 1].line) distinct_lines = false;
  }
  for (size_t i = 0; i < events.size(); ++i) {
    times.push_back(distinct_lines ? events[i].line : static_cast<int64_t>(i + 1));
  }
  return times;
}

}  // namespace

absl::StatusOr<History> ParseEdnHistory(absl::string_view text) {
  return ParseEdnHistory(text, EdnLimits());
}

absl::StatusOr<History> ParseEdnHistory(absl::string_view text, const EdnLimits& limits) {
  const Positions at(text);
  // Bounds first: no line longer than the limit is parsed at all.
  int64_t line_no = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == absl::string_view::npos) nl = text.size();
    ++line_no;
    if (nl - pos > limits.max_line_bytes) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", nl - pos,
                                                     " bytes, over the limit of ",
                                                     limits.max_line_bytes, " per line"));
    }
    pos = nl + 1;
  }
  std::vector<Event> events;
  if (auto st = ReadEvents(text, at, limits.max_events, events); !st.ok()) return st;

  // Keys: :key on the events, or jepsen.independent tuples in :value.
  bool any_key = false;
  const Event* evidence = nullptr;
  for (const Event& ev : events) {
    any_key = any_key || ev.has_key;
    if (evidence == nullptr && TupleEvidence(ev)) evidence = &ev;
  }
  if (evidence != nullptr && !any_key) {
    const int64_t evidence_line = evidence->line;
    for (Event& ev : events) {
      if (auto st = UntupleEvent(ev, evidence_line, at); !st.ok()) return st;
    }
  }

  // Times: :time when every event has one (in any unit: only the order
  // matters, and it must not decrease), otherwise the order in the file.
  bool all_timed = !events.empty();
  for (const Event& ev : events) all_timed = all_timed && ev.time.has_value();
  std::vector<int64_t> times;
  if (all_timed) {
    for (size_t i = 0; i < events.size(); ++i) {
      if (i > 0 && *events[i].time < *events[i - 1].time) {
        return at.Error(events[i].time_pos,
                        absl::StrCat(":time ", *events[i].time, " is before the previous "
                                     "event's :time ", *events[i - 1].time, " (line ",
                                     events[i - 1].line, ")"));
      }
      times.push_back(*events[i].time);
    }
  } else {
    times = OrderTimes(events);
  }

  History history;
  std::map<int64_t, std::pair<size_t, int64_t>> pending;  // process -> op, line
  for (size_t i = 0; i < events.size(); ++i) {
    Event& ev = events[i];
    const int64_t t = times[i];
    auto fail = [&](const std::string& what) { return at.Error(ev.pos, what); };
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
        if (ev.value.kind != Shape::Kind::kPair) {
          return fail(absl::StrCat(
              ":cas needs :value [expected new] (strings, integers or nil), found ",
              ev.value.kind == Shape::Kind::kNone     ? "no :value"
              : ev.value.kind == Shape::Kind::kScalar ? ev.value.v0.ToEdn()
                                                      : ev.value.desc));
        }
        op.expected = std::move(ev.value.v0);
        op.value = std::move(ev.value.v1);
      } else if (ev.kind == OpKind::kWrite || ev.kind == OpKind::kPut ||
                 ev.kind == OpKind::kAppend) {
        if (ev.value.kind == Shape::Kind::kNone) {
          return fail(absl::StrCat(":", OpKindName(ev.kind), " invocation without :value"));
        }
        if (ev.value.kind != Shape::Kind::kScalar) {
          return fail(absl::StrCat(":value must be a string, an integer or nil, not ",
                                   ev.value.desc));
        }
        op.value = std::move(ev.value.v0);
      }
      pending[ev.process] = {history.size(), ev.line};
      history.Add(std::move(op));
      continue;
    }
    auto it = pending.find(ev.process);
    if (it == pending.end()) {
      return fail(absl::StrCat("completion for process ", ev.process,
                               ", which has no outstanding invocation"));
    }
    Operation& op = history.mutable_ops()[it->second.first];
    if (ev.has_f && ev.kind != op.kind) {
      return fail(absl::StrCat("completion :f :", OpKindName(ev.kind),
                               " does not match the invocation's :", OpKindName(op.kind),
                               " (line ", it->second.second, ")"));
    }
    if (ev.has_key && ev.key != op.key) {
      return fail(absl::StrCat("completion :key ", ev.key.ToEdn(),
                               " does not match the invocation's ", op.key.ToEdn(), " (line ",
                               it->second.second, ")"));
    }
    pending.erase(it);
    op.complete_time = t;
    if (ev.type == Event::Type::kOk) {
      op.outcome = Outcome::kOk;
      if (op.is_read()) {
        if (ev.value.kind == Shape::Kind::kNone) {
          return fail(absl::StrCat(":ok :", OpKindName(op.kind), " without :value"));
        }
        if (ev.value.kind != Shape::Kind::kScalar) {
          return fail(absl::StrCat("the value read must be a string, an integer or nil, not ",
                                   ev.value.desc));
        }
        op.result = std::move(ev.value.v0);
      }
    } else if (ev.type == Event::Type::kFail) {
      op.outcome = Outcome::kFail;
    } else {
      op.outcome = Outcome::kInfo;
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
