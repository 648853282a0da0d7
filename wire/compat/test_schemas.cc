#include "wire/compat/test_schemas.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "wire/options.pb.h"

namespace raftlog::wire::compat::testing {

namespace gp = ::google::protobuf;

namespace {

void AnnotateMessage(gp::DescriptorProto* m, uint64_t since) {
  if (m->options().map_entry()) return;
  if (!m->options().HasExtension(raftlog::wire::message_since)) {
    m->mutable_options()->SetExtension(raftlog::wire::message_since, since);
  }
  for (gp::FieldDescriptorProto& f : *m->mutable_field()) {
    if (!f.options().HasExtension(raftlog::wire::field_since)) {
      f.mutable_options()->SetExtension(raftlog::wire::field_since, since);
    }
  }
  for (gp::DescriptorProto& nested : *m->mutable_nested_type()) AnnotateMessage(&nested, since);
  for (gp::EnumDescriptorProto& e : *m->mutable_enum_type()) {
    for (gp::EnumValueDescriptorProto& v : *e.mutable_value()) {
      if (!v.options().HasExtension(raftlog::wire::value_since)) {
        v.mutable_options()->SetExtension(raftlog::wire::value_since, since);
      }
    }
  }
}

}  // namespace

std::string File(absl::string_view path, absl::string_view package, absl::string_view body,
                 absl::string_view syntax) {
  return absl::StrCat("name: \"", path, "\" package: \"", package, "\" syntax: \"", syntax,
                      "\" dependency: \"wire/options.proto\" ", body);
}

gp::FileDescriptorSet ParseSet(const std::vector<std::string>& files, uint64_t default_since) {
  gp::FileDescriptorSet set;
  for (const std::string& text : files) {
    gp::FileDescriptorProto* file = set.add_file();
    if (!gp::TextFormat::ParseFromString(text, file)) {
      std::fprintf(stderr, "test schema does not parse:\n%s\n", text.c_str());
      std::abort();
    }
    if (default_since == 0) continue;
    for (gp::DescriptorProto& m : *file->mutable_message_type()) AnnotateMessage(&m, default_since);
    for (gp::EnumDescriptorProto& e : *file->mutable_enum_type()) {
      for (gp::EnumValueDescriptorProto& v : *e.mutable_value()) {
        if (!v.options().HasExtension(raftlog::wire::value_since)) {
          v.mutable_options()->SetExtension(raftlog::wire::value_since, default_since);
        }
      }
    }
  }
  return set;
}

std::unique_ptr<Schema> SchemaOf(const std::vector<std::string>& files, uint64_t default_since) {
  absl::StatusOr<std::unique_ptr<Schema>> schema =
      Schema::FromBytes(ParseSet(files, default_since).SerializeAsString());
  if (!schema.ok()) {
    std::fprintf(stderr, "test schema does not load: %s\n",
                 std::string(schema.status().message()).c_str());
    std::abort();
  }
  return *std::move(schema);
}

std::vector<std::string> RuleIds(const CheckResult& result) {
  std::vector<std::string> ids;
  for (const Finding& f : result.findings) ids.push_back(f.rule_id);
  return ids;
}

std::string Describe(const CheckResult& result) {
  std::string out;
  for (const Finding& f : result.findings) {
    absl::StrAppend(&out, f.rule_id, " ", f.file, " ", f.message, " ", f.field, ": ", f.why,
                    "\n");
  }
  return out;
}

}  // namespace raftlog::wire::compat::testing
