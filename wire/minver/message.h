// The minimum release able to read one protobuf message of a wire schema.
//
// The walk uses reflection only, so it works for every tag's generated
// classes and for dynamic messages alike. It visits what is present on the
// wire and nothing else:
//  - the message type itself (message_since), for the root and every nested
//    message reached;
//  - every set field (field_since): Reflection::ListFields, so a proto3
//    scalar equal to its default, an empty repeated field or an unset oneof
//    case is not present and needs no reader;
//  - every enum value used (value_since; enum_since too when the enum has
//    it), singular or repeated;
//  - submessages, repeated submessages, oneof cases and map values,
//    recursively (map entries are synthesized: they and their key/value
//    fields carry no annotation and need none);
//  - bytes declared in the payload table (payloads.h) to hold a nested
//    message (Entry.data by Entry.type);
//  - values declared in the payload table to be numbers a reader must
//    support: a snapshot format (InstallSnapshot.format: its first reader),
//    a protocol version (Message.protocol_version = N: vN), a cluster
//    version set (ClusterVersionChange.version = N: vN, the last one set
//    in walk order, so a later downgrade entry lowers it).
// The result is the largest over all of them, with the first element (in
// field-number order; map entries by key) that reaches it.
//
// Errors (never a silent default):
//  - kNotFound: an element present in the data has no since annotation, or
//    0 (releases count from 1), or the payload table declares nothing for an
//    entry type whose bytes are set; the message names the element.
//  - kUnimplemented: the data holds what this schema does not know (unknown
//    fields, an unknown enum number, an unknown snapshot format): it was
//    written by a newer release, so no bound can be given from this schema.
//  - kDataLoss: declared nested bytes do not parse as their payload type.
//  - kInvalidArgument: nested payloads deeper than kMaxPayloadDepth, or a
//    declared version field whose value is no release number.
//  - kInternal: a payload-table rule does not fit the schema.
#ifndef RAFTLOG_WIRE_MINVER_MESSAGE_H_
#define RAFTLOG_WIRE_MINVER_MESSAGE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "wire/minver/payloads.h"
#include "wire/minver/requirement.h"

namespace raftlog::wire::minver {

// Bytes-in-bytes nesting allowed (Entry.data holding a message that again
// holds declared bytes ...). Real schemas nest once.
inline constexpr int kMaxPayloadDepth = 16;

// `where` paths start with the root's name relative to its package
// ("Message.append_entries.entries[0].data<Command>.op"), prefixed by
// `where_prefix` when given.
absl::StatusOr<MinRelease> MinReleaseForMessage(const google::protobuf::Message& message);
absl::StatusOr<MinRelease> MinReleaseForMessage(const google::protobuf::Message& message,
                                                const PayloadTable& table,
                                                absl::string_view where_prefix = "");

// Parses `bytes` as a `type` message (generated or from any descriptor pool)
// and walks it. kDataLoss when the bytes do not parse.
absl::StatusOr<MinRelease> MinReleaseForBytes(const google::protobuf::Descriptor* type,
                                              absl::string_view bytes,
                                              absl::string_view where_prefix = "");

// The walk's two findings kept apart, for callers that fold several messages
// (log.h): everything but the cluster version, and the last cluster version
// set (release = the version), which a later message may lower again.
struct Walked {
  MinRelease min;
  std::optional<MinRelease> cluster_version;
};
absl::StatusOr<Walked> WalkMessage(const google::protobuf::Message& message,
                                   const PayloadTable& table, absl::string_view where_prefix);
absl::StatusOr<Walked> WalkBytes(const google::protobuf::Descriptor* type, absl::string_view bytes,
                                 const PayloadTable& table, absl::string_view where_prefix);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_MESSAGE_H_
