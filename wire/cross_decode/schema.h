// The schema half of the cross-version decode check: message shapes, unknown
// fields, and the verdict of one tag's bytes decoded by another tag's schema.
// Each tag's schema is reached by name (wire/tag_schema.h): no C++ type of any
// tag appears here; //wire/cross_decode:schemas links every cc_proto_library.
#ifndef RAFTLOG_WIRE_CROSS_DECODE_SCHEMA_H_
#define RAFTLOG_WIRE_CROSS_DECODE_SCHEMA_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "wire/tag_schema.h"

namespace raftlog::wire::cross_decode {

// A tag's schema by name: wire/tag_schema.h.
using ::raftlog::wire::EnvelopeDescriptor;
using ::raftlog::wire::MessageTypeEnum;
using ::raftlog::wire::SendableTypes;
using ::raftlog::wire::TypeValueName;
using ::raftlog::wire::WirePackage;

// Parses `bytes` with the tag's generated envelope. nullptr when the tag's
// envelope is not linked or the bytes do not parse.
std::unique_ptr<google::protobuf::Message> ParseEnvelope(absl::string_view tag,
                                                         absl::string_view bytes);

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
