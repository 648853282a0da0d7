#include "wire/minver/message.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/minver/testdata/evolved.pb.h"
#include "wire/minver/testdata/misfit.pb.h"
#include "wire/minver/testdata/unannotated.pb.h"
#include "wire/v1/raft.pb.h"

namespace raftlog::wire::minver {
namespace {

namespace ev = ::raftlog::minver_testdata::v2;
namespace bad = ::raftlog::minver_testdata::v2_unannotated;
namespace v1 = ::raftlog::wire::v1;

using ::testing::HasSubstr;

MinRelease MustMin(const google::protobuf::Message& m) {
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(m);
  EXPECT_TRUE(min.ok()) << min.status();
  return min.ok() ? *min : MinRelease{};
}

// --- v1: always release 1 ------------------------------------------------------

v1::Message V1AppendWithEveryEntryType() {
  v1::Message m;
  m.set_protocol_version(1);
  m.set_type(v1::MESSAGE_TYPE_APPEND_ENTRIES);
  m.set_from(1);
  m.set_to(2);
  m.set_term(3);
  v1::AppendEntries* append = m.mutable_append_entries();
  append->set_prev_log_index(4);
  append->set_leader_commit(4);
  v1::Entry* noop = append->add_entries();
  noop->set_index(5);
  noop->set_type(v1::ENTRY_TYPE_NOOP);
  v1::Command cmd;
  cmd.set_client_id(7);
  cmd.set_sequence(1);
  cmd.set_op(v1::COMMAND_OP_CAS);
  cmd.set_key("k");
  cmd.set_value("v");
  cmd.set_expected("e");
  v1::Entry* command = append->add_entries();
  command->set_index(6);
  command->set_type(v1::ENTRY_TYPE_COMMAND);
  command->set_data(cmd.SerializeAsString());
  v1::ConfigChange cc;
  cc.set_type(v1::CONFIG_CHANGE_TYPE_ADD_VOTER);
  cc.set_node_id(4);
  cc.add_voters(1);
  cc.add_voters(4);
  v1::Entry* config = append->add_entries();
  config->set_index(7);
  config->set_type(v1::ENTRY_TYPE_CONFIG);
  config->set_data(cc.SerializeAsString());
  return m;
}

TEST(V1, EveryBodyAndEntryTypeNeedsV1) {
  EXPECT_EQ(MustMin(V1AppendWithEveryEntryType()).release, 1u);

  v1::Message install;
  install.set_type(v1::MESSAGE_TYPE_INSTALL_SNAPSHOT);
  install.mutable_install_snapshot()->set_format(1);
  install.mutable_install_snapshot()->set_data("opaque snapshot bytes");
  MinRelease min = MustMin(install);
  EXPECT_EQ(min.release, 1u);

  v1::Message vote;
  vote.mutable_request_vote_response()->set_granted(true);
  EXPECT_EQ(MustMin(vote).release, 1u);

  v1::Message empty;
  min = MustMin(empty);
  EXPECT_EQ(min.release, 1u);
  EXPECT_EQ(min.element, "message raftlog.wire.v1.Message since 1");
  EXPECT_EQ(min.where, "Message");
  EXPECT_TRUE(min.complete);
}

// --- The release-2 stand-in (testdata/evolved.proto) --------------------------

ev::Entry CommandEntry(uint64_t index, const ev::Command& cmd) {
  ev::Entry e;
  e.set_index(index);
  e.set_term(1);
  e.set_type(ev::ENTRY_TYPE_COMMAND);
  e.set_data(cmd.SerializeAsString());
  return e;
}

ev::Message AppendOf(std::initializer_list<ev::Entry> entries) {
  ev::Message m;
  m.set_type(ev::MESSAGE_TYPE_APPEND_ENTRIES);
  m.set_term(2);
  for (const ev::Entry& e : entries) *m.mutable_append_entries()->add_entries() = e;
  return m;
}

ev::Command Put(const char* key) {
  ev::Command cmd;
  cmd.set_client_id(1);
  cmd.set_op(ev::COMMAND_OP_PUT);
  cmd.set_key(key);
  cmd.set_value("v");
  return cmd;
}

TEST(Evolved, WithoutReleaseTwoElementsNeedsV1) {
  ev::ConfigChange cc;
  cc.set_type(ev::CONFIG_CHANGE_TYPE_ADD_VOTER);
  cc.add_voters(1);
  ev::Entry config;
  config.set_type(ev::ENTRY_TYPE_CONFIG);
  config.set_data(cc.SerializeAsString());
  ev::Command with_batch = Put("b");
  with_batch.add_batch(ev::COMMAND_OP_GET);
  (*with_batch.mutable_ops_by_key())["x"] = ev::COMMAND_OP_PUT;
  const MinRelease min = MustMin(AppendOf({CommandEntry(1, Put("a")), config,
                                           CommandEntry(3, with_batch)}));
  EXPECT_EQ(min.release, 1u);
  EXPECT_EQ(min.element, "message raftlog.minver_testdata.v2.Message since 1");
}

TEST(Evolved, ReleaseTwoFieldsAtDefaultValueAreNotPresent) {
  // proto3: a zero ttl and an empty learner list are not on the wire.
  ev::Command cmd = Put("a");
  cmd.set_ttl_ms(0);
  ev::ConfigChange cc;
  cc.set_type(ev::CONFIG_CHANGE_TYPE_ADD_VOTER);
  cc.mutable_learners()->Clear();
  ev::Entry config;
  config.set_type(ev::ENTRY_TYPE_CONFIG);
  config.set_data(cc.SerializeAsString());
  EXPECT_EQ(MustMin(AppendOf({CommandEntry(1, cmd), config})).release, 1u);
}

TEST(Evolved, OneofCaseSinceTwo) {
  ev::Message m;
  m.mutable_pre_vote();  // present even when empty: a oneof case is on the wire
  MinRelease min = MustMin(m);
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.element, "field raftlog.minver_testdata.v2.Message.pre_vote since 2");
  EXPECT_EQ(min.where, "Message.pre_vote");
}

TEST(Evolved, EnumValueSinceTwo) {
  ev::Message m;
  m.set_type(ev::MESSAGE_TYPE_PRE_VOTE);
  MinRelease min = MustMin(m);
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.element,
            "enum value raftlog.minver_testdata.v2.MessageType.MESSAGE_TYPE_PRE_VOTE since 2");
  EXPECT_EQ(min.where, "Message.type");
}

