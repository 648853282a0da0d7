// The declared table of bytes fields whose content the minimum-version walk
// must look inside, because protobuf reflection alone sees only bytes.
//
// Kinds of rule:
//  - nested message: `Entry.data` holds a serialized Command, ConfigChange
//    or ClusterVersionChange depending on `Entry.type`. The table maps each
//    value of the selector enum to the payload message, or to "no payload"
//    (the bytes are opaque, e.g. a NOOP entry).
//  - snapshot format field: `InstallSnapshot.format` names a snapshot format,
//    which only releases from the format's first reader on can read
//    (snapshots/codec.h's registry).
//  - protocol version field: `Message.protocol_version` = N is refused by
//    every release below vN (a v1 receiver refuses anything but 1).
//  - cluster version field: `ClusterVersionChange.version` = N sets the
//    cluster version to N; a release below vN cannot serve a cluster at
//    version N. The last one set (in log order) is in effect, so a later
//    downgrade entry lowers the requirement again (message.h, log.h).
// Value fields that are absent (proto3 zero) say nothing.
//
// Names are relative to the package of the message being walked, so one
// table serves every tag (raftlog.wire.v1, raftlog.wire.v2, ...). A rule whose
// message does not exist in a package is inert there; a rule whose message
// exists but whose fields do not fit (no such field, wrong type) is an error,
// as is a selector value the rule does not declare while the bytes are set:
// the walk never guesses what bytes hold.
//
// Adding an entry type to wire/<tag>/raft.proto: add its case here (the
// coverage test in payloads_test.cc fails until you do).
#ifndef RAFTLOG_WIRE_MINVER_PAYLOADS_H_
#define RAFTLOG_WIRE_MINVER_PAYLOADS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"

namespace raftlog::wire::minver {

struct PayloadCase {
  std::string selector_value;  // enum value name, e.g. "ENTRY_TYPE_COMMAND"
  std::string payload_type;    // message name relative to the package; "" = opaque
};

struct NestedMessageRule {
  std::string message;         // e.g. "Entry"
  std::string bytes_field;     // e.g. "data": singular bytes
  std::string selector_field;  // e.g. "type": singular enum of the same message
  std::vector<PayloadCase> cases;
};

// A field whose value is a number the reader must support.
struct ValueFieldRule {
  std::string message;  // e.g. "InstallSnapshot"
  std::string field;    // e.g. "format": singular unsigned integer
};

struct PayloadTable {
  std::vector<NestedMessageRule> nested;
  std::vector<ValueFieldRule> snapshot_formats;
  std::vector<ValueFieldRule> protocol_versions;
  std::vector<ValueFieldRule> cluster_versions;
};

// The table for the raftlog wire schemas (every tag).
const PayloadTable& WirePayloads();

// The message name of `d` relative to its file's package ("Entry",
// "Outer.Inner").
std::string RelativeName(const google::protobuf::Descriptor* d);

// A rule resolved against one concrete message type.
struct ResolvedNestedRule {
  const NestedMessageRule* rule = nullptr;
  const google::protobuf::FieldDescriptor* bytes_field = nullptr;
  const google::protobuf::FieldDescriptor* selector_field = nullptr;
};

// The nested-message rule of `table` that applies to `d`: nullopt-like
// (rule == nullptr) when none names it; kInternal when one names it but its
// fields do not fit `d` (missing, repeated, wrong type).
absl::StatusOr<ResolvedNestedRule> ResolveNestedRule(const PayloadTable& table,
                                                     const google::protobuf::Descriptor* d);

// The payload type for `selector_value` under `rule`, looked up in `d`'s
// package: nullptr for an opaque case. kNotFound when the rule declares no
// case for the value, or names a payload type the package does not have.
absl::StatusOr<const google::protobuf::Descriptor*> PayloadTypeFor(
    const ResolvedNestedRule& resolved, const google::protobuf::Descriptor* d,
    const google::protobuf::EnumValueDescriptor* selector_value);

// The field of `rules` that applies to `d`, or nullptr; kInternal when a rule
// names `d` but the field does not fit (missing, repeated, not unsigned).
// One rule per message per list.
absl::StatusOr<const google::protobuf::FieldDescriptor*> ResolveValueField(
    const std::vector<ValueFieldRule>& rules, const google::protobuf::Descriptor* d);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_PAYLOADS_H_
