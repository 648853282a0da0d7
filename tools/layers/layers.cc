#include "tools/layers/layers.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace raftlog::layers {
namespace {

// ---- Tokens ----------------------------------------------------------------

enum class Tok { kIdent, kString, kNumber, kPunct, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // a string's value, unquoted (escapes kept as written)
  int line = 0;
};

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view s, absl::string_view file) {
  std::vector<Token> out;
  int line = 1;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\\') {
      ++i;
    } else if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      const bool triple = s.substr(i, 3) == std::string(3, c);
      const size_t quote = triple ? 3 : 1;
      const int start_line = line;
      size_t j = i + quote;
      std::string value;
      for (;;) {
        if (j >= s.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat(file, ":", start_line, ": unterminated string"));
        }
        if (s[j] == '\\' && j + 1 < s.size()) {
          value.append(s.substr(j, 2).data(), 2);
          if (s[j + 1] == '\n') ++line;
          j += 2;
          continue;
        }
        if (s.substr(j, quote) == std::string(quote, c)) break;
        if (s[j] == '\n') {
          if (!triple) {
            return absl::InvalidArgumentError(
                absl::StrCat(file, ":", start_line, ": newline in a string"));
          }
          ++line;
        }
        value.push_back(s[j]);
        ++j;
      }
      out.push_back({Tok::kString, std::move(value), start_line});
      i = j + quote;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      out.push_back({Tok::kIdent, std::string(s.substr(i, j - i)), line});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
      out.push_back({Tok::kNumber, std::string(s.substr(i, j - i)), line});
      i = j;
    } else {
      // Two-character operators matter only as "not a bracket".
      out.push_back({Tok::kPunct, std::string(1, c), line});
      ++i;
    }
  }
  out.push_back({Tok::kEnd, "", line});
  return out;
}

bool Is(const Token& t, absl::string_view punct) {
  return t.kind == Tok::kPunct && t.text == punct;
}

// What an expression mentions: its string literals and identifiers.
struct Mentions {
  std::vector<std::string> strings;
  std::vector<std::string> idents;
};

class Parser {
 public:
  Parser(std::vector<Token> toks, std::string file) : t_(std::move(toks)), file_(std::move(file)) {}

  const Token& Peek(size_t ahead = 0) const {
    return t_[std::min(pos_ + ahead, t_.size() - 1)];
  }
  const Token& Next() { return t_[std::min(pos_++, t_.size() - 1)]; }
  bool AtEnd() const { return Peek().kind == Tok::kEnd; }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(file_, ":", Peek().line, ": ", what));
  }

  // Skips a bracketed group starting at an opening bracket, recording what it
  // mentions.
  absl::Status SkipGroup(Mentions* m) {
    const std::string open = Next().text;
    const std::string close = open == "(" ? ")" : open == "[" ? "]" : "}";
    int depth = 1;
    while (depth > 0) {
      if (AtEnd()) return Error(absl::StrCat("unclosed '", open, "'"));
      const Token& t = Next();
      if (t.kind == Tok::kString) m->strings.push_back(t.text);
      if (t.kind == Tok::kIdent) m->idents.push_back(t.text);
      if (Is(t, "(") || Is(t, "[") || Is(t, "{")) ++depth;
      if (Is(t, ")") || Is(t, "]") || Is(t, "}")) --depth;
    }
    return absl::OkStatus();
  }

  // One expression: atoms joined by binary operators; an atom is a literal,
  // a name, or a bracketed group, each followed by calls, subscripts and
  // attribute accesses. Stops before ',' and closing brackets at its level.
  absl::Status SkipExpr(Mentions* m) {
    for (;;) {
      const Token& t = Peek();
      if (t.kind == Tok::kString || t.kind == Tok::kNumber || t.kind == Tok::kIdent) {
        Next();
        if (t.kind == Tok::kString) m->strings.push_back(t.text);
        if (t.kind == Tok::kIdent) m->idents.push_back(t.text);
        // Keywords of a conditional or a comprehension continue the expression.
        if (t.kind == Tok::kIdent &&
            (t.text == "if" || t.text == "else" || t.text == "for" || t.text == "in" ||
             t.text == "not" || t.text == "and" || t.text == "or")) {
          continue;
        }
      } else if (Is(t, "(") || Is(t, "[") || Is(t, "{")) {
        if (absl::Status s = SkipGroup(m); !s.ok()) return s;
      } else if (Is(t, "-") || Is(t, "+") || Is(t, "not")) {
        Next();
        continue;
      } else {
        return Error(absl::StrCat("unexpected '", t.text, "' in an expression"));
      }
      // Trailers.
      while (Is(Peek(), "(") || Is(Peek(), "[") || Is(Peek(), ".")) {
        if (Is(Peek(), ".")) {
          Next();
          if (Peek().kind == Tok::kIdent) Next();
          continue;
        }
        if (absl::Status s = SkipGroup(m); !s.ok()) return s;
      }
      const Token& op = Peek();
      if (op.kind == Tok::kPunct && absl::string_view("+-*/%<>=!|&").find(op.text) !=
                                        absl::string_view::npos) {
        Next();
        while (Peek().kind == Tok::kPunct && absl::string_view("=<>").find(Peek().text) !=
                                                  absl::string_view::npos) {
          Next();
        }
        continue;
      }
      if (op.kind == Tok::kIdent &&
          (op.text == "if" || op.text == "for" || op.text == "in" || op.text == "and" ||
           op.text == "or" || op.text == "else" || op.text == "not")) {
        continue;
      }
      return absl::OkStatus();
    }
  }

  size_t pos_ = 0;

 private:
  std::vector<Token> t_;
  std::string file_;
};