TEST(Evolved, FieldInsideEntryDataSinceTwo) {
  ev::Command cmd = Put("b");
  cmd.set_ttl_ms(500);
  MinRelease min = MustMin(AppendOf({CommandEntry(1, Put("a")), CommandEntry(2, cmd)}));
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.element, "field raftlog.minver_testdata.v2.Command.ttl_ms since 2");
  EXPECT_EQ(min.where, "Message.append_entries.entries[1].data<Command>.ttl_ms");
}

TEST(Evolved, EnumValueInsideEntryDataSinceTwo) {
  ev::Command cmd = Put("a");
  cmd.set_op(ev::COMMAND_OP_INCREMENT);
  MinRelease min = MustMin(AppendOf({CommandEntry(1, cmd)}));
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.element,
            "enum value raftlog.minver_testdata.v2.CommandOp.COMMAND_OP_INCREMENT since 2");
  EXPECT_EQ(min.where, "Message.append_entries.entries[0].data<Command>.op");
}

TEST(Evolved, RepeatedEnumValues) {
  ev::Command cmd = Put("a");
  cmd.add_batch(ev::COMMAND_OP_PUT);
  cmd.add_batch(ev::COMMAND_OP_INCREMENT);
  MinRelease min = MustMin(cmd);
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.where, "Command.batch[1]");
}

TEST(Evolved, MapValuesInKeyOrder) {
  ev::Command cmd = Put("a");
  auto& ops = *cmd.mutable_ops_by_key();
  for (const char* key : {"d", "b", "c", "a"}) ops[key] = ev::COMMAND_OP_PUT;
  ops["c"] = ev::COMMAND_OP_INCREMENT;
  ops["b"] = ev::COMMAND_OP_INCREMENT;
  MinRelease min = MustMin(cmd);
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.element,
            "enum value raftlog.minver_testdata.v2.CommandOp.COMMAND_OP_INCREMENT since 2");
  EXPECT_EQ(min.where, "Command.ops_by_key[\"b\"].value");
}

