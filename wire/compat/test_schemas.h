// Test helper: schemas from text-format FileDescriptorProtos, so unit tests
// can state a schema pair inline. Since-annotations may be written in text
// ([raftlog.wire.field_since]: 2 inside options) because options.pb.cc is
// linked here.
#ifndef RAFTLOG_WIRE_COMPAT_TEST_SCHEMAS_H_
#define RAFTLOG_WIRE_COMPAT_TEST_SCHEMAS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.pb.h"
#include "wire/compat/checker.h"
#include "wire/compat/schema.h"

namespace raftlog::wire::compat::testing {

// A text-format FileDescriptorProto: name, package, proto3 syntax, an import
// of wire/options.proto, then `body` (message_type { ... } etc.).
std::string File(absl::string_view path, absl::string_view package, absl::string_view body,
                 absl::string_view syntax = "proto3");

// Parses `files` (text-format FileDescriptorProtos) into a set. When
// default_since > 0, every message, field and enum value that has no since
// annotation gets default_since (map entries excepted). Aborts on a parse
// error: the test itself is wrong.
google::protobuf::FileDescriptorSet ParseSet(const std::vector<std::string>& files,
                                             uint64_t default_since = 1);

// ParseSet, serialized and loaded. Aborts if the schema does not load.
std::unique_ptr<Schema> SchemaOf(const std::vector<std::string>& files,
                                 uint64_t default_since = 1);

// The rule id of every finding, in order.
std::vector<std::string> RuleIds(const CheckResult& result);
// One line per finding (rule, file, message, field, why): a failure message.
std::string Describe(const CheckResult& result);

}  // namespace raftlog::wire::compat::testing

#endif  // RAFTLOG_WIRE_COMPAT_TEST_SCHEMAS_H_
