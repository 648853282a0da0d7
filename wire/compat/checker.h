// The wire schema compatibility checker: compares the schema of an old tag
// with the schema of a new tag and reports, per rule of rules.h, every change
// that breaks an old reader of new bytes or a new reader of old bytes.
//
// Contract:
//  - Elements are matched across tags by the keys of naming.h (files by
//    tag-normalized path, types by tag-normalized package + relative name,
//    fields and enum values by number, RPCs by name).
//  - Findings are deterministic: sorted by (file, message, field, rule, why)
//    and free of duplicates. `file` is the new tag's file (the element's home
//    now), `message` the message/enum/service name relative to its package,
//    `field` "name=number" for fields and enum values or the RPC name.
//  - Rules listed in CheckOptions::except are dropped (and counted).
//  - Deleting a message, enum, service or RPC is not a wire break by itself
//    (buf's WIRE category agrees); deleting what remains referenced changes
//    a field or RPC type, which is reported there.
//  - A type that moves (another package or parent) is a new type: its
//    elements are checked as added ones (NEW_VALUE_SINCE_NOT_NEWER), and the
//    fields that use it as a type change (an enum may move if its short name
//    stays and it keeps every old value, like buf).
#ifndef RAFTLOG_WIRE_COMPAT_CHECKER_H_
#define RAFTLOG_WIRE_COMPAT_CHECKER_H_

#include <set>
#include <string>
#include <vector>

#include "wire/compat/rules.h"
#include "wire/compat/schema.h"

namespace raftlog::wire::compat {

struct Finding {
  std::string rule_id;
  Severity severity = Severity::kError;
  std::string file;
  std::string message;
  std::string field;
  std::string why;
};

bool operator<(const Finding& a, const Finding& b);
bool operator==(const Finding& a, const Finding& b);

struct CheckOptions {
  // Rule IDs whose findings are dropped. REQUIRES: every ID is in AllRules().
  std::set<std::string> except;
};

struct CheckResult {
  std::vector<Finding> findings;  // sorted, after `except`
  int errors = 0;
  int warnings = 0;
  int excepted = 0;  // findings dropped by `except`
  bool compatible() const { return errors == 0; }
};

CheckResult CheckCompatibility(const Schema& old_schema, const Schema& new_schema,
                               const CheckOptions& options = {});

}  // namespace raftlog::wire::compat

#endif  // RAFTLOG_WIRE_COMPAT_CHECKER_H_
