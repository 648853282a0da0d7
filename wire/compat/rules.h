// The rule table of the wire schema compatibility checker: one row per rule,
// with a stable ID (never renamed: allow lists and CI logs refer to it), a
// severity and a one-line doc. Every check in checker.cc reports one of these
// IDs and nothing else; the table is the single place to read what is checked.
//
// Severity: an error makes the pair incompatible (the CLI exits 1); a warning
// is reported but allowed.
//
// The first group are the rules of buf breaking's WIRE category, with buf's
// semantics (https://buf.build/docs/breaking/rules/), adapted to per-tag
// packages (see naming.h). The second group are this project's rules about
// reserved numbers and names and about the since-annotations of
// wire/options.proto.
#ifndef RAFTLOG_WIRE_COMPAT_RULES_H_
#define RAFTLOG_WIRE_COMPAT_RULES_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace raftlog::wire::compat {

enum class Severity { kError, kWarning };

// "error" or "warning".
absl::string_view SeverityName(Severity severity);

struct Rule {
  absl::string_view id;
  Severity severity;
  absl::string_view doc;
};

// Rule IDs, spelled once for the checker (a typo is a compile error).
namespace rule_id {
inline constexpr absl::string_view kEnumValueNoDeleteUnlessNumberReserved =
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED";
inline constexpr absl::string_view kFieldNoDeleteUnlessNumberReserved =
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED";
inline constexpr absl::string_view kFieldSameDefault = "FIELD_SAME_DEFAULT";
inline constexpr absl::string_view kFieldSameOneof = "FIELD_SAME_ONEOF";
inline constexpr absl::string_view kFieldWireCompatibleCardinality =
    "FIELD_WIRE_COMPATIBLE_CARDINALITY";
inline constexpr absl::string_view kFieldWireCompatibleType = "FIELD_WIRE_COMPATIBLE_TYPE";
inline constexpr absl::string_view kFileSamePackage = "FILE_SAME_PACKAGE";
inline constexpr absl::string_view kMessageSameMessageSetWireFormat =
    "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT";
inline constexpr absl::string_view kMessageSameRequiredFields = "MESSAGE_SAME_REQUIRED_FIELDS";
inline constexpr absl::string_view kReservedEnumNoDelete = "RESERVED_ENUM_NO_DELETE";
inline constexpr absl::string_view kReservedMessageNoDelete = "RESERVED_MESSAGE_NO_DELETE";
inline constexpr absl::string_view kRpcSameClientStreaming = "RPC_SAME_CLIENT_STREAMING";
inline constexpr absl::string_view kRpcSameIdempotencyLevel = "RPC_SAME_IDEMPOTENCY_LEVEL";
inline constexpr absl::string_view kRpcSameRequestType = "RPC_SAME_REQUEST_TYPE";
inline constexpr absl::string_view kRpcSameResponseType = "RPC_SAME_RESPONSE_TYPE";
inline constexpr absl::string_view kRpcSameServerStreaming = "RPC_SAME_SERVER_STREAMING";
inline constexpr absl::string_view kReservedNumberReused = "RESERVED_NUMBER_REUSED";
inline constexpr absl::string_view kReservedNameReused = "RESERVED_NAME_REUSED";
inline constexpr absl::string_view kEnumValueSameName = "ENUM_VALUE_SAME_NAME";
inline constexpr absl::string_view kFieldSameName = "FIELD_SAME_NAME";
inline constexpr absl::string_view kSinceAnnotationMissing = "SINCE_ANNOTATION_MISSING";
inline constexpr absl::string_view kSinceAnnotationChanged = "SINCE_ANNOTATION_CHANGED";
inline constexpr absl::string_view kNewValueSinceNotNewer = "NEW_VALUE_SINCE_NOT_NEWER";
}  // namespace rule_id

// Every rule, sorted by ID.
const std::vector<Rule>& AllRules();

// The rule with this ID, or nullptr.
const Rule* FindRule(absl::string_view id);

}  // namespace raftlog::wire::compat

#endif  // RAFTLOG_WIRE_COMPAT_RULES_H_