TEST(Evolved, MapFieldAndMessageValues) {
  ev::Message m;
  (*m.mutable_votes_by_node())[3].set_last_log_index(9);
  MinRelease min = MustMin(m);
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.element, "field raftlog.minver_testdata.v2.Message.votes_by_node since 2");
}

TEST(Evolved, RepeatedScalarSinceTwoInConfigEntry) {
  ev::ConfigChange cc;
  cc.set_type(ev::CONFIG_CHANGE_TYPE_ADD_VOTER);
  cc.add_voters(1);
  cc.add_learners(4);
  ev::Entry config;
  config.set_type(ev::ENTRY_TYPE_CONFIG);
  config.set_data(cc.SerializeAsString());
  MinRelease min = MustMin(AppendOf({config}));
  EXPECT_EQ(min.release, 2u);
  EXPECT_EQ(min.element, "field raftlog.minver_testdata.v2.ConfigChange.learners since 2");
  EXPECT_EQ(min.where, "Message.append_entries.entries[0].data<ConfigChange>.learners");
}

TEST(Evolved, ClusterVersionEntry) {
  ev::ClusterVersionChange cv;
  cv.set_version(2);
  ev::Entry e;
  e.set_index(10);
  e.set_type(ev::ENTRY_TYPE_CLUSTER_VERSION);
  e.set_data(cv.SerializeAsString());
  MinRelease min = MustMin(e);
  EXPECT_EQ(min.release, 2u);
  // Entry.type (field 3) is visited before Entry.data (field 4).
  EXPECT_EQ(min.element,
            "enum value raftlog.minver_testdata.v2.EntryType.ENTRY_TYPE_CLUSTER_VERSION since 2");
  EXPECT_EQ(min.where, "Entry.type");
}

TEST(Evolved, ClusterVersionSetAboveTheSinceRaisesTheMinimum) {
  ev::ClusterVersionChange cv;
  cv.set_version(3);
  cv.set_previous(2);
  ev::Entry e;
  e.set_type(ev::ENTRY_TYPE_CLUSTER_VERSION);
  e.set_data(cv.SerializeAsString());
  MinRelease min = MustMin(AppendOf({e}));
  EXPECT_EQ(min.release, 3u);
  EXPECT_EQ(min.element,
            "cluster version 3 set by raftlog.minver_testdata.v2.ClusterVersionChange.version");
  EXPECT_EQ(min.where, "Message.append_entries.entries[0].data<ClusterVersionChange>.version");

  // A later downgrade entry lowers the version in effect again.
  ev::ClusterVersionChange down;
  down.set_version(2);
  down.set_previous(3);
  down.set_downgrade(true);
  ev::Entry lowered;
  lowered.set_type(ev::ENTRY_TYPE_CLUSTER_VERSION);
  lowered.set_data(down.SerializeAsString());
  min = MustMin(AppendOf({e, lowered}));
  EXPECT_EQ(min.release, 2u);
}

TEST(Evolved, ProtocolVersionValue) {
  ev::Message m;
  m.set_protocol_version(1);
  EXPECT_EQ(MustMin(m).release, 1u);
  m.set_protocol_version(3);
  MinRelease min = MustMin(m);
  EXPECT_EQ(min.release, 3u);
  EXPECT_EQ(min.element,
            "protocol version 3 in raftlog.minver_testdata.v2.Message.protocol_version "
            "(releases below v3 refuse it)");
  EXPECT_EQ(min.where, "Message.protocol_version");
}

TEST(Evolved, InstallSnapshotFormatNeedsItsFirstReader) {
  ev::Message m;
  m.mutable_install_snapshot()->set_format(1);
  EXPECT_EQ(MustMin(m).release, 1u);
  m.mutable_install_snapshot()->set_format(2);
  MinRelease min = MustMin(m);
  EXPECT_EQ(min.release, 2u);
  EXPECT_THAT(min.element, HasSubstr("snapshot format 2 (first read by v2)"));
  EXPECT_EQ(min.where, "Message.install_snapshot.format");
  m.mutable_install_snapshot()->set_format(3);
  EXPECT_EQ(MustMin(m).release, 3u);

  m.mutable_install_snapshot()->set_format(77);
  absl::StatusOr<MinRelease> unknown = MinReleaseForMessage(m);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(unknown.status().message(), HasSubstr("snapshot format 77"));
}

