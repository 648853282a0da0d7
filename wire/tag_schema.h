// A tag's wire schema reached by name through the generated descriptor pool,
// so that code serving every tag names none of their C++ types.
//
// The convention it relies on (ARCHITECTURE.md "Tags and cutting a release",
// scripts/cut_release.sh): tag T's schema lives in proto package
// "raftlog.wire.T"; its envelope is "raftlog.wire.T.Message", which has an
// enum field `type` of type "raftlog.wire.T.MessageType" whose value 0 means
// "unspecified". A tag's generated code is in the pool whenever the binary
// links that tag's release (its node decodes with it).
#ifndef RAFTLOG_WIRE_TAG_SCHEMA_H_
#define RAFTLOG_WIRE_TAG_SCHEMA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace raftlog::wire {

// "raftlog.wire.<tag>": the only place that derives a package from a tag.
std::string WirePackage(absl::string_view tag);

// "<package>.<name>" from the generated pool; nullptr when not linked.
const google::protobuf::Descriptor* FindWireMessage(absl::string_view tag,
                                                    absl::string_view name);
// The tag's envelope ("<package>.Message") and its type enum
// ("<package>.MessageType"), or nullptr when the binary does not link them.
const google::protobuf::Descriptor* EnvelopeDescriptor(absl::string_view tag);
const google::protobuf::EnumDescriptor* MessageTypeEnum(absl::string_view tag);

// Every value of the tag's MessageType except number 0 (unspecified), in
// declaration order: the message types a node of the tag may send.
std::vector<const google::protobuf::EnumValueDescriptor*> SendableTypes(absl::string_view tag);

// Parses `bytes` as "<package>.<name>". kNotFound when the message is not
// linked; kDataLoss when the bytes do not parse.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseWire(absl::string_view tag,
                                                                     absl::string_view name,
                                                                     absl::string_view bytes);

// The name of the envelope's `type` value ("MESSAGE_TYPE_APPEND_ENTRIES"),
// "#<number>" for a number the schema does not name, "" when the message has
// no `type` enum field.
std::string TypeValueName(const google::protobuf::Message& envelope);

}  // namespace raftlog::wire

#endif  // RAFTLOG_WIRE_TAG_SCHEMA_H_
