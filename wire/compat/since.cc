#include "wire/compat/since.h"

#include <string>

#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/unknown_field_set.h"

namespace raftlog::wire::compat {

std::optional<uint64_t> VarintOption(const google::protobuf::Message& options, int number) {
  std::string bytes;
  if (!options.SerializeToString(&bytes)) return std::nullopt;
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) return std::nullopt;
  std::optional<uint64_t> value;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.number() == number && field.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      value = field.varint();
    }
  }
  return value;
}

std::optional<uint64_t> SinceOf(const google::protobuf::Descriptor* message) {
  return VarintOption(message->options(), kMessageSinceField);
}
std::optional<uint64_t> SinceOf(const google::protobuf::FieldDescriptor* field) {
  return VarintOption(field->options(), kFieldSinceField);
}
std::optional<uint64_t> SinceOf(const google::protobuf::EnumDescriptor* enum_type) {
  return VarintOption(enum_type->options(), kEnumSinceField);
}
std::optional<uint64_t> SinceOf(const google::protobuf::EnumValueDescriptor* value) {
  return VarintOption(value->options(), kValueSinceField);
}

}  // namespace raftlog::wire::compat