TEST(Evolved, NoopDataIsOpaque) {
  ev::Entry e;
  e.set_type(ev::ENTRY_TYPE_NOOP);
  e.set_data("\xff\xff not a message");
  EXPECT_EQ(MustMin(e).release, 1u);
}

TEST(Evolved, UndeclaredEntryTypeWithDataIsAnError) {
  ev::Entry e;
  e.set_type(ev::ENTRY_TYPE_UNDECLARED);
  EXPECT_EQ(MustMin(e).release, 2u);  // no data: nothing to interpret
  e.set_data("x");
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(e);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(min.status().message(), HasSubstr("ENTRY_TYPE_UNDECLARED"));
  EXPECT_THAT(min.status().message(), HasSubstr("at Entry"));
}

TEST(Evolved, EntryDataThatDoesNotParseIsDataLoss) {
  ev::Entry e;
  e.set_type(ev::ENTRY_TYPE_COMMAND);
  e.set_data("\xff");
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(*AppendOf({e}).mutable_append_entries());
  EXPECT_EQ(min.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(min.status().message(), HasSubstr("AppendEntries.entries[0].data"));
  EXPECT_THAT(min.status().message(), HasSubstr("raftlog.minver_testdata.v2.Command"));
}

// --- Data newer than the schema ---------------------------------------------

TEST(NewerData, UnknownFieldsAreUnimplemented) {
  ev::Message newer;
  newer.mutable_pre_vote()->set_last_log_index(3);
  v1::Message old;
  ASSERT_TRUE(old.ParseFromString(newer.SerializeAsString()));
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(old);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(min.status().message(), HasSubstr("raftlog.wire.v1.Message at Message"));
  EXPECT_THAT(min.status().message(), HasSubstr("field number(s) 16"));
}

TEST(NewerData, UnknownEnumValueIsUnimplemented) {
  ev::ClusterVersionChange cv;
  cv.set_version(2);
  ev::Entry newer;
  newer.set_type(ev::ENTRY_TYPE_CLUSTER_VERSION);
  newer.set_data(cv.SerializeAsString());
  v1::Entry old;
  ASSERT_TRUE(old.ParseFromString(newer.SerializeAsString()));
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(old);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(min.status().message(), HasSubstr("enum value 4 of raftlog.wire.v1.EntryType"));
  EXPECT_THAT(min.status().message(), HasSubstr("Entry.type"));
}

// --- Unannotated elements: an error naming the element, never 1 -------------

TEST(Unannotated, FieldWithoutSince) {
  bad::Entry e;
  e.set_index(1);
  e.set_no_since(0);  // not present: fine
  EXPECT_EQ(MustMin(e).release, 1u);
  e.set_no_since(5);
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(e);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(min.status().message(),
              HasSubstr("field raftlog.minver_testdata.v2_unannotated.Entry.no_since has no "
                        "(raftlog.wire.field_since) annotation"));
  EXPECT_THAT(min.status().message(), HasSubstr("Entry.no_since"));
}

TEST(Unannotated, MessageWithoutSince) {
  bad::Entry e;
  e.mutable_nested();
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(e);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(min.status().message(),
              HasSubstr("message raftlog.minver_testdata.v2_unannotated.Unannotated has no "
                        "(raftlog.wire.message_since)"));
}

TEST(Unannotated, SinceZero) {
  bad::Entry e;
  e.mutable_zero();
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(e);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(min.status().message(),
              HasSubstr("message raftlog.minver_testdata.v2_unannotated.ZeroSince has "
                        "(raftlog.wire.message_since) = 0"));
}

TEST(Unannotated, EnumValueWithoutSince) {
  bad::Entry e;
  e.set_type(bad::ENTRY_TYPE_CONFIG);
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(e);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(min.status().message(),
              HasSubstr("enum value raftlog.minver_testdata.v2_unannotated.EntryType."
                        "ENTRY_TYPE_CONFIG has no (raftlog.wire.value_since)"));
}

TEST(Unannotated, FieldInsideEntryData) {
  bad::Command cmd;
  cmd.set_key("k");
  bad::Entry e;
  e.set_type(bad::ENTRY_TYPE_COMMAND);
  e.set_data(cmd.SerializeAsString());
  EXPECT_EQ(MustMin(e).release, 1u);
  cmd.set_value("v");
  e.set_data(cmd.SerializeAsString());
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(e);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(min.status().message(),
              HasSubstr("field raftlog.minver_testdata.v2_unannotated.Command.value"));
  EXPECT_THAT(min.status().message(), HasSubstr("Entry.data<Command>.value"));
}

TEST(Misfit, PayloadRuleThatDoesNotFitIsInternal) {
  raftlog::minver_testdata::v2_misfit::Entry e;
  e.set_type(2);
  e.set_data("x");
  EXPECT_EQ(MinReleaseForMessage(e).status().code(), absl::StatusCode::kInternal);
}

// --- Nesting limit, bytes, dynamic pools -------------------------------------

TEST(Limits, PayloadNestingIsBounded) {
  // A table under which Command.key holds another Command when op is PUT.
  PayloadTable table;
  table.nested.push_back({"Command", "key", "op", {{"COMMAND_OP_PUT", "Command"}}});
  ev::Command inner;
  inner.set_op(ev::COMMAND_OP_GET);
  for (int depth = 0; depth < kMaxPayloadDepth + 1; ++depth) {
    ev::Command outer;
    outer.set_op(ev::COMMAND_OP_PUT);
    outer.set_key(inner.SerializeAsString());
    inner = outer;
  }
  absl::StatusOr<MinRelease> min = MinReleaseForMessage(inner, table);
  EXPECT_EQ(min.status().code(), absl::StatusCode::kInvalidArgument);

  // Within the limit the walk reaches the innermost payload.
  ev::Command shallow;
  shallow.set_op(ev::COMMAND_OP_INCREMENT);
  ev::Command outer;
  outer.set_op(ev::COMMAND_OP_PUT);
  outer.set_key(shallow.SerializeAsString());
  min = MinReleaseForMessage(outer, table);
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->where, "Command.key<Command>.op");
}

