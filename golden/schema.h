// What the goldens need of a release's wire schema beyond reaching it by name
// (wire/tag_schema.h, so that nothing in golden/ names a tag's C++ types):
// the declared message types, a deterministic text form and field coverage.
#ifndef RAFTLOG_GOLDEN_SCHEMA_H_
#define RAFTLOG_GOLDEN_SCHEMA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "wire/tag_schema.h"

namespace raftlog::golden {

// A tag's schema by name: wire/tag_schema.h.
using ::raftlog::wire::FindWireMessage;
using ::raftlog::wire::ParseWire;
using ::raftlog::wire::TypeValueName;
using ::raftlog::wire::WirePackage;

// The names of the tag's MessageType values except 0 (unspecified), in
// number order: the message types a node of the tag may send.
std::vector<std::string> MessageTypeValues(absl::string_view tag);

// Text format, one field per line, fields in number order (deterministic).
std::string ToText(const google::protobuf::Message& message);

// Distinct set-field paths, recursively, with enum values spelled out
// ("append_entries.entries.type=ENTRY_TYPE_CONFIG"): how much of the schema a
// sample exercises. Sorted.
std::vector<std::string> FieldPaths(const google::protobuf::Message& message);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_SCHEMA_H_
