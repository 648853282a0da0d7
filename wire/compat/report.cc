#include "wire/compat/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace raftlog::wire::compat {

namespace {

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string Plural(int n, absl::string_view word) {
  return absl::StrCat(n, " ", word, n == 1 ? "" : "s");
}

}  // namespace

std::string FormatText(const CheckResult& result) {
  std::string out;
  for (const Finding& f : result.findings) {
    absl::StrAppend(&out, SeverityName(f.severity), " ", f.rule_id, " ", OrDash(f.file), " ",
                    OrDash(f.message), " ", OrDash(f.field), ": ", f.why, "\n");
  }
  absl::StrAppend(&out, result.compatible() ? "compatible: " : "INCOMPATIBLE: ",
                  Plural(result.errors, "error"), ", ", Plural(result.warnings, "warning"), ", ",
                  result.excepted, " excepted\n");
  return out;
}

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
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
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += "\"";
  return out;
}

std::string FormatJson(const CheckResult& result, absl::string_view old_label,
                       absl::string_view new_label) {
  std::string out = absl::StrCat(
      "{\"old\": ", JsonString(old_label), ", \"new\": ", JsonString(new_label),
      ", \"compatible\": ", result.compatible() ? "true" : "false",
      ", \"errors\": ", result.errors, ", \"warnings\": ", result.warnings,
      ", \"excepted\": ", result.excepted, ", \"findings\": [");
  for (size_t i = 0; i < result.findings.size(); ++i) {
    const Finding& f = result.findings[i];
    absl::StrAppend(&out, i == 0 ? "\n  " : ",\n  ", "{\"rule\": ", JsonString(f.rule_id),
                    ", \"severity\": ", JsonString(SeverityName(f.severity)),
                    ", \"file\": ", JsonString(f.file), ", \"message\": ", JsonString(f.message),
                    ", \"field\": ", JsonString(f.field), ", \"why\": ", JsonString(f.why), "}");
  }
  absl::StrAppend(&out, result.findings.empty() ? "]}\n" : "\n]}\n");
  return out;
}

std::string FormatRuleTable() {
  std::string out;
  for (const Rule& rule : AllRules()) {
    absl::StrAppend(&out, rule.id, " ", SeverityName(rule.severity), ": ", rule.doc, "\n");
  }
  return out;
}

}  // namespace raftlog::wire::compat