// A call's arguments: keyword -> what its value mentions; positional ones
// under "".
struct Call {
  std::string function;
  int line = 0;
  std::map<std::string, Mentions> kwargs;
  std::vector<Mentions> positional;
  bool name_is_literal = false;
};

absl::StatusOr<Call> ParseCall(Parser& p) {
  Call call;
  call.line = p.Peek().line;
  call.function = p.Next().text;
  p.Next();  // "("
  while (!Is(p.Peek(), ")")) {
    if (p.AtEnd()) return p.Error("unclosed call");
    if (p.Peek().kind == Tok::kIdent && Is(p.Peek(1), "=") && !Is(p.Peek(2), "=")) {
      std::string key = p.Next().text;
      p.Next();
      Mentions m;
      if (key == "name" && p.Peek().kind == Tok::kString &&
          (Is(p.Peek(1), ",") || Is(p.Peek(1), ")"))) {
        call.name_is_literal = true;
      }
      if (absl::Status s = p.SkipExpr(&m); !s.ok()) return s;
      call.kwargs[key] = std::move(m);
    } else if (Is(p.Peek(), "*")) {
      p.Next();
      if (Is(p.Peek(), "*")) p.Next();
      Mentions m;
      if (absl::Status s = p.SkipExpr(&m); !s.ok()) return s;
      call.positional.push_back(std::move(m));
    } else {
      Mentions m;
      if (absl::Status s = p.SkipExpr(&m); !s.ok()) return s;
      call.positional.push_back(std::move(m));
    }
    if (Is(p.Peek(), ",")) p.Next();
  }
  p.Next();  // ")"
  return call;
}

bool LooksLikeLabel(absl::string_view s) {
  if (absl::StrContains(s, "$(") || absl::StrContains(s, " ")) return false;
  if (absl::StartsWith(s, "//") || absl::StartsWith(s, "@")) return true;
  return absl::StartsWith(s, ":") && s.size() > 1;
}

// Labels named by a .bzl file outside its load() statements.
std::vector<std::string> AbsoluteLabelsIn(absl::string_view bzl) {
  std::vector<std::string> out;
  absl::StatusOr<std::vector<Token>> toks = Tokenize(bzl, "bzl");
  if (!toks.ok()) return out;
  for (size_t i = 0; i < toks->size(); ++i) {
    const Token& t = (*toks)[i];
    if (t.kind == Tok::kIdent && t.text == "load" && i + 1 < toks->size() &&
        Is((*toks)[i + 1], "(")) {
      while (i < toks->size() && !Is((*toks)[i], ")")) ++i;
      continue;
    }
    if (t.kind == Tok::kString && absl::StartsWith(t.text, "//") && LooksLikeLabel(t.text)) {
      out.push_back(t.text);
    }
  }
  return out;
}

