// Checks the v2 schema's own promises: every element is annotated with the
// release that introduced it (v1's elements keep since = 1, v2's additions
// say 2), and what a release does not know survives a round trip.
#include <set>
#include <string>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "wire/options.pb.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::wire::v3 {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FileDescriptor;

// Full names of everything v2 added; all else is v1's and says since = 1.
const std::set<std::string>& AddedInV2() {
  static const std::set<std::string> added = {
      "raftlog.wire.v3.MESSAGE_TYPE_PRE_VOTE",
      "raftlog.wire.v3.MESSAGE_TYPE_PRE_VOTE_RESPONSE",
      "raftlog.wire.v3.MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK",
      "raftlog.wire.v3.MESSAGE_TYPE_INSTALL_SNAPSHOT_CHUNK_RESPONSE",
      "raftlog.wire.v3.Message.pre_vote",
      "raftlog.wire.v3.Message.pre_vote_response",
      "raftlog.wire.v3.Message.install_snapshot_chunk",
      "raftlog.wire.v3.Message.install_snapshot_chunk_response",
      "raftlog.wire.v3.RequestVoteResponse.min_protocol",
      "raftlog.wire.v3.RequestVoteResponse.max_protocol",
      "raftlog.wire.v3.AppendEntriesResponse.min_protocol",
      "raftlog.wire.v3.AppendEntriesResponse.max_protocol",
      "raftlog.wire.v3.InstallSnapshotResponse.min_protocol",
      "raftlog.wire.v3.InstallSnapshotResponse.max_protocol",
      "raftlog.wire.v3.PreVote",
      "raftlog.wire.v3.PreVoteResponse",
      "raftlog.wire.v3.InstallSnapshotChunk",
      "raftlog.wire.v3.InstallSnapshotChunkResponse",
      "raftlog.wire.v3.ENTRY_TYPE_CLUSTER_VERSION",
      "raftlog.wire.v3.CONFIG_CHANGE_TYPE_ADD_LEARNER",
      "raftlog.wire.v3.CONFIG_CHANGE_TYPE_PROMOTE_LEARNER",
      "raftlog.wire.v3.CONFIG_CHANGE_TYPE_REMOVE_LEARNER",
      "raftlog.wire.v3.ConfigChange.learners",
      "raftlog.wire.v3.ClusterVersionChange",
  };
  return added;
}

// Full names of everything v3 added (since = 3).
const std::set<std::string>& AddedInV3() {
  static const std::set<std::string> added = {
      // Joint consensus.
      "raftlog.wire.v3.CONFIG_CHANGE_TYPE_ENTER_JOINT",
      "raftlog.wire.v3.CONFIG_CHANGE_TYPE_LEAVE_JOINT",
      "raftlog.wire.v3.ConfigChange.voters_outgoing",
      // Authentication.
      "raftlog.wire.v3.Message.mac",
      // ReadIndex.
      "raftlog.wire.v3.AppendEntries.read_context",
      "raftlog.wire.v3.AppendEntriesResponse.read_context",
  };
  return added;
}

// A message added in v2 (v3) has every field since 2 (3) as well.
uint32_t Expected(const std::string& full_name, uint32_t parent) {
  if (parent == 3 || AddedInV3().count(full_name)) return 3u;
  return parent == 2 || AddedInV2().count(full_name) ? 2u : 1u;
}

void CheckEnum(const EnumDescriptor* e) {
  EXPECT_EQ(e->options().GetExtension(raftlog::wire::enum_since), 1u) << e->full_name();
  for (int i = 0; i < e->value_count(); ++i) {
    EXPECT_EQ(e->value(i)->options().GetExtension(raftlog::wire::value_since),
              Expected(e->value(i)->full_name(), 1))
        << e->value(i)->full_name();
  }
}

void CheckMessage(const Descriptor* d, int* checked) {
  const uint32_t since = Expected(d->full_name(), 1);
  EXPECT_EQ(d->options().GetExtension(raftlog::wire::message_since), since) << d->full_name();
  ++*checked;
  for (int i = 0; i < d->field_count(); ++i) {
    EXPECT_EQ(d->field(i)->options().GetExtension(raftlog::wire::field_since),
              Expected(d->field(i)->full_name(), since))
        << d->field(i)->full_name();
  }
  for (int i = 0; i < d->nested_type_count(); ++i) CheckMessage(d->nested_type(i), checked);
  for (int i = 0; i < d->enum_type_count(); ++i) CheckEnum(d->enum_type(i));
}

TEST(RaftProto, EverythingIsAnnotatedV1AsShippedAndV2AdditionsSince2) {
  const FileDescriptor* file = Message::descriptor()->file();
  EXPECT_EQ(file->package(), "raftlog.wire.v3");
  ASSERT_GE(file->message_type_count(), 15);
  int checked = 0;
  for (int i = 0; i < file->message_type_count(); ++i) {
    CheckMessage(file->message_type(i), &checked);
  }
  ASSERT_GE(file->enum_type_count(), 4);
  for (int i = 0; i < file->enum_type_count(); ++i) CheckEnum(file->enum_type(i));
  // Every name in the list exists (a typo would silently expect since = 1).
  const google::protobuf::DescriptorPool* pool = file->pool();
  std::set<std::string> added = AddedInV2();
  added.insert(AddedInV3().begin(), AddedInV3().end());
  for (const std::string& name : added) {
    EXPECT_TRUE(pool->FindMessageTypeByName(name) != nullptr ||
                pool->FindFieldByName(name) != nullptr ||
                pool->FindEnumValueByName(name) != nullptr)
        << name;
  }
  for (const std::string& name : AddedInV3()) {
    EXPECT_TRUE(pool->FindMessageTypeByName(name) != nullptr ||
                pool->FindFieldByName(name) != nullptr ||
                pool->FindEnumValueByName(name) != nullptr)
        << name;
  }
}

TEST(RaftProto, EveryMessageTypeHasABodyCase) {
  // The receiver checks type against the body case; keep the two in step.
  const EnumDescriptor* types = MessageType_descriptor();
  const Descriptor* msg = Message::descriptor();
  ASSERT_EQ(msg->oneof_decl_count(), 1);
  EXPECT_EQ(types->value_count() - 1, msg->oneof_decl(0)->field_count());
}

TEST(RaftProto, UnknownBodyCaseAndFieldsSurviveRoundTrip) {
  Message m;
  m.set_protocol_version(1);
  m.set_type(MESSAGE_TYPE_REQUEST_VOTE);
  m.set_term(3);
  m.mutable_request_vote()->set_last_log_index(7);
  std::string bytes = m.SerializeAsString();
  // Field 40 (a body case of some later tag), length-delimited, 2 bytes.
  bytes.append("\xc2\x02\x02\x08\x01", 5);
  Message parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.request_vote().last_log_index(), 7u);
  std::string again = parsed.SerializeAsString();
  EXPECT_NE(again.find(std::string("\xc2\x02\x02\x08\x01", 5)), std::string::npos);

  // A message with only an unknown body case parses, with no body set.
  Message only_unknown;
  ASSERT_TRUE(only_unknown.ParseFromString(std::string("\x10\x07\xc2\x02\x00", 5)));
  EXPECT_EQ(only_unknown.body_case(), Message::BODY_NOT_SET);
  EXPECT_EQ(static_cast<int>(only_unknown.type()), 7);  // open enum keeps the value
}

}  // namespace
}  // namespace raftlog::wire::v3
