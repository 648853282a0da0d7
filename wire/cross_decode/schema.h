// Each tag's wire schema, reached by name through the generated descriptor
// pool: no C++ type of any tag appears here, so the corpus code works for
// every tag the registry links without naming one.
//
// The convention it relies on (ARCHITECTURE.md "Tags and cutting a release", scripts/cut_release.sh): tag T's
// schema lives in proto package "raftlog.wire.T", its envelope is
// "raftlog.wire.T.Message", which has an enum field `type` of type
// "raftlog.wire.T.MessageType" whose value 0 means "unspecified". A tag's
// generated code is in the pool whenever the binary links that tag's release
// (the release's node decodes with it); //wire/cross_decode:schemas also
// links every cc_proto_library explicitly.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_SCHEMA_H_
#define RAFTLOG_WIRE_CROSS_DECODE_SCHEMA_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace raftlog::wire::cross_decode {

// "raftlog.wire.<tag>": the only place that derives a package from a tag.
std::string WirePackage(absl::string_view tag);

// The tag's envelope ("<package>.Message") and its type enum
// ("<package>.MessageType"), or nullptr when the binary does not link them.
const google::protobuf::Descriptor* EnvelopeDescriptor(absl::string_view tag);
const google::protobuf::EnumDescriptor* MessageTypeEnum(absl::string_view tag);

// Every value of the tag's MessageType except number 0 (unspecified), in
// declaration order: the message types a node of the tag may send.
std::vector<const google::protobuf::EnumValueDescriptor*> SendableTypes(absl::string_view tag);

// Parses `bytes` with the tag's generated envelope. nullptr when the tag's
// envelope is not linked or the bytes do not parse.
std::unique_ptr<google::protobuf::Message> ParseEnvelope(absl::string_view tag,
                                                         absl::string_view bytes);

// The name of the envelope's `type` value ("MESSAGE_TYPE_APPEND_ENTRIES"), or
// "#<number>" for a number the schema does not name, or "" without a `type`
// enum field.
std::string TypeValueName(const google::protobuf::Message& envelope);

// Which fields are set, recursively, with enum values and true booleans
// spelled out ("append_entries.entries.type=ENTRY_TYPE_CONFIG"), sorted and
// joined by ' '. Two messages of one shape exercise the same decode paths;
// the capture keeps samples of distinct shapes first.
std::string Shape(const google::protobuf::Message& message);

// Serialized UnknownFieldSet of every sub-message that has unknown fields,
// keyed by field path ("", "append_entries", "append_entries.entries[2]").
std::map<std::string, std::string> UnknownFieldsByPath(const google::protobuf::Message& message);

// Clears unknown fields everywhere in `message`: what the tag itself reads.
void DiscardUnknown(google::protobuf::Message* message);

// Decoding `bytes` (sent by `sender`) through `receiver`'s generated schema:
//  - it parses with the receiver's envelope;
//  - the receiver's re-serialization, parsed again by the receiver, has the
//    same unknown fields byte for byte, per path (unknown fields survive);
//  - the re-serialization, parsed by the SENDER's schema, equals the original
//    under the sender's schema (nothing the sender wrote was lost or
//    changed), and for a same-tag pair it equals the input bytes or, when the
//    bytes differ, the message is semantically equal.
struct SchemaVerdict {
  bool ok = false;
  std::string detail;        // why not ok; for ok: "exact" or "semantically equal"
  size_t unknown_paths = 0;  // sub-messages carrying unknown fields (receiver's view)
};
SchemaVerdict CheckSchemaDecode(absl::string_view sender, absl::string_view receiver,
                                absl::string_view bytes);

}  // namespace raftlog::wire::cross_decode

#endif  // RAFTLOG_WIRE_CROSS_DECODE_SCHEMA_H_
