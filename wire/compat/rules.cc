#include "wire/compat/rules.h"

#include <algorithm>

namespace raftlog::wire::compat {

absl::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

namespace {

std::vector<Rule> MakeTable() {
  using namespace rule_id;  // NOLINT: the table reads better with bare IDs.
  constexpr Severity E = Severity::kError;
  constexpr Severity W = Severity::kWarning;
  std::vector<Rule> rules = {
      // buf breaking, WIRE category.
      {kEnumValueNoDeleteUnlessNumberReserved, E,
       "an enum value is not deleted unless its number is reserved"},
      {kFieldNoDeleteUnlessNumberReserved, E,
       "a field is not deleted unless its number is reserved"},
      {kFieldSameDefault, E,
       "a singular scalar or enum field keeps its default value (explicit or the first enum value)"},
      {kFieldSameOneof, E, "a field does not move into, out of, or between oneofs"},
      {kFieldWireCompatibleCardinality, E,
       "a field keeps a wire-compatible cardinality (optional, required, repeated/map)"},
      {kFieldWireCompatibleType, E,
       "a field keeps a wire-compatible type (int32/int64/uint32/uint64/bool; sint32/sint64; "
       "fixed32/sfixed32; fixed64/sfixed64; string->bytes; same message; enum superset)"},
      {kFileSamePackage, E,
       "a file keeps its package; only the tag suffix may differ (raftlog.wire.v1 -> "
       "raftlog.wire.v2)"},
      {kMessageSameMessageSetWireFormat, E, "a message keeps its message_set_wire_format option"},
      {kMessageSameRequiredFields, E, "a message neither gains nor loses required fields"},
      {kReservedEnumNoDelete, E, "an enum keeps every reserved number and name"},
      {kReservedMessageNoDelete, E, "a message keeps every reserved number and name"},
      {kRpcSameClientStreaming, E, "an RPC keeps its client streaming"},
      {kRpcSameIdempotencyLevel, E, "an RPC keeps its idempotency_level option"},
      {kRpcSameRequestType, E, "an RPC keeps its request type"},
      {kRpcSameResponseType, E, "an RPC keeps its response type"},
      {kRpcSameServerStreaming, E, "an RPC keeps its server streaming"},
      // Project rules.
      {kReservedNumberReused, E,
       "a number the old tag reserved is not used by a field or enum value of the new tag"},
      {kReservedNameReused, E,
       "a name the old tag reserved is not used by a field or enum value of the new tag"},
      {kEnumValueSameName, E, "an enum value number keeps its name (a new alias is fine)"},
      {kFieldSameName, W, "a field number keeps its name (harmless on the wire, not in text/JSON)"},
      {kSinceAnnotationMissing, E,
       "every message, field and enum value of the new tag carries a since annotation >= 1"},
      {kSinceAnnotationChanged, E,
       "a message, enum, field or enum value keeps the since annotation it shipped with"},
      {kNewValueSinceNotNewer, E,
       "a message, enum, field or enum value added in the new tag has since > every since of "
       "the old tag"},
  };
  std::sort(rules.begin(), rules.end(),
            [](const Rule& a, const Rule& b) { return a.id < b.id; });
  return rules;
}

}  // namespace

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule>* const kRules = new std::vector<Rule>(MakeTable());
  return *kRules;
}

const Rule* FindRule(absl::string_view id) {
  const std::vector<Rule>& rules = AllRules();
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const Rule& r, absl::string_view v) { return r.id < v; });
  if (it == rules.end() || it->id != id) return nullptr;
  return &*it;
}

}  // namespace raftlog::wire::compat
