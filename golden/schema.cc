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

std::vector<std::string> MessageTypeValues(absl::string_view tag) {
  std::vector<std::string> out;
  std::vector<std::pair<int, std::string>> values;
  for (const auto* v : wire::SendableTypes(tag)) values.emplace_back(v->number(), v->name());
  std::sort(values.begin(), values.end());
  for (auto& [number, name] : values) out.push_back(std::move(name));
  return out;
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