const std::set<std::string>& DependencyAttributes() {
  static const auto* a = new std::set<std::string>{
      "deps", "data", "srcs", "hdrs", "tools", "actual", "runtime_deps", "exports", "proto",
      "implementation_deps", "textual_hdrs"};
  return *a;
}

bool IsTrue(const Mentions& m) {
  return m.idents.size() == 1 && m.idents[0] == "True" && m.strings.empty();
}

}  // namespace

// ---- Labels and patterns ------------------------------------------------------

absl::StatusOr<std::string> NormalizeLabel(absl::string_view raw, absl::string_view package) {
  absl::string_view s = raw;
  std::string repo;
  if (absl::StartsWith(s, "@")) {
    size_t slashes = s.find("//");
    if (slashes == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("not a label: ", raw));
    }
    repo = std::string(s.substr(0, slashes));
    s.remove_prefix(slashes);
  }
  if (absl::StartsWith(s, "//")) {
    s.remove_prefix(2);
    size_t colon = s.find(':');
    std::string pkg(s.substr(0, colon));
    std::string name;
    if (colon == absl::string_view::npos) {
      name = pkg.substr(pkg.rfind('/') == std::string::npos ? 0 : pkg.rfind('/') + 1);
      if (name.empty()) return absl::InvalidArgumentError(absl::StrCat("not a label: ", raw));
    } else {
      name = std::string(s.substr(colon + 1));
    }
    // "//pkg:" + name in a list comprehension: some target of pkg, named at
    // load time; judged as any target of that package.
    if (name.empty()) name = "*";
    return absl::StrCat(repo, "//", pkg, ":", name);
  }
  if (!repo.empty()) return absl::InvalidArgumentError(absl::StrCat("not a label: ", raw));
  if (absl::StartsWith(s, ":")) s.remove_prefix(1);
  if (s.empty() || absl::StrContains(s, ":")) {
    return absl::InvalidArgumentError(absl::StrCat("not a label: ", raw));
  }
  return absl::StrCat("//", package, ":", s);
}

std::string PackageOf(absl::string_view label) {
  size_t colon = label.rfind(':');
  absl::string_view pkg = label.substr(0, colon);
  if (absl::StartsWith(pkg, "//")) pkg.remove_prefix(2);
  return std::string(pkg);
}

namespace {

bool IsTag(absl::string_view s) {
  if (s.size() < 2 || s[0] != 'v') return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// '*' in `pattern` matches any run of characters.
bool Glob(absl::string_view pattern, absl::string_view s) {
  if (pattern.empty()) return s.empty();
  if (pattern[0] == '*') {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (Glob(pattern.substr(1), s.substr(i))) return true;
    }
    return false;
  }
  return !s.empty() && pattern[0] == s[0] && Glob(pattern.substr(1), s.substr(1));
}

// Splits "@repo//a/b:n" into components {"@repo", "a", "b"} (or {"a","b"})
// and the name.
void Split(absl::string_view label, std::vector<std::string>* components, std::string* name,
           bool* has_name) {
  absl::string_view s = label;
  components->clear();
  if (absl::StartsWith(s, "@")) {
    size_t slashes = s.find("//");
    components->push_back(std::string(s.substr(0, slashes)));
    s.remove_prefix(slashes == absl::string_view::npos ? s.size() : slashes);
  }
  absl::ConsumePrefix(&s, "//");
  size_t colon = s.find(':');
  *has_name = colon != absl::string_view::npos;
  *name = *has_name ? std::string(s.substr(colon + 1)) : "";
  absl::string_view pkg = s.substr(0, colon);
  if (!pkg.empty()) {
    for (absl::string_view c : absl::StrSplit(pkg, '/')) components->push_back(std::string(c));
  }
}

bool MatchComponents(const std::vector<std::string>& pat, size_t pi,
                     const std::vector<std::string>& comp, size_t ci, std::string* tag) {
  if (pi == pat.size()) return ci == comp.size();
  if (pat[pi] == "...") return pi + 1 == pat.size();
  if (ci == comp.size()) return false;
  if (pat[pi] == "{tag}") {
    if (!IsTag(comp[ci])) return false;
    if (!MatchComponents(pat, pi + 1, comp, ci + 1, tag)) return false;
    if (tag != nullptr) *tag = comp[ci];
    return true;
  }
  if (!Glob(pat[pi], comp[ci])) return false;
  return MatchComponents(pat, pi + 1, comp, ci + 1, tag);
}

}  // namespace

