// Checks the v1 schema's own promises: every element is annotated with the
// release that introduced it, and what v1 does not know survives a round trip.
#include <string>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "wire/options.pb.h"
#include "wire/v2/raft.pb.h"

namespace raftlog::wire::v2 {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FileDescriptor;

void CheckEnum(const EnumDescriptor* e) {
  EXPECT_EQ(e->options().GetExtension(raftlog::wire::enum_since), 1u) << e->full_name();
  for (int i = 0; i < e->value_count(); ++i) {
    EXPECT_EQ(e->value(i)->options().GetExtension(raftlog::wire::value_since), 1u)
        << e->value(i)->full_name();
  }
}

void CheckMessage(const Descriptor* d) {
  EXPECT_EQ(d->options().GetExtension(raftlog::wire::message_since), 1u) << d->full_name();
  for (int i = 0; i < d->field_count(); ++i) {
    EXPECT_EQ(d->field(i)->options().GetExtension(raftlog::wire::field_since), 1u)
        << d->field(i)->full_name();
  }
  for (int i = 0; i < d->nested_type_count(); ++i) CheckMessage(d->nested_type(i));
  for (int i = 0; i < d->enum_type_count(); ++i) CheckEnum(d->enum_type(i));
}

TEST(RaftProto, EverythingIsAnnotatedSinceV1) {
  const FileDescriptor* file = Message::descriptor()->file();
  EXPECT_EQ(file->package(), "raftlog.wire.v2");
  ASSERT_GE(file->message_type_count(), 10);
  for (int i = 0; i < file->message_type_count(); ++i) CheckMessage(file->message_type(i));
  ASSERT_GE(file->enum_type_count(), 4);
  for (int i = 0; i < file->enum_type_count(); ++i) CheckEnum(file->enum_type(i));
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
}  // namespace raftlog::wire::v2
