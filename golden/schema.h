// A release's wire schema reached by name through the generated descriptor
// pool ("raftlog.wire.<tag>.<Message>"), so that nothing in golden/ names a
// tag's C++ types. A tag's generated code is in the pool whenever the binary
// links the tag's release (//versions:registry does).
#ifndef RAFTLOG_GOLDEN_SCHEMA_H_
#define RAFTLOG_GOLDEN_SCHEMA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace raftlog::golden {

// "raftlog.wire.<tag>".
std::string WirePackage(absl::string_view tag);

// "<package>.<name>" from the generated pool; nullptr when not linked.
const google::protobuf::Descriptor* FindWireMessage(absl::string_view tag,
                                                    absl::string_view name);

// Parses `bytes` as "<package>.<name>". kNotFound when the message is not
// linked; kDataLoss when the bytes do not parse.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseWire(absl::string_view tag,
                                                                     absl::string_view name,
                                                                     absl::string_view bytes);

// The names of the tag's MessageType values except 0 (unspecified), in
// number order: the message types a node of the tag may send.
std::vector<std::string> MessageTypeValues(absl::string_view tag);

// The name of the envelope's `type` value, "#<n>" for a number the schema
// does not name, "" when the message has no `type` enum field.
std::string TypeValueName(const google::protobuf::Message& envelope);

// Text format, one field per line, fields in number order (deterministic).
std::string ToText(const google::protobuf::Message& message);

// Distinct set-field paths, recursively, with enum values spelled out
// ("append_entries.entries.type=ENTRY_TYPE_CONFIG"): how much of the schema a
// sample exercises. Sorted.
std::vector<std::string> FieldPaths(const google::protobuf::Message& message);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_SCHEMA_H_
