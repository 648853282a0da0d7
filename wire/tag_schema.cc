#include "wire/tag_schema.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace raftlog::wire {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

std::string WirePackage(absl::string_view tag) { return absl::StrCat("raftlog.wire.", tag); }

const Descriptor* FindWireMessage(absl::string_view tag, absl::string_view name) {
  return DescriptorPool::generated_pool()->FindMessageTypeByName(
      absl::StrCat(WirePackage(tag), ".", name));
}

const Descriptor* EnvelopeDescriptor(absl::string_view tag) {
  return FindWireMessage(tag, "Message");
}

const EnumDescriptor* MessageTypeEnum(absl::string_view tag) {
  return DescriptorPool::generated_pool()->FindEnumTypeByName(
      absl::StrCat(WirePackage(tag), ".MessageType"));
}

std::vector<const EnumValueDescriptor*> SendableTypes(absl::string_view tag) {
  std::vector<const EnumValueDescriptor*> out;
  const EnumDescriptor* e = MessageTypeEnum(tag);
  if (e == nullptr) return out;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) out.push_back(e->value(i));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Message>> ParseWire(absl::string_view tag, absl::string_view name,
                                                   absl::string_view bytes) {
  const Descriptor* d = FindWireMessage(tag, name);
  const Message* prototype =
      d == nullptr ? nullptr : MessageFactory::generated_factory()->GetPrototype(d);
  if (prototype == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(WirePackage(tag), ".", name, " is not linked into this binary"));
  }
  std::unique_ptr<Message> m(prototype->New());
  if (!m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat(bytes.size(), " bytes do not parse as ", d->full_name()));
  }
  return m;
}

std::string TypeValueName(const Message& envelope) {
  const FieldDescriptor* f = envelope.GetDescriptor()->FindFieldByName("type");
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM || f->is_repeated()) {
    return "";
  }
  const int number = envelope.GetReflection()->GetEnumValue(envelope, f);
  const EnumValueDescriptor* value = f->enum_type()->FindValueByNumber(number);
  return value != nullptr ? value->name() : absl::StrCat("#", number);
}

}  // namespace raftlog::wire
