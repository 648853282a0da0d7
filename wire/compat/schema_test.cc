#include "wire/compat/schema.h"

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "google/protobuf/descriptor.pb.h"
#include "wire/compat/since.h"
#include "wire/compat/test_schemas.h"

namespace raftlog::wire::compat {
namespace {

namespace gp = ::google::protobuf;
using testing::File;
using testing::ParseSet;

const char kEntry[] = R"(
  message_type {
    name: "Entry"
    field { name: "index" number: 1 label: LABEL_OPTIONAL type: TYPE_UINT64
            options { [raftlog.wire.field_since]: 3 } }
  }
)";

TEST(SchemaTest, RejectsBytesThatAreNotADescriptorSet) {
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes("\xff\xff\xff garbage");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SchemaTest, RejectsAnEmptySet) {
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes("");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SchemaTest, RejectsASetWithOnlyInfrastructure) {
  const std::string options_file =
      R"(name: "wire/options.proto" package: "raftlog.wire" syntax: "proto3")";
  absl::StatusOr<std::unique_ptr<Schema>> schema =
      Schema::FromBytes(ParseSet({options_file}).SerializeAsString());
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SchemaTest, MissingFileIsNotFound) {
  absl::StatusOr<std::unique_ptr<Schema>> schema =
      Schema::FromFile("/nonexistent/wire/compat/none.binpb");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kNotFound);
}

TEST(SchemaTest, ReadsAFileFromDisk) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/set.binpb";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string bytes =
      ParseSet({File("wire/v1/raft.proto", "raftlog.wire.v1", kEntry)}).SerializeAsString();
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromFile(path);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ((*schema)->messages().count("raftlog.wire.<tag>.Entry"), 1u);
}

// Bazel 4.2.3 writes non-transitive sets: wire/options.proto (and
// descriptor.proto behind it) are missing. The schema still loads and the
// annotations are still read, from the raw option bytes.
TEST(SchemaTest, LoadsASetWithoutItsImportsAndKeepsAnnotations) {
  const gp::FileDescriptorSet set =
      ParseSet({File("wire/v1/raft.proto", "raftlog.wire.v1", kEntry)}, /*default_since=*/0);
  ASSERT_EQ(set.file_size(), 1);
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes(set.SerializeAsString());
  ASSERT_TRUE(schema.ok()) << schema.status();
  const auto& messages = (*schema)->messages();
  ASSERT_EQ(messages.count("raftlog.wire.<tag>.Entry"), 1u);
  const gp::Descriptor* entry = messages.at("raftlog.wire.<tag>.Entry");
  EXPECT_EQ(SinceOf(entry->field(0)), std::optional<uint64_t>(3));
  EXPECT_EQ(SinceOf(entry), std::nullopt);
}

TEST(SchemaTest, UnknownMessageTypesBecomePlaceholders) {
  const std::string body = R"(
    dependency: "wire/v1/other.proto"
    message_type {
      name: "Envelope"
      field { name: "entry" number: 1 label: LABEL_OPTIONAL type: TYPE_MESSAGE
              type_name: ".raftlog.wire.v1.Entry" }
    }
  )";
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes(
      ParseSet({File("wire/v1/raft.proto", "raftlog.wire.v1", body)}).SerializeAsString());
  ASSERT_TRUE(schema.ok()) << schema.status();
  const gp::Descriptor* envelope = (*schema)->messages().at("raftlog.wire.<tag>.Envelope");
  ASSERT_NE(envelope->field(0)->message_type(), nullptr);
  EXPECT_EQ(envelope->field(0)->message_type()->full_name(), "raftlog.wire.v1.Entry");
}

// A file that imports descriptor.proto without carrying it gets the
// compiled-in copy, so its own extensions of the option messages resolve.
TEST(SchemaTest, SuppliesDescriptorProtoWhenMissing) {
  const std::string text = R"(
    name: "wire/v1/ext.proto" package: "raftlog.wire.v1" syntax: "proto2"
    dependency: "google/protobuf/descriptor.proto"
    extension { name: "note" number: 60001 label: LABEL_OPTIONAL type: TYPE_STRING
                extendee: ".google.protobuf.FieldOptions" }
  )";
  absl::StatusOr<std::unique_ptr<Schema>> schema =
      Schema::FromBytes(ParseSet({text}).SerializeAsString());
  ASSERT_TRUE(schema.ok()) << schema.status();
  ASSERT_EQ((*schema)->files().count("wire/<tag>/ext.proto"), 1u);
  const gp::FileDescriptor* file = (*schema)->files().at("wire/<tag>/ext.proto");
  ASSERT_EQ(file->extension_count(), 1);
  EXPECT_EQ(file->extension(0)->containing_type()->full_name(), "google.protobuf.FieldOptions");
}

