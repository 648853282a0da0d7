#include "wire/minver/payloads.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "wire/minver/tags.h"
#include "wire/minver/testdata/evolved.pb.h"
#include "wire/minver/testdata/misfit.pb.h"

namespace raftlog::wire::minver {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;

TEST(RelativeName, DropsThePackage) {
  EXPECT_EQ(RelativeName(raftlog::minver_testdata::v2::Entry::descriptor()), "Entry");
  EXPECT_EQ(RelativeName(
                raftlog::minver_testdata::v2::Message::descriptor()->FindFieldByName("votes_by_node")
                    ->message_type()),
            "Message.VotesByNodeEntry");
}

// The table must declare what Entry.data holds for every entry type of every
// linked tag. When a tag adds an EntryType value, this test names it until
// wire/minver/payloads.cc declares its payload (or declares it opaque).
TEST(WirePayloads, EveryEntryTypeOfEveryLinkedTagIsDeclared) {
  ASSERT_FALSE(LinkedTags().empty());
  for (const std::string& tag : LinkedTags()) {
    SCOPED_TRACE(tag);
    absl::StatusOr<const Descriptor*> entry = FindTagMessage(tag, "Entry");
    ASSERT_TRUE(entry.ok()) << entry.status();
    absl::StatusOr<ResolvedNestedRule> rule = ResolveNestedRule(WirePayloads(), *entry);
    ASSERT_TRUE(rule.ok()) << rule.status();
    ASSERT_NE(rule->rule, nullptr);
    const EnumDescriptor* types = rule->selector_field->enum_type();
    for (int i = 0; i < types->value_count(); ++i) {
      absl::StatusOr<const Descriptor*> payload = PayloadTypeFor(*rule, *entry, types->value(i));
      EXPECT_TRUE(payload.ok()) << payload.status();
    }
  }
}

TEST(WirePayloads, InstallSnapshotFormatResolvesInEveryLinkedTag) {
  for (const std::string& tag : LinkedTags()) {
    absl::StatusOr<const Descriptor*> install = FindTagMessage(tag, "InstallSnapshot");
    ASSERT_TRUE(install.ok()) << install.status();
    absl::StatusOr<const google::protobuf::FieldDescriptor*> f =
        ResolveValueField(WirePayloads().snapshot_formats, *install);
    ASSERT_TRUE(f.ok()) << f.status();
    ASSERT_NE(*f, nullptr) << tag;
    EXPECT_EQ((*f)->name(), "format");
  }
}

TEST(WirePayloads, VersionFieldsResolveWhereTheirMessagesExist) {
  for (const std::string& tag : LinkedTags()) {
    SCOPED_TRACE(tag);
    absl::StatusOr<const Descriptor*> message = FindTagMessage(tag, "Message");
    ASSERT_TRUE(message.ok());
    absl::StatusOr<const google::protobuf::FieldDescriptor*> f =
        ResolveValueField(WirePayloads().protocol_versions, *message);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_NE(*f, nullptr);
    for (const std::vector<ValueFieldRule>* rules :
         {&WirePayloads().snapshot_formats, &WirePayloads().cluster_versions}) {
      for (const ValueFieldRule& rule : *rules) {
        absl::StatusOr<const Descriptor*> d = FindTagMessage(tag, rule.message);
        if (!d.ok()) continue;  // inert in a tag without the message
        absl::StatusOr<const google::protobuf::FieldDescriptor*> g = ResolveValueField(*rules, *d);
        ASSERT_TRUE(g.ok()) << g.status();
        EXPECT_NE(*g, nullptr) << rule.message;
      }
    }
  }
}

TEST(WirePayloads, CasesMapToTheirPackagesTypes) {
  const Descriptor* entry = raftlog::minver_testdata::v2::Entry::descriptor();
  absl::StatusOr<ResolvedNestedRule> rule = ResolveNestedRule(WirePayloads(), entry);
  ASSERT_TRUE(rule.ok());
  const EnumDescriptor* types = raftlog::minver_testdata::v2::EntryType_descriptor();
  auto payload_of = [&](const char* value) {
    return PayloadTypeFor(*rule, entry, types->FindValueByName(value));
  };
  EXPECT_EQ(*payload_of("ENTRY_TYPE_NOOP"), nullptr);
  EXPECT_EQ(*payload_of("ENTRY_TYPE_COMMAND"), raftlog::minver_testdata::v2::Command::descriptor());
  EXPECT_EQ(*payload_of("ENTRY_TYPE_CONFIG"),
            raftlog::minver_testdata::v2::ConfigChange::descriptor());
  EXPECT_EQ(*payload_of("ENTRY_TYPE_CLUSTER_VERSION"),
            raftlog::minver_testdata::v2::ClusterVersionChange::descriptor());
  absl::StatusOr<const Descriptor*> undeclared = payload_of("ENTRY_TYPE_UNDECLARED");
  EXPECT_EQ(undeclared.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(undeclared.status().message().find("ENTRY_TYPE_UNDECLARED"), std::string::npos);
  EXPECT_NE(undeclared.status().message().find("wire/minver/payloads.cc"), std::string::npos);
}

TEST(WirePayloads, MessagesTheTableDoesNotNameHaveNoRule) {
  absl::StatusOr<ResolvedNestedRule> rule =
      ResolveNestedRule(WirePayloads(), raftlog::minver_testdata::v2::Command::descriptor());
  ASSERT_TRUE(rule.ok());
  EXPECT_EQ(rule->rule, nullptr);
  absl::StatusOr<const google::protobuf::FieldDescriptor*> f =
      ResolveValueField(WirePayloads().snapshot_formats, raftlog::minver_testdata::v2::Command::descriptor());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, nullptr);
}

TEST(WirePayloads, ARuleThatDoesNotFitIsAnError) {
  absl::StatusOr<ResolvedNestedRule> rule =
      ResolveNestedRule(WirePayloads(), raftlog::minver_testdata::v2_misfit::Entry::descriptor());
  EXPECT_EQ(rule.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(rule.status().message().find("raftlog.minver_testdata.v2_misfit.Entry"),
            std::string::npos);
}

TEST(WirePayloads, APayloadTypeMissingFromThePackageIsAnError) {
  PayloadTable table;
  table.nested.push_back({"Entry", "data", "type", {{"ENTRY_TYPE_COMMAND", "NoSuchMessage"}}});
  const Descriptor* entry = raftlog::minver_testdata::v2::Entry::descriptor();
  absl::StatusOr<ResolvedNestedRule> rule = ResolveNestedRule(table, entry);
  ASSERT_TRUE(rule.ok());
  absl::StatusOr<const Descriptor*> payload = PayloadTypeFor(
      *rule, entry, raftlog::minver_testdata::v2::EntryType_descriptor()->FindValueByName(
                        "ENTRY_TYPE_COMMAND"));
  EXPECT_EQ(payload.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(payload.status().message().find("raftlog.minver_testdata.v2.NoSuchMessage"),
            std::string::npos);
}

}  // namespace
}  // namespace raftlog::wire::minver
