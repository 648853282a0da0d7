#include "wire/compat/schema.h"

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.pb.h"
#include "wire/compat/naming.h"

namespace raftlog::wire::compat {

namespace gp = ::google::protobuf;

namespace {

constexpr absl::string_view kDescriptorProto = "google/protobuf/descriptor.proto";

// Collects the pool's complaints so a bad set yields one readable Status.
class CollectingErrors : public gp::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const gp::Message*, ErrorLocation, const std::string& message) override {
    errors_.push_back(absl::StrCat(filename, ": ", element_name, ": ", message));
  }
  std::string Joined() const { return absl::StrJoin(errors_, "; "); }

 private:
  std::vector<std::string> errors_;
};

}  // namespace

bool Schema::IsInfrastructureFile(absl::string_view path) {
  return absl::StartsWith(path, "google/protobuf/") || path == "wire/options.proto";
}

absl::StatusOr<std::unique_ptr<Schema>> Schema::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  absl::StatusOr<std::unique_ptr<Schema>> schema = FromBytes(bytes.str());
  if (!schema.ok()) {
    return absl::Status(schema.status().code(),
                        absl::StrCat(path, ": ", schema.status().message()));
  }
  return schema;
}

absl::StatusOr<std::unique_ptr<Schema>> Schema::FromBytes(absl::string_view bytes) {
  gp::FileDescriptorSet set;
  if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("not a serialized FileDescriptorSet");
  }
  if (set.file_size() == 0) {
    return absl::InvalidArgumentError("the FileDescriptorSet holds no files");
  }
  std::unique_ptr<Schema> schema(new Schema());

  // A concatenation of sets may hold a file twice; identical copies are fine.
  std::map<std::string, std::string> seen;  // name -> serialized proto
  std::vector<std::string> names;
  std::set<std::string> imports;
  for (const gp::FileDescriptorProto& file : set.file()) {
    if (file.name().empty()) return absl::InvalidArgumentError("a file without a name");
    const std::string serialized = file.SerializeAsString();
    auto [it, inserted] = seen.emplace(file.name(), serialized);
    if (!inserted) {
      if (it->second != serialized) {
        return absl::InvalidArgumentError(
            absl::StrCat("two different files named ", file.name()));
      }
      continue;
    }
    names.push_back(file.name());
    for (const std::string& dep : file.dependency()) imports.insert(dep);
    if (!schema->database_.Add(file)) {
      return absl::InvalidArgumentError(absl::StrCat("cannot add ", file.name()));
    }
  }
  if (imports.count(std::string(kDescriptorProto)) != 0 &&
      seen.count(std::string(kDescriptorProto)) == 0) {
    gp::FileDescriptorProto descriptor_proto;
    gp::FileDescriptorProto::descriptor()->file()->CopyTo(&descriptor_proto);
    schema->database_.Add(descriptor_proto);
  }

  CollectingErrors errors;
  schema->pool_ = std::make_unique<gp::DescriptorPool>(&schema->database_, &errors);
  schema->pool_->AllowUnknownDependencies();
  for (const std::string& name : names) {
    const gp::FileDescriptor* file = schema->pool_->FindFileByName(name);
    if (file == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid schema file ", name, ": ", errors.Joined()));
    }
    if (IsInfrastructureFile(name)) continue;
    if (absl::Status status = schema->Index(file); !status.ok()) return status;
  }
  // Only infrastructure (say, the set of //wire:options_proto): comparing it
  // would pass vacuously, so it is a plumbing mistake, not a schema.
  if (schema->files_.empty()) {
    return absl::InvalidArgumentError(
        "the FileDescriptorSet holds no schema file (only google/protobuf/* and "
        "wire/options.proto)");
  }
  return schema;
}

absl::Status Schema::Index(const gp::FileDescriptor* file) {
  const std::string path = NormalizeFilePath(file->name());
  if (!files_.emplace(path, file).second) {
    return absl::InvalidArgumentError(absl::StrCat(
        "files ", files_[path]->name(), " and ", file->name(), " both match ", path));
  }
  for (int i = 0; i < file->message_type_count(); ++i) {
    if (absl::Status s = IndexMessage(file->message_type(i)); !s.ok()) return s;
  }
  for (int i = 0; i < file->enum_type_count(); ++i) {
    const gp::EnumDescriptor* e = file->enum_type(i);
    if (!enums_.emplace(TypeKey(e->full_name(), file->package()), e).second) {
      return absl::InvalidArgumentError(absl::StrCat("two enums match ", e->full_name()));
    }
  }
  for (int i = 0; i < file->service_count(); ++i) {
    const gp::ServiceDescriptor* s = file->service(i);
    if (!services_.emplace(TypeKey(s->full_name(), file->package()), s).second) {
      return absl::InvalidArgumentError(absl::StrCat("two services match ", s->full_name()));
    }
  }
  return absl::OkStatus();
}

absl::Status Schema::IndexMessage(const gp::Descriptor* message) {
  const std::string& package = message->file()->package();
  if (!messages_.emplace(TypeKey(message->full_name(), package), message).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("two messages match ", message->full_name()));
  }
  for (int i = 0; i < message->nested_type_count(); ++i) {
    if (absl::Status s = IndexMessage(message->nested_type(i)); !s.ok()) return s;
  }
  for (int i = 0; i < message->enum_type_count(); ++i) {
    const gp::EnumDescriptor* e = message->enum_type(i);
    if (!enums_.emplace(TypeKey(e->full_name(), package), e).second) {
      return absl::InvalidArgumentError(absl::StrCat("two enums match ", e->full_name()));
    }
  }
  return absl::OkStatus();
}

}  // namespace raftlog::wire::compat