TEST(SchemaTest, IdenticalDuplicatesAreFineDifferentOnesAreNot) {
  const std::string a = File("wire/v1/raft.proto", "raftlog.wire.v1", kEntry);
  EXPECT_TRUE(Schema::FromBytes(ParseSet({a, a}).SerializeAsString()).ok());
  const std::string b = File("wire/v1/raft.proto", "raftlog.wire.v1", "");
  absl::StatusOr<std::unique_ptr<Schema>> schema =
      Schema::FromBytes(ParseSet({a, b}).SerializeAsString());
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SchemaTest, TwoTagsInOneSetAreAmbiguous) {
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes(
      ParseSet({File("wire/v1/raft.proto", "raftlog.wire.v1", kEntry),
                File("wire/v2/raft.proto", "raftlog.wire.v2", kEntry)})
          .SerializeAsString());
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(schema.status().message().find("wire/<tag>/raft.proto"), absl::string_view::npos);
}

TEST(SchemaTest, InvalidSchemaIsAnErrorNotACrash) {
  // Two fields with one number.
  const std::string body = R"(
    message_type {
      name: "Bad"
      field { name: "a" number: 1 label: LABEL_OPTIONAL type: TYPE_UINT64 }
      field { name: "b" number: 1 label: LABEL_OPTIONAL type: TYPE_UINT64 }
    }
  )";
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes(
      ParseSet({File("wire/v1/raft.proto", "raftlog.wire.v1", body)}).SerializeAsString());
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SchemaTest, IndexesNestedTypesAndSkipsInfrastructure) {
  const std::string body = R"(
    message_type {
      name: "Outer"
      nested_type { name: "Inner" }
      enum_type { name: "Kind" value { name: "KIND_UNSPECIFIED" number: 0 } }
    }
    enum_type { name: "Top" value { name: "TOP_UNSPECIFIED" number: 0 } }
    service { name: "Raft" }
  )";
  const std::string options_file =
      R"(name: "wire/options.proto" package: "raftlog.wire" syntax: "proto3"
         message_type { name: "NotCompared" })";
  absl::StatusOr<std::unique_ptr<Schema>> schema = Schema::FromBytes(
      ParseSet({options_file, File("wire/v3/raft.proto", "raftlog.wire.v3", body)})
          .SerializeAsString());
  ASSERT_TRUE(schema.ok()) << schema.status();
  const Schema& s = **schema;
  EXPECT_EQ(s.files().size(), 1u);
  EXPECT_EQ(s.files().count("wire/<tag>/raft.proto"), 1u);
  EXPECT_EQ(s.messages().size(), 2u);
  EXPECT_EQ(s.messages().count("raftlog.wire.<tag>.Outer.Inner"), 1u);
  EXPECT_EQ(s.enums().count("raftlog.wire.<tag>.Outer.Kind"), 1u);
  EXPECT_EQ(s.enums().count("raftlog.wire.<tag>.Top"), 1u);
  EXPECT_EQ(s.services().count("raftlog.wire.<tag>.Raft"), 1u);
  EXPECT_TRUE(Schema::IsInfrastructureFile("wire/options.proto"));
  EXPECT_TRUE(Schema::IsInfrastructureFile("google/protobuf/descriptor.proto"));
  EXPECT_FALSE(Schema::IsInfrastructureFile("wire/v1/raft.proto"));
}

TEST(SinceTest, ReadsUnknownFieldsAndLastValueWins) {
  gp::FieldOptions options;
  options.GetReflection()->MutableUnknownFields(&options)->AddVarint(kFieldSinceField, 2);
  options.GetReflection()->MutableUnknownFields(&options)->AddVarint(kFieldSinceField, 4);
  options.GetReflection()->MutableUnknownFields(&options)->AddVarint(kValueSinceField, 9);
  EXPECT_EQ(VarintOption(options, kFieldSinceField), std::optional<uint64_t>(4));
  EXPECT_EQ(VarintOption(options, kValueSinceField), std::optional<uint64_t>(9));
  EXPECT_EQ(VarintOption(options, kMessageSinceField), std::nullopt);
  // A length-delimited field with the number is not a since value.
  gp::FieldOptions other;
  other.GetReflection()->MutableUnknownFields(&other)->AddLengthDelimited(kFieldSinceField, "x");
  EXPECT_EQ(VarintOption(other, kFieldSinceField), std::nullopt);
}

}  // namespace
}  // namespace raftlog::wire::compat