bool MatchPattern(absl::string_view pattern, absl::string_view label, std::string* tag) {
  std::vector<std::string> pc, lc;
  std::string pname, lname;
  bool phas = false, lhas = false;
  Split(pattern, &pc, &pname, &phas);
  Split(label, &lc, &lname, &lhas);
  std::string bound;
  if (!MatchComponents(pc, 0, lc, 0, &bound)) return false;
  if (phas && !Glob(pname, lname)) return false;
  if (tag != nullptr) *tag = bound;
  return true;
}

// ---- BUILD files ---------------------------------------------------------------

absl::StatusOr<std::vector<Target>> ParseBuildFile(const BuildFile& file, const BzlReader& bzl,
                                                   const std::set<std::string>& known_packages) {
  absl::StatusOr<std::vector<Token>> toks = Tokenize(file.text, file.path);
  if (!toks.ok()) return toks.status();
  Parser p(std::move(*toks), file.path);

  std::map<std::string, std::string> macros;       // symbol -> .bzl label
  std::map<std::string, Mentions> variables;       // top-level NAME = ...
  std::map<std::string, std::string> bzl_texts;   // .bzl label -> text
  bool default_testonly = false;
  std::vector<Target> targets;

  auto add_target = [&](const Call& call) -> absl::Status {
    if (call.function == "package") {
      auto it = call.kwargs.find("default_testonly");
      if (it != call.kwargs.end() && IsTrue(it->second)) default_testonly = true;
      return absl::OkStatus();
    }
    auto name_it = call.kwargs.find("name");
    if (name_it == call.kwargs.end()) return absl::OkStatus();  // exports_files, licenses, ...
    Target t;
    t.rule = call.function;
    t.file = file.path;
    t.line = call.line;
    const std::string name = call.name_is_literal && !name_it->second.strings.empty()
                                 ? name_it->second.strings[0]
                                 : absl::StrCat("<computed name at line ", call.line, ">");
    t.label = absl::StrCat("//", file.package, ":", name);
    auto testonly = call.kwargs.find("testonly");
    t.test = absl::EndsWith(call.function, "_test") || call.function == "test_suite" ||
             default_testonly || (testonly != call.kwargs.end() && IsTrue(testonly->second));

    std::vector<std::string> raw;
    auto take = [&](const Mentions& m) {
      for (const std::string& s : m.strings) {
        if (LooksLikeLabel(s)) raw.push_back(s);
      }
      for (const std::string& id : m.idents) {
        auto v = variables.find(id);
        if (v == variables.end()) continue;
        for (const std::string& s : v->second.strings) {
          if (LooksLikeLabel(s)) raw.push_back(s);
        }
      }
    };
    auto macro = macros.find(call.function);
    if (macro != macros.end()) {
      // A project macro: every label argument, and what its file names.
      std::vector<std::string> values;
      for (const auto& [key, m] : call.kwargs) {
        take(m);
        for (const std::string& s : m.strings) values.push_back(s);
      }
      for (const Mentions& m : call.positional) {
        take(m);
        for (const std::string& s : m.strings) values.push_back(s);
      }
      auto text = bzl_texts.find(macro->second);
      if (text == bzl_texts.end()) {
        absl::StatusOr<std::string> read = bzl(macro->second);
        if (!read.ok()) {
          return absl::Status(read.status().code(),
                              absl::StrCat(file.path, ":", call.line, ": ", read.status().message()));
        }
        text = bzl_texts.emplace(macro->second, *std::move(read)).first;
      }
      for (const std::string& l : AbsoluteLabelsIn(text->second)) {
        if (!absl::StrContains(l, "%s")) {
          raw.push_back(l);
          continue;
        }
        for (const std::string& v : values) {
          std::string filled = absl::StrReplaceAll(l, {{"%s", v}});
          if (!LooksLikeLabel(filled)) continue;
          absl::StatusOr<std::string> n = NormalizeLabel(filled, file.package);
          if (n.ok() && known_packages.count(PackageOf(*n)) > 0) raw.push_back(*n);
        }
      }
      if (absl::EndsWith(call.function, "_test")) t.test = true;
    } else {
      for (const auto& [key, m] : call.kwargs) {
        if (DependencyAttributes().count(key) > 0) take(m);
      }
    }
    std::set<std::string> deps;
    for (const std::string& r : raw) {
      absl::StatusOr<std::string> n = NormalizeLabel(r, file.package);
      if (!n.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(file.path, ":", call.line, ": ", n.status().message()));
      }
      deps.insert(*n);
    }
    t.deps.assign(deps.begin(), deps.end());
    targets.push_back(std::move(t));
    return absl::OkStatus();
  };

  while (!p.AtEnd()) {
    const Token& t = p.Peek();
    if (t.kind == Tok::kIdent && t.text == "load" && Is(p.Peek(1), "(")) {
      absl::StatusOr<Call> call = ParseCall(p);
      if (!call.ok()) return call.status();
      if (call->positional.empty() || call->positional[0].strings.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(file.path, ":", call->line, ": bad load"));
      }
      const std::string from = call->positional[0].strings[0];
      if (!absl::StartsWith(from, "@")) {  // a project .bzl: its symbols are macros
        absl::StatusOr<std::string> label = NormalizeLabel(from, file.package);
        if (!label.ok()) return label.status();
        for (size_t i = 1; i < call->positional.size(); ++i) {
          for (const std::string& sym : call->positional[i].strings) macros[sym] = *label;
        }
        for (const auto& [alias, m] : call->kwargs) macros[alias] = *label;
      }
    } else if (t.kind == Tok::kIdent && Is(p.Peek(1), "(")) {
      absl::StatusOr<Call> call = ParseCall(p);
      if (!call.ok()) return call.status();
      if (absl::Status s = add_target(*call); !s.ok()) return s;
    } else if (t.kind == Tok::kIdent && Is(p.Peek(1), "=")) {
      std::string name = p.Next().text;
      p.Next();
      Mentions m;
      if (absl::Status s = p.SkipExpr(&m); !s.ok()) return s;
      variables[name] = std::move(m);
    } else if (Is(t, "[")) {
      // A list comprehension of rule calls: [cc_test(...) for x in [...]].
      p.Next();
      if (!(p.Peek().kind == Tok::kIdent && Is(p.Peek(1), "("))) {
        return p.Error("a top-level list that is not a comprehension of calls");
      }
      absl::StatusOr<Call> call = ParseCall(p);
      if (!call.ok()) return call.status();
      if (absl::Status s = add_target(*call); !s.ok()) return s;
      Mentions rest;
      while (!Is(p.Peek(), "]")) {
        if (p.AtEnd()) return p.Error("unclosed comprehension");
        if (Is(p.Peek(), "(") || Is(p.Peek(), "[") || Is(p.Peek(), "{")) {
          if (absl::Status s = p.SkipGroup(&rest); !s.ok()) return s;
        } else {
          p.Next();
        }
      }
      p.Next();
    } else if (t.kind == Tok::kString) {
      p.Next();  // a docstring
    } else {
      return p.Error(absl::StrCat("unexpected '", t.text, "' at top level"));
    }
  }
  return targets;
}

