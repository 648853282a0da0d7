// The walk on the real wire/v2 schema, which grows while v2 is developed:
// v1-era content needs v1; each release-2 element named below, when the
// schema has it, needs v2 (looked up by name so that a renamed or not yet
// added element skips its case instead of breaking the build;
// schema_sweep_test covers every element whatever its name).
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "wire/compat/since.h"
#include "wire/minver/message.h"
#include "wire/v2/raft.pb.h"

namespace raftlog::wire::minver {
namespace {

namespace v2 = ::raftlog::wire::v2;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

v2::Entry CommandEntry(uint64_t index) {
  v2::Command cmd;
  cmd.set_client_id(1);
  cmd.set_sequence(index);
  cmd.set_op(v2::COMMAND_OP_PUT);
  cmd.set_key("k");
  cmd.set_value("v");
  v2::Entry e;
  e.set_index(index);
  e.set_term(1);
  e.set_type(v2::ENTRY_TYPE_COMMAND);
  e.set_data(cmd.SerializeAsString());
  return e;
}

v2::Message V1EraAppend() {
  v2::Message m;
  m.set_protocol_version(1);
  m.set_type(v2::MESSAGE_TYPE_APPEND_ENTRIES);
  m.set_term(1);
  *m.mutable_append_entries()->add_entries() = CommandEntry(1);
  *m.mutable_append_entries()->add_entries() = CommandEntry(2);
  return m;
}

TEST(V2, WithoutReleaseTwoElementsNeedsV1) {
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(V1EraAppend());
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 1u);
  EXPECT_EQ(min->element, "message raftlog.wire.v2.Message since 1");
}

const FieldDescriptor* Since2Field(const Descriptor* d, const char* name) {
  const FieldDescriptor* f = d->FindFieldByName(name);
  if (f == nullptr) return nullptr;
  std::optional<uint64_t> since = compat::SinceOf(f);
  return since.has_value() && *since == 2 ? f : nullptr;
}

TEST(V2, OneofCaseSinceTwo) {
  const FieldDescriptor* pre_vote = Since2Field(v2::Message::descriptor(), "pre_vote");
  if (pre_vote == nullptr) GTEST_SKIP() << "wire/v2 has no since-2 Message.pre_vote yet";
  v2::Message m = V1EraAppend();
  m.GetReflection()->MutableMessage(&m, pre_vote);  // replaces the append_entries case
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(m);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->where, "Message.pre_vote");
}

TEST(V2, EnumValueSinceTwo) {
  const auto* value = v2::MessageType_descriptor()->FindValueByName("MESSAGE_TYPE_PRE_VOTE");
  if (value == nullptr) GTEST_SKIP() << "wire/v2 has no MESSAGE_TYPE_PRE_VOTE yet";
  v2::Message m;
  m.set_type(static_cast<v2::MessageType>(value->number()));
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(m);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->element,
            "enum value raftlog.wire.v2.MessageType.MESSAGE_TYPE_PRE_VOTE since 2");
}

TEST(V2, LearnersInsideAConfigEntry) {
  const FieldDescriptor* learners = Since2Field(v2::ConfigChange::descriptor(), "learners");
  if (learners == nullptr) GTEST_SKIP() << "wire/v2 has no since-2 ConfigChange.learners yet";
  v2::ConfigChange cc;
  cc.set_type(v2::CONFIG_CHANGE_TYPE_ADD_VOTER);
  cc.add_voters(1);
  cc.GetReflection()->AddUInt64(&cc, learners, 4);
  v2::Message m = V1EraAppend();
  v2::Entry* e = m.mutable_append_entries()->add_entries();
  e->set_index(3);
  e->set_type(v2::ENTRY_TYPE_CONFIG);
  e->set_data(cc.SerializeAsString());
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(m);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->element, "field raftlog.wire.v2.ConfigChange.learners since 2");
  EXPECT_EQ(min->where, "Message.append_entries.entries[2].data<ConfigChange>.learners");
}

TEST(V2, ClusterVersionEntry) {
  const auto* type = v2::EntryType_descriptor()->FindValueByName("ENTRY_TYPE_CLUSTER_VERSION");
  const Descriptor* payload =
      v2::Entry::descriptor()->file()->pool()->FindMessageTypeByName(
          "raftlog.wire.v2.ClusterVersionChange");
  if (type == nullptr || payload == nullptr) {
    GTEST_SKIP() << "wire/v2 has no cluster version entry yet";
  }
  std::unique_ptr<Message> change(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(payload)->New());
  const FieldDescriptor* version = payload->FindFieldByName("version");
  ASSERT_NE(version, nullptr);
  change->GetReflection()->SetUInt32(change.get(), version, 2);
  v2::Entry e;
  e.set_index(9);
  e.set_type(static_cast<v2::EntryType>(type->number()));
  e.set_data(change->SerializeAsString());
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(e);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->where, "Entry.type");

  // A finalize to a version above the since needs that version's release.
  change->GetReflection()->SetUInt32(change.get(), version, 3);
  e.set_data(change->SerializeAsString());
  min = MinReleaseForMessage(e);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 3u);
  EXPECT_EQ(min->where, "Entry.data<ClusterVersionChange>.version");
}

TEST(V2, ProtocolVersionTwoIsRefusedByV1) {
  v2::Message m = V1EraAppend();
  m.set_protocol_version(2);
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(m);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->where, "Message.protocol_version");
}

}  // namespace
}  // namespace raftlog::wire::minver
