#include "wire/compat/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "util/json.h"

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

std::string FormatJson(const CheckResult& result, absl::string_view old_label,
                       absl::string_view new_label) {
  std::string out = absl::StrCat(
      "{\"old\": ", util::JsonQuote(old_label), ", \"new\": ", util::JsonQuote(new_label),
      ", \"compatible\": ", result.compatible() ? "true" : "false",
      ", \"errors\": ", result.errors, ", \"warnings\": ", result.warnings,
      ", \"excepted\": ", result.excepted, ", \"findings\": [");
  for (size_t i = 0; i < result.findings.size(); ++i) {
    const Finding& f = result.findings[i];
    absl::StrAppend(&out, i == 0 ? "\n  " : ",\n  ", "{\"rule\": ", util::JsonQuote(f.rule_id),
                    ", \"severity\": ", util::JsonQuote(SeverityName(f.severity)),
                    ", \"file\": ", util::JsonQuote(f.file), ", \"message\": ", util::JsonQuote(f.message),
                    ", \"field\": ", util::JsonQuote(f.field), ", \"why\": ", util::JsonQuote(f.why), "}");
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