// ---- Rules ------------------------------------------------------------------------

absl::StatusOr<RuleTable> RuleTable::Parse(absl::string_view text, absl::string_view filename) {
  RuleTable table;
  int line_no = 0;
  std::set<std::string> layer_names;
  struct PendingAllow {
    int line;
    std::string from;
    std::vector<std::string> to;
    bool test;
  };
  std::vector<PendingAllow> pending;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    auto err = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(filename, ":", line_no, ": ", what));
    };
    absl::string_view line = raw;
    std::string why;
    if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "exception")) {
      size_t sep = line.find(" : ");
      if (sep == absl::string_view::npos) return err("an exception needs ' : <why>'");
      why = std::string(absl::StripAsciiWhitespace(line.substr(sep + 3)));
      line = line.substr(0, sep);
      if (why.empty()) return err("an exception needs a justification");
    } else {
      line = line.substr(0, line.find('#'));
    }
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (words.empty()) continue;
    if (words[0] == "layer") {
      if (words.size() < 3) return err("layer NAME PATTERN...");
      if (!layer_names.insert(words[1]).second) return err("layer declared twice");
      table.layers_.push_back({words[1], {words.begin() + 2, words.end()}});
    } else if (words[0] == "allow" || words[0] == "allow_test") {
      if (words.size() < 4 || words[2] != "->") return err("allow FROM -> TO...");
      pending.push_back({line_no, words[1], {words.begin() + 3, words.end()},
                         words[0] == "allow_test"});
    } else if (words[0] == "exception") {
      if (words.size() != 4 || words[2] != "->") return err("exception TARGET -> DEP : why");
      table.exceptions_.push_back({words[1], words[3], why, line_no});
    } else {
      return err(absl::StrCat("unknown directive '", words[0], "'"));
    }
  }
  for (const PendingAllow& a : pending) {
    auto err = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(filename, ":", a.line, ": ", what));
    };
    if (layer_names.count(a.from) == 0) return err(absl::StrCat("unknown layer ", a.from));
    auto& into = a.test ? table.allow_test_[a.from] : table.allow_[a.from];
    for (absl::string_view to : a.to) {
      Allow allow;
      allow.same_tag = absl::ConsumePrefix(&to, "same:");
      allow.to = std::string(to);
      if (allow.to != "*" && layer_names.count(allow.to) == 0) {
        return err(absl::StrCat("unknown layer ", to));
      }
      into.push_back(allow);
    }
  }
  return table;
}

