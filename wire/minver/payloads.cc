#include "wire/minver/payloads.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace raftlog::wire::minver {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;

const PayloadTable& WirePayloads() {
  // wire/<tag>/raft.proto, EntryType: what Entry.data holds for each type.
  static const PayloadTable* const kTable = new PayloadTable{
      /*nested=*/{
          {"Entry",
           "data",
           "type",
           {
               // An entry of an unspecified type carries nothing a reader
               // interprets; its bytes (if any) are opaque.
               {"ENTRY_TYPE_UNSPECIFIED", ""},
               {"ENTRY_TYPE_NOOP", ""},
               {"ENTRY_TYPE_COMMAND", "Command"},
               {"ENTRY_TYPE_CONFIG", "ConfigChange"},
               // v2: the replicated cluster version (finalize, downgrade).
               {"ENTRY_TYPE_CLUSTER_VERSION", "ClusterVersionChange"},
           }},
      },
      /*snapshot_formats=*/
      {
          {"InstallSnapshot", "format"},
          {"InstallSnapshotChunk", "format"},  // v2
      },
      /*protocol_versions=*/
      {
          {"Message", "protocol_version"},
      },
      /*cluster_versions=*/
      {
          {"ClusterVersionChange", "version"},  // v2
      },
  };
  return *kTable;
}

std::string RelativeName(const Descriptor* d) {
  const std::string& package = d->file()->package();
  if (package.empty()) return d->full_name();
  return d->full_name().substr(package.size() + 1);
}

absl::StatusOr<ResolvedNestedRule> ResolveNestedRule(const PayloadTable& table,
                                                     const Descriptor* d) {
  const std::string name = RelativeName(d);
  for (const NestedMessageRule& rule : table.nested) {
    if (rule.message != name) continue;
    ResolvedNestedRule resolved;
    resolved.rule = &rule;
    resolved.bytes_field = d->FindFieldByName(rule.bytes_field);
    resolved.selector_field = d->FindFieldByName(rule.selector_field);
    const FieldDescriptor* b = resolved.bytes_field;
    const FieldDescriptor* s = resolved.selector_field;
    if (b == nullptr || b->is_repeated() || b->type() != FieldDescriptor::TYPE_BYTES) {
      return absl::InternalError(absl::StrCat("payload table: ", d->full_name(), " has no singular bytes field \"",
                                              rule.bytes_field, "\" (rule ", rule.message, ".",
                                              rule.bytes_field, ")"));
    }
    if (s == nullptr || s->is_repeated() || s->type() != FieldDescriptor::TYPE_ENUM) {
      return absl::InternalError(absl::StrCat("payload table: ", d->full_name(), " has no singular enum field \"",
                                              rule.selector_field, "\" (rule ", rule.message, ".",
                                              rule.bytes_field, ")"));
    }
    return resolved;
  }
  return ResolvedNestedRule{};
}

absl::StatusOr<const Descriptor*> PayloadTypeFor(const ResolvedNestedRule& resolved,
                                                 const Descriptor* d,
                                                 const EnumValueDescriptor* selector_value) {
  const NestedMessageRule& rule = *resolved.rule;
  for (const PayloadCase& c : rule.cases) {
    if (c.selector_value != selector_value->name()) continue;
    if (c.payload_type.empty()) return static_cast<const Descriptor*>(nullptr);
    const std::string& package = d->file()->package();
    const std::string full =
        package.empty() ? c.payload_type : absl::StrCat(package, ".", c.payload_type);
    const Descriptor* payload = d->file()->pool()->FindMessageTypeByName(full);
    if (payload == nullptr) {
      return absl::NotFoundError(absl::StrCat("payload table: ", rule.message, ".", rule.bytes_field,
                                              " of type ", selector_value->name(), " holds a ",
                                              c.payload_type, ", but package ", package,
                                              " has no message ", full));
    }
    return payload;
  }
  return absl::NotFoundError(absl::StrCat(
      "payload table declares nothing for ", rule.message, ".", rule.bytes_field, " when ",
      rule.selector_field, " is ", selector_value->name(), " (", d->full_name(),
      "): declare its payload type in wire/minver/payloads.cc"));
}

absl::StatusOr<const FieldDescriptor*> ResolveValueField(const std::vector<ValueFieldRule>& rules,
                                                         const Descriptor* d) {
  const std::string name = RelativeName(d);
  for (const ValueFieldRule& rule : rules) {
    if (rule.message != name) continue;
    const FieldDescriptor* f = d->FindFieldByName(rule.field);
    if (f == nullptr || f->is_repeated() ||
        (f->cpp_type() != FieldDescriptor::CPPTYPE_UINT32 &&
         f->cpp_type() != FieldDescriptor::CPPTYPE_UINT64)) {
      return absl::InternalError(absl::StrCat("payload table: ", d->full_name(),
                                              " has no singular unsigned field \"", rule.field,
                                              "\" (value rule ", rule.message, ".", rule.field,
                                              ")"));
    }
    return f;
  }
  return static_cast<const FieldDescriptor*>(nullptr);
}

}  // namespace raftlog::wire::minver
