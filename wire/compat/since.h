// Reading the since-annotations of wire/options.proto
// (raftlog.wire.message_since = 51001, field_since = 51002, value_since =
// 51003, enum_since = 51004) from descriptors.
//
// The values are read from the serialized options by field number, not via
// the generated extension: a descriptor pool built from a FileDescriptorSet
// keeps custom options as unknown fields unless options.pb.cc is linked and
// wire/options.proto was in the set. Reading raw bytes works in every case.
#ifndef RAFTLOG_WIRE_COMPAT_SINCE_H_
#define RAFTLOG_WIRE_COMPAT_SINCE_H_

#include <cstdint>
#include <optional>

#include "google/protobuf/descriptor.h"

namespace raftlog::wire::compat {

inline constexpr int kMessageSinceField = 51001;
inline constexpr int kFieldSinceField = 51002;
inline constexpr int kValueSinceField = 51003;
inline constexpr int kEnumSinceField = 51004;

// The annotation, or nullopt when absent. A present 0 is returned as 0 (the
// checker treats it as missing: releases count from 1).
std::optional<uint64_t> SinceOf(const google::protobuf::Descriptor* message);
std::optional<uint64_t> SinceOf(const google::protobuf::FieldDescriptor* field);
std::optional<uint64_t> SinceOf(const google::protobuf::EnumDescriptor* enum_type);
std::optional<uint64_t> SinceOf(const google::protobuf::EnumValueDescriptor* value);

// Reads varint field `number` from the serialized `options` (last one wins).
std::optional<uint64_t> VarintOption(const google::protobuf::Message& options, int number);

}  // namespace raftlog::wire::compat

#endif  // RAFTLOG_WIRE_COMPAT_SINCE_H_