std::string RuleTable::LayerOf(absl::string_view label, std::string* tag) const {
  for (const Layer& l : layers_) {
    for (const std::string& p : l.patterns) {
      if (MatchPattern(p, label, tag)) return l.name;
    }
  }
  return "";
}

bool RuleTable::Allowed(const std::string& from, const std::string& from_tag, bool test,
                        const std::string& to, const std::string& to_tag) const {
  // Within a layer, across packages: allowed, except between two releases
  // ({tag} layers bind different tags).
  if (from == to && from_tag == to_tag) return true;
  auto ok = [&](const std::map<std::string, std::vector<Allow>>& table) {
    auto it = table.find(from);
    if (it == table.end()) return false;
    for (const Allow& a : it->second) {
      if (a.to == "*") return true;
      if (a.to != to) continue;
      if (!a.same_tag || from_tag == to_tag) return true;
    }
    return false;
  };
  return ok(allow_) || (test && ok(allow_test_));
}

std::string RuleTable::AllowedList(const std::string& from, bool test) const {
  std::vector<std::string> names;
  auto add = [&](const std::map<std::string, std::vector<Allow>>& table) {
    auto it = table.find(from);
    if (it == table.end()) return;
    for (const Allow& a : it->second) names.push_back((a.same_tag ? "same:" : "") + a.to);
  };
  add(allow_);
  if (test) add(allow_test_);
  return names.empty() ? "nothing outside its package" : absl::StrJoin(names, ", ");
}

// ---- The check -----------------------------------------------------------------

