// The schema half of the corpus: reaching each tag's envelope by name, shapes,
// and the round-trip check with unknown fields (today's only way to have a
// "newer sender" is to write its extra fields by hand: later tags add fields
// with numbers v1 does not know, which is exactly what these bytes carry).
#include "wire/cross_decode/schema.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/registry.h"

namespace raftlog::wire::cross_decode {
namespace {

// Wire-format helpers, so no tag's C++ types are needed.
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string VarintField(int number, uint64_t v) {
  return Varint(uint64_t(number) << 3) + Varint(v);
}
std::string BytesField(int number, const std::string& b) {
  return Varint((uint64_t(number) << 3) | 2) + Varint(b.size()) + b;
}

// A v1 RequestVote from 2 to 1 in term 3, written by hand from the schema's
// field numbers (protocol_version 1, type 2, from 3, to 4, term 5,
// request_vote 10 {last_log_index 1, last_log_term 2}).
std::string RequestVote(const std::string& extra_body = "", const std::string& extra_top = "") {
  return VarintField(1, 1) + VarintField(2, 1) + VarintField(3, 2) + VarintField(4, 1) +
         VarintField(5, 3) + BytesField(10, VarintField(1, 7) + VarintField(2, 2) + extra_body) +
         extra_top;
}

TEST(Schema, EveryRegisteredTagHasItsEnvelopeLinked) {
  ASSERT_FALSE(AllReleases().empty());
  for (const api::ReleaseInfo& r : AllReleases()) {
    const google::protobuf::Descriptor* d = EnvelopeDescriptor(r.tag);
    ASSERT_NE(d, nullptr) << r.tag << ": link //wire/" << r.tag << ":raft_cc_proto into :schemas";
    EXPECT_EQ(d->full_name(), absl::StrCat("raftlog.wire.", r.tag, ".Message"));
    EXPECT_EQ(d->file()->package(), WirePackage(r.tag));
    ASSERT_NE(MessageTypeEnum(r.tag), nullptr) << r.tag;
    const google::protobuf::FieldDescriptor* type = d->FindFieldByName("type");
    ASSERT_NE(type, nullptr) << r.tag;
    EXPECT_EQ(type->enum_type(), MessageTypeEnum(r.tag)) << r.tag;
    EXPECT_FALSE(SendableTypes(r.tag).empty()) << r.tag;
  }
}

TEST(Schema, V1SendableTypesComeFromTheEnum) {
  std::vector<std::string> names;
  for (const auto* v : SendableTypes("v1")) names.push_back(v->name());
  EXPECT_EQ(names, (std::vector<std::string>{
                       "MESSAGE_TYPE_REQUEST_VOTE", "MESSAGE_TYPE_REQUEST_VOTE_RESPONSE",
                       "MESSAGE_TYPE_APPEND_ENTRIES", "MESSAGE_TYPE_APPEND_ENTRIES_RESPONSE",
                       "MESSAGE_TYPE_INSTALL_SNAPSHOT", "MESSAGE_TYPE_INSTALL_SNAPSHOT_RESPONSE"}));
}

TEST(Schema, UnlinkedTagIsReportedNotCrashed) {
  EXPECT_EQ(EnvelopeDescriptor("v999"), nullptr);
  EXPECT_TRUE(SendableTypes("v999").empty());
  EXPECT_EQ(ParseEnvelope("v999", RequestVote()), nullptr);
  SchemaVerdict v = CheckSchemaDecode("v1", "v999", RequestVote());
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.detail.find("raftlog.wire.v999.Message"), std::string::npos) << v.detail;
}

TEST(Schema, TypeValueAndShape) {
  std::unique_ptr<google::protobuf::Message> m = ParseEnvelope("v1", RequestVote());
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(TypeValueName(*m), "MESSAGE_TYPE_REQUEST_VOTE");
  EXPECT_EQ(Shape(*m),
            "from protocol_version request_vote request_vote.last_log_index "
            "request_vote.last_log_term term to type=MESSAGE_TYPE_REQUEST_VOTE");
  // A type number the schema does not name.
  std::unique_ptr<google::protobuf::Message> odd = ParseEnvelope("v1", VarintField(2, 77));
  ASSERT_NE(odd, nullptr);
  EXPECT_EQ(TypeValueName(*odd), "#77");
  // Unknown fields show in the shape, at the level they are in.
  std::unique_ptr<google::protobuf::Message> u =
      ParseEnvelope("v1", RequestVote(VarintField(40, 1)));
  ASSERT_NE(u, nullptr);
  EXPECT_NE(Shape(*u).find("request_vote.?unknown"), std::string::npos) << Shape(*u);
}

TEST(Schema, SameTagBytesRoundTripExactly) {
  SchemaVerdict v = CheckSchemaDecode("v1", "v1", RequestVote());
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.detail, "exact");
  EXPECT_EQ(v.unknown_paths, 0u);
}

TEST(Schema, NonCanonicalBytesAreSemanticallyEqual) {
  // Fields out of order, and `term` written twice (last one wins): the
  // re-encoding differs from the input but means the same.
  const std::string bytes = VarintField(5, 1) + BytesField(10, VarintField(1, 7)) +
                            VarintField(1, 1) + VarintField(2, 1) + VarintField(5, 3);
  SchemaVerdict v = CheckSchemaDecode("v1", "v1", bytes);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.detail, "semantically equal");
}

TEST(Schema, UnknownFieldsOfANewerSenderSurviveByteExact) {
  // What a later tag could add: a field in the body, a new body case, a
  // fixed64 and a length-delimited header field.
  const std::string extra_body = VarintField(9, 123456789) + BytesField(17, "new-in-body");
  const std::string extra_top = BytesField(40, VarintField(1, 1)) +
                                std::string("\x31\x01\x02\x03\x04\x05\x06\x07\x08", 9) +
                                BytesField(7, std::string("\x00\xff", 2));
  const std::string bytes = RequestVote(extra_body, extra_top);
  std::unique_ptr<google::protobuf::Message> m = ParseEnvelope("v1", bytes);
  ASSERT_NE(m, nullptr);
  std::map<std::string, std::string> unknown = UnknownFieldsByPath(*m);
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_EQ(unknown[""], extra_top);
  EXPECT_EQ(unknown["request_vote"], extra_body);
  // The receiver re-encodes: same unknown fields, byte for byte.
  std::unique_ptr<google::protobuf::Message> again = ParseEnvelope("v1", m->SerializeAsString());
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(UnknownFieldsByPath(*again), unknown);
  SchemaVerdict v = CheckSchemaDecode("v1", "v1", bytes);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.unknown_paths, 2u);
  // Discarding them is what the tag itself reads.
  DiscardUnknown(m.get());
  EXPECT_TRUE(UnknownFieldsByPath(*m).empty());
}

TEST(Schema, UnparsableBytesAreNotOk) {
  const std::string bytes = RequestVote();
  SchemaVerdict v = CheckSchemaDecode("v1", "v1", bytes.substr(0, bytes.size() - 1));
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.detail.find("does not parse"), std::string::npos) << v.detail;
  // A wire type the field does not have (field 5 `term` as length-delimited
  // with a short payload) is unknown to protobuf's parser rules: kept as
  // unknown, not misread as a term.
  std::unique_ptr<google::protobuf::Message> m = ParseEnvelope("v1", BytesField(5, "ab"));
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(UnknownFieldsByPath(*m).size(), 1u);
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
