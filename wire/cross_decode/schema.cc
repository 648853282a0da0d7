#include "wire/cross_decode/schema.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/message_differencer.h"

namespace raftlog::wire::cross_decode {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MessageFactory;
using google::protobuf::Reflection;

std::string EnumValueName(const EnumDescriptor* e, int number) {
  const EnumValueDescriptor* v = e->FindValueByNumber(number);
  return v != nullptr ? v->name() : absl::StrCat("#", number);
}

void ShapeOf(const Message& m, const std::string& prefix, std::set<std::string>* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string name = prefix + f->name();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        out->insert(name);
        if (f->is_repeated()) {
          for (int i = 0; i < r->FieldSize(m, f); ++i) {
            ShapeOf(r->GetRepeatedMessage(m, f, i), name + ".", out);
          }
        } else {
          ShapeOf(r->GetMessage(m, f), name + ".", out);
        }
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        if (f->is_repeated()) {
          for (int i = 0; i < r->FieldSize(m, f); ++i) {
            out->insert(absl::StrCat(
                name, "=", EnumValueName(f->enum_type(), r->GetRepeatedEnumValue(m, f, i))));
          }
        } else {
          out->insert(
              absl::StrCat(name, "=", EnumValueName(f->enum_type(), r->GetEnumValue(m, f))));
        }
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (!f->is_repeated()) {
          out->insert(absl::StrCat(name, "=", r->GetBool(m, f) ? "true" : "false"));
          break;
        }
        out->insert(name);
        break;
      default:
        out->insert(name);
        break;
    }
  }
  if (!r->GetUnknownFields(m).empty()) out->insert(prefix + "?unknown");
}

void CollectUnknown(const Message& m, const std::string& path,
                    std::map<std::string, std::string>* out) {
  const Reflection* r = m.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = r->GetUnknownFields(m);
  if (!unknown.empty()) {
    std::string bytes;
    unknown.SerializeToString(&bytes);
    (*out)[path] = std::move(bytes);
  }
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string name = path.empty() ? f->name() : absl::StrCat(path, ".", f->name());
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        CollectUnknown(r->GetRepeatedMessage(m, f, i), absl::StrCat(name, "[", i, "]"), out);
      }
    } else {
      CollectUnknown(r->GetMessage(m, f), name, out);
    }
  }
}

}  // namespace

std::unique_ptr<Message> ParseEnvelope(absl::string_view tag, absl::string_view bytes) {
  absl::StatusOr<std::unique_ptr<Message>> m = wire::ParseWire(tag, "Message", bytes);
  return m.ok() ? std::move(*m) : nullptr;
}

std::string Shape(const Message& message) {
  std::set<std::string> parts;
  ShapeOf(message, "", &parts);
  return absl::StrJoin(parts, " ");
}

std::map<std::string, std::string> UnknownFieldsByPath(const Message& message) {
  std::map<std::string, std::string> out;
  CollectUnknown(message, "", &out);
  return out;
}

void DiscardUnknown(Message* message) { message->DiscardUnknownFields(); }

SchemaVerdict CheckSchemaDecode(absl::string_view sender, absl::string_view receiver,
                                absl::string_view bytes) {
  SchemaVerdict v;
  if (EnvelopeDescriptor(receiver) == nullptr) {
    v.detail = absl::StrCat("no envelope ", WirePackage(receiver), ".Message linked");
    return v;
  }
  std::unique_ptr<Message> parsed = ParseEnvelope(receiver, bytes);
  if (parsed == nullptr) {
    v.detail =
        absl::StrCat(WirePackage(receiver), ".Message does not parse ", bytes.size(), " bytes");
    return v;
  }
  const std::map<std::string, std::string> unknown = UnknownFieldsByPath(*parsed);
  v.unknown_paths = unknown.size();
  const std::string reencoded = parsed->SerializeAsString();
  std::unique_ptr<Message> again = ParseEnvelope(receiver, reencoded);
  if (again == nullptr) {
    v.detail = "the receiver's own re-encoding does not parse";
    return v;
  }
  if (UnknownFieldsByPath(*again) != unknown) {
    v.detail = "unknown fields changed in a parse/serialize round trip";
    return v;
  }
  // The sender's view of the original and of the round-tripped bytes.
  std::unique_ptr<Message> original = ParseEnvelope(sender, bytes);
  std::unique_ptr<Message> round_trip = ParseEnvelope(sender, reencoded);
  if (original == nullptr) {
    v.detail =
        absl::StrCat("the sender's schema ", WirePackage(sender), " does not parse its own bytes");
    return v;
  }
  if (round_trip == nullptr) {
    v.detail = absl::StrCat("the sender's schema does not parse the re-encoding by ", receiver);
    return v;
  }
  if (!google::protobuf::util::MessageDifferencer::Equals(*original, *round_trip)) {
    v.detail = absl::StrCat("the re-encoding by ", receiver, " changed what ", sender, " wrote");
    return v;
  }
  v.ok = true;
  v.detail = reencoded == bytes ? "exact" : "semantically equal";
  return v;
}

}  // namespace raftlog::wire::cross_decode