TEST(Bytes, ParsesThenWalks) {
  ev::Command cmd = Put("a");
  cmd.set_ttl_ms(1);
  absl::StatusOr<MinRelease> min =
      MinReleaseForBytes(ev::Command::descriptor(), cmd.SerializeAsString(), "x: ");
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->where, "x: Command.ttl_ms");
  EXPECT_EQ(MinReleaseForBytes(ev::Command::descriptor(), "\xff").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(Bytes, DynamicPoolFromDescriptorProtos) {
  // A pool built from descriptor protos (as from a descriptor set): options
  // are read from raw bytes, payloads are dynamic messages.
  google::protobuf::DescriptorPool pool;
  for (const google::protobuf::FileDescriptor* f :
       {google::protobuf::FileDescriptorProto::descriptor()->file(),
        ev::Message::descriptor()->file()->dependency(0), ev::Message::descriptor()->file()}) {
    google::protobuf::FileDescriptorProto proto;
    f->CopyTo(&proto);
    ASSERT_NE(pool.BuildFile(proto), nullptr) << f->name();
  }
  const google::protobuf::Descriptor* entry =
      pool.FindMessageTypeByName("raftlog.minver_testdata.v2.Entry");
  ASSERT_NE(entry, nullptr);
  ASSERT_NE(entry, ev::Entry::descriptor());
  ev::Command cmd = Put("a");
  cmd.set_op(ev::COMMAND_OP_INCREMENT);
  absl::StatusOr<MinRelease> min =
      MinReleaseForBytes(entry, CommandEntry(1, cmd).SerializeAsString());
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->release, 2u);
  EXPECT_EQ(min->where, "Entry.data<Command>.op");
}

}  // namespace
}  // namespace raftlog::wire::minver
