// Rendering a CheckResult for people (text) and tools (JSON). Both forms are
// stable: findings in CheckResult order (sorted), fixed column order, no
// timestamps or paths beyond the ones given.
#ifndef RAFTLOG_WIRE_COMPAT_REPORT_H_
#define RAFTLOG_WIRE_COMPAT_REPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "wire/compat/checker.h"

namespace raftlog::wire::compat {

// One line per finding:
//   <severity> <RULE_ID> <file> <message> <field>: <why>
// with "-" for an empty message or field, then a summary line:
//   "compatible: 0 errors, 1 warning, 2 excepted" or "INCOMPATIBLE: ...".
std::string FormatText(const CheckResult& result);

// {"old": ..., "new": ..., "compatible": bool, "errors": n, "warnings": n,
//  "excepted": n, "findings": [{"rule", "severity", "file", "message",
//  "field", "why"}...]}, one finding per line, ending in a newline.
std::string FormatJson(const CheckResult& result, absl::string_view old_label,
                       absl::string_view new_label);

// The rule table, one line per rule: "<RULE_ID> <severity>: <doc>".
std::string FormatRuleTable();

}  // namespace raftlog::wire::compat

#endif  // RAFTLOG_WIRE_COMPAT_REPORT_H_
