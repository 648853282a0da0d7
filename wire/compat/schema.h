// One tag's wire schema, loaded from a FileDescriptorSet (what proto_library
// writes as <name>-descriptor-set.proto.bin, or the transitive set that
// wire_descriptor_set in wire/compat.bzl concatenates).
//
// Loading is tolerant of incomplete sets: Bazel 4.2.3 writes only a target's
// own files into its descriptor set, not its imports. Missing imports become
// placeholders (DescriptorPool::AllowUnknownDependencies), except
// google/protobuf/descriptor.proto, which is taken from the compiled-in pool
// so that options keep their types. Since-annotations are read from the raw
// option bytes (see since.h), so they survive a missing wire/options.proto.
//
// The schema indexes what the checker compares, by the cross-tag keys of
// naming.h. Files under google/protobuf/ and the annotation vocabulary
// wire/options.proto are infrastructure: loaded, never compared.
#ifndef RAFTLOG_WIRE_COMPAT_SCHEMA_H_
#define RAFTLOG_WIRE_COMPAT_SCHEMA_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"

namespace raftlog::wire::compat {

class Schema {
 public:
  // Parses a serialized FileDescriptorSet. Errors (all kInvalidArgument):
  // bytes that are not a FileDescriptorSet, an empty set or one with only
  // infrastructure files (nothing to compare), two different files
  // of one name, files the pool rejects, or two elements with the same
  // cross-tag key (for example wire/v1/raft.proto and wire/v2/raft.proto in
  // one set).
  static absl::StatusOr<std::unique_ptr<Schema>> FromBytes(absl::string_view bytes);

  // Reads and parses the file at `path`. kNotFound if it cannot be read.
  static absl::StatusOr<std::unique_ptr<Schema>> FromFile(const std::string& path);

  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  // Compared files, by normalized path.
  const std::map<std::string, const google::protobuf::FileDescriptor*>& files() const {
    return files_;
  }
  // Messages (nested included, map entries included), by TypeKey.
  const std::map<std::string, const google::protobuf::Descriptor*>& messages() const {
    return messages_;
  }
  // Enums (nested included), by TypeKey.
  const std::map<std::string, const google::protobuf::EnumDescriptor*>& enums() const {
    return enums_;
  }
  // Services, by TypeKey.
  const std::map<std::string, const google::protobuf::ServiceDescriptor*>& services() const {
    return services_;
  }

  // True for files loaded but never compared (google/protobuf/*, wire/options.proto).
  static bool IsInfrastructureFile(absl::string_view path);

 private:
  Schema() = default;
  absl::Status Index(const google::protobuf::FileDescriptor* file);
  absl::Status IndexMessage(const google::protobuf::Descriptor* message);

  google::protobuf::SimpleDescriptorDatabase database_;
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  std::map<std::string, const google::protobuf::FileDescriptor*> files_;
  std::map<std::string, const google::protobuf::Descriptor*> messages_;
  std::map<std::string, const google::protobuf::EnumDescriptor*> enums_;
  std::map<std::string, const google::protobuf::ServiceDescriptor*> services_;
};

}  // namespace raftlog::wire::compat

#endif  // RAFTLOG_WIRE_COMPAT_SCHEMA_H_
