#include "golden/schema.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"

namespace raftlog::golden {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MessageFactory;
using google::protobuf::Reflection;

void CollectPaths(const Message& m, const std::string& prefix, std::set<std::string>* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    out->insert(path);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          CollectPaths(r->GetRepeatedMessage(m, f, i), path, out);
        }
      } else {
        CollectPaths(r->GetMessage(m, f), path, out);
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          out->insert(absl::StrCat(path, "=", r->GetRepeatedEnum(m, f, i)->name()));
        }
      } else {
        out->insert(absl::StrCat(path, "=", r->GetEnum(m, f)->name()));
      }
    }
  }
}

}  // namespace

std::string WirePackage(absl::string_view tag) { return absl::StrCat("raftlog.wire.", tag); }

const Descriptor* FindWireMessage(absl::string_view tag, absl::string_view name) {
  return DescriptorPool::generated_pool()->FindMessageTypeByName(
      absl::StrCat(WirePackage(tag), ".", name));
}

absl::StatusOr<std::unique_ptr<Message>> ParseWire(absl::string_view tag, absl::string_view name,
                                                   absl::string_view bytes) {
  const Descriptor* d = FindWireMessage(tag, name);
  if (d == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(WirePackage(tag), ".", name, " is not linked into this binary"));
  }
  const Message* prototype = MessageFactory::generated_factory()->GetPrototype(d);
  std::unique_ptr<Message> m(prototype->New());
  if (!m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat(bytes.size(), " bytes do not parse as ", d->full_name()));
  }
  return m;
}

std::vector<std::string> MessageTypeValues(absl::string_view tag) {
  std::vector<std::string> out;
  const EnumDescriptor* e = DescriptorPool::generated_pool()->FindEnumTypeByName(
      absl::StrCat(WirePackage(tag), ".MessageType"));
  if (e == nullptr) return out;
  std::vector<std::pair<int, std::string>> values;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) values.emplace_back(e->value(i)->number(), e->value(i)->name());
  }
  std::sort(values.begin(), values.end());
  for (auto& [number, name] : values) out.push_back(std::move(name));
  return out;
}

std::string TypeValueName(const Message& envelope) {
  const FieldDescriptor* f = envelope.GetDescriptor()->FindFieldByName("type");
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM || f->is_repeated()) {
    return "";
  }
  const int number = envelope.GetReflection()->GetEnumValue(envelope, f);
  const auto* value = f->enum_type()->FindValueByNumber(number);
  return value != nullptr ? value->name() : absl::StrCat("#", number);
}

std::string ToText(const Message& message) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(false);
  printer.SetUseShortRepeatedPrimitives(false);
  std::string out;
  printer.PrintToString(message, &out);
  return out;
}

std::vector<std::string> FieldPaths(const Message& message) {
  std::set<std::string> paths;
  CollectPaths(message, "", &paths);
  return {paths.begin(), paths.end()};
}

}  // namespace raftlog::golden