Report Check(const std::vector<BuildFile>& files, const BzlReader& bzl, const RuleTable& rules) {
  Report report;
  std::set<std::string> packages;
  for (const BuildFile& f : files) packages.insert(f.package);
  std::vector<bool> used(rules.exceptions().size(), false);
  for (const BuildFile& f : files) {
    absl::StatusOr<std::vector<Target>> targets = ParseBuildFile(f, bzl, packages);
    if (!targets.ok()) {
      report.problems.push_back(std::string(targets.status().message()));
      continue;
    }
    for (const Target& t : *targets) {
      ++report.targets;
      std::string from_tag;
      const std::string from = rules.LayerOf(t.label, &from_tag);
      const std::string where = absl::StrCat(t.file, ":", t.line);
      if (from.empty()) {
        report.problems.push_back(absl::StrCat(where, ": ", t.label, " is in no layer"));
        continue;
      }
      for (const std::string& d : t.deps) {
        ++report.edges;
        if (PackageOf(d) == f.package) continue;
        if (!absl::StartsWith(d, "@") && packages.count(PackageOf(d)) == 0) {
          report.problems.push_back(absl::StrCat(where, ": ", t.label, " depends on ", d,
                                                 ", whose package's BUILD file is not "
                                                 "checked (add it to //tools/layers:build_files)"));
          continue;
        }
        std::string to_tag;
        const std::string to = rules.LayerOf(d, &to_tag);
        if (to.empty()) {
          report.problems.push_back(absl::StrCat(where, ": ", d, " (a dependency of ", t.label,
                                                 ") is in no layer"));
          continue;
        }
        if (rules.Allowed(from, from_tag, t.test, to, to_tag)) continue;
        Violation v{t.label, d, where,
                    absl::StrCat(where, ": ", t.label, " (", from, t.test ? ", test" : "",
                                 ") depends on ", d, " (", to, "); ", from, " may depend on ",
                                 rules.AllowedList(from, t.test))};
        bool known = false;
        for (size_t i = 0; i < rules.exceptions().size(); ++i) {
          const Exception& e = rules.exceptions()[i];
          if (MatchPattern(e.target_pattern, t.label) && MatchPattern(e.dep_pattern, d)) {
            used[i] = true;
            known = true;
            v.message += absl::StrCat(" [known: ", e.why, "]");
            break;
          }
        }
        (known ? report.known : report.violations).push_back(std::move(v));
      }
    }
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) continue;
    const Exception& e = rules.exceptions()[i];
    report.stale_exceptions.push_back(
        absl::StrCat("rules.txt:", e.line, ": exception ", e.target_pattern, " -> ",
                     e.dep_pattern, " matches no violation any more: delete it"));
  }
  return report;
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::StatusOr<std::vector<BuildFile>> ReadBuildFiles(const std::vector<std::string>& paths) {
  std::vector<BuildFile> out;
  for (const std::string& path : paths) {
    if (path != "BUILD" && !absl::EndsWith(path, "/BUILD")) {
      return absl::InvalidArgumentError(absl::StrCat(path, " is not a BUILD file"));
    }
    absl::StatusOr<std::string> text = ReadTextFile(path);
    if (!text.ok()) return text.status();
    BuildFile f;
    f.path = path;
    f.package = path == "BUILD" ? "" : path.substr(0, path.size() - std::string("/BUILD").size());
    f.text = *std::move(text);
    out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<std::string> ReadBzlFile(const std::string& label) {
  if (!absl::StartsWith(label, "//")) {
    return absl::InvalidArgumentError(absl::StrCat("not a project .bzl: ", label));
  }
  std::string pkg = PackageOf(label);
  std::string name = label.substr(label.rfind(':') + 1);
  return ReadTextFile(pkg.empty() ? name : absl::StrCat(pkg, "/", name));
}

std::string FormatReport(const Report& r) {
  std::string out;
  for (const Violation& v : r.violations) absl::StrAppend(&out, "VIOLATION ", v.message, "\n");
  for (const Violation& v : r.known) absl::StrAppend(&out, "known     ", v.message, "\n");
  for (const std::string& s : r.stale_exceptions) absl::StrAppend(&out, "STALE     ", s, "\n");
  for (const std::string& s : r.problems) absl::StrAppend(&out, "PROBLEM   ", s, "\n");
  absl::StrAppend(&out, "layers: ", r.targets, " targets, ", r.edges, " dependency edges, ",
                  r.violations.size(), " violation(s), ", r.known.size(),
                  " known exception(s), ", r.stale_exceptions.size(), " stale exception(s), ",
                  r.problems.size(), " problem(s)\n");
  return out;
}

}  // namespace raftlog::layers
