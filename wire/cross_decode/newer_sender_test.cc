// Old reads new, before a newer tag exists: bytes written with the test-only
// schema "v1_plus" (v1 plus what a later tag could add: a new message type,
// new header, body and entry fields, a new entry type) decoded by the real
// v1, through its node and its schema, and judged by the same code the grid
// uses. This is what the grid will show for v2 -> v1 once v2 is cut.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "versions/registry.h"
#include "wire/cross_decode/corpus.h"
#include "wire/cross_decode/node_decode.h"
#include "wire/cross_decode/policy.h"
#include "wire/cross_decode/schema.h"
#include "wire/cross_decode/testdata/v1_plus/raft.pb.h"

namespace raftlog::wire::cross_decode {
namespace {

namespace plus = ::raftlog::wire::v1_plus;

constexpr char kNewer[] = "v1_plus";

plus::Message Header(plus::MessageType type) {
  plus::Message m;
  m.set_protocol_version(1);
  m.set_type(type);
  m.set_from(2);
  m.set_to(1);
  m.set_term(3);
  return m;
}

// An AppendEntries carrying every addition v1 may ignore: a header field, a
// field after the body, a body field and a field in each entry.
std::string AppendEntriesWithNewFields() {
  plus::Message m = Header(plus::MESSAGE_TYPE_APPEND_ENTRIES);
  m.set_cluster_version(2);
  m.set_mac(std::string(32, '\x5a'));
  plus::AppendEntries* ae = m.mutable_append_entries();
  ae->set_leader_commit(1);
  ae->set_lease_ticks(9);
  plus::ConfigChange cc;
  cc.set_type(plus::CONFIG_CHANGE_TYPE_BOOTSTRAP);
  cc.add_voters(1);
  cc.add_voters(2);
  plus::Entry* e1 = ae->add_entries();
  e1->set_index(1);
  e1->set_term(1);
  e1->set_type(plus::ENTRY_TYPE_CONFIG);
  e1->set_data(cc.SerializeAsString());
  e1->set_checksum(0xfeed);
  plus::Command cmd;
  cmd.set_client_id(5);
  cmd.set_sequence(1);
  cmd.set_op(plus::COMMAND_OP_PUT);
  cmd.set_key("k");
  cmd.set_value("v");
  plus::Entry* e2 = ae->add_entries();
  e2->set_index(2);
  e2->set_term(3);
  e2->set_type(plus::ENTRY_TYPE_COMMAND);
  e2->set_data(cmd.SerializeAsString());
  e2->set_checksum(0xbeef);
  return m.SerializeAsString();
}

Sample MakeSample(const std::string& type, const std::string& bytes) {
  Sample s;
  s.sender_tag = kNewer;
  s.from = 2;
  s.to = 1;
  s.type = type;
  s.bytes = bytes;
  std::unique_ptr<google::protobuf::Message> m = ParseEnvelope(kNewer, bytes);
  if (m != nullptr) s.type_value = TypeValueName(*m);
  return s;
}

WirePolicy Policy() {
  return WirePolicy::FromText("v1 -> v1_plus: rolling_upgrade\n", "test", {"v1", kNewer});
}

TEST(NewerSender, SchemaIsLinkedUnderItsTag) {
  ASSERT_NE(EnvelopeDescriptor(kNewer), nullptr);
  EXPECT_EQ(SendableTypes(kNewer).size(), SendableTypes("v1").size() + 1);
}

TEST(NewerSender, NewFieldsAreKeptByV1AndIgnoredByItsNode) {
  const std::string bytes = AppendEntriesWithNewFields();
  // Schema path: v1 keeps what it does not know, byte for byte, and gives
  // the newer sender back everything it wrote. Not the same bytes, though:
  // v1 writes the unknown fields after the ones it knows (cluster_version,
  // field 6, moves behind the body), so nothing may authenticate a message
  // by bytes an older node re-encoded.
  SchemaVerdict v = CheckSchemaDecode(kNewer, "v1", bytes);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.detail, "semantically equal");
  std::unique_ptr<google::protobuf::Message> seen_by_v1 = ParseEnvelope("v1", bytes);
  ASSERT_NE(seen_by_v1, nullptr);
  std::map<std::string, std::string> unknown = UnknownFieldsByPath(*seen_by_v1);
  std::vector<std::string> paths;
  for (const auto& [path, b] : unknown) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"", "append_entries", "append_entries.entries[0]",
                                             "append_entries.entries[1]"}));
  // Node path: a fresh v1 node appends the entries.
  NodeResult n = DeliverToFreshNode(*FindRelease("v1"), 2, 1, bytes, 1);
  EXPECT_EQ(n.verdict, Verdict::kOk) << n.status;

  const Sample s = MakeSample("AppendEntries", bytes);
  Cell c = DecodeCell(kNewer, *FindRelease("v1"), "AppendEntries", {&s}, 1, Policy());
  EXPECT_EQ(c.outcome, CellOutcome::kOk) << c.first_broken;
  EXPECT_EQ(c.unknown_fields, 1u);
  EXPECT_TRUE(c.required);
  EXPECT_EQ(c.expected, Expect::kOk);
  EXPECT_EQ(JudgeCell(c), "");
}

TEST(NewerSender, ANewMessageTypeIsRefusedCleanlyAsThePolicyExpects) {
  plus::Message m = Header(plus::MESSAGE_TYPE_PRE_VOTE);
  m.mutable_pre_vote()->set_last_log_index(4);
  m.mutable_pre_vote()->set_last_log_term(2);
  const std::string bytes = m.SerializeAsString();
  // The schema still round-trips it (the body is an unknown field to v1).
  SchemaVerdict v = CheckSchemaDecode(kNewer, "v1", bytes);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.unknown_paths, 1u);
  // The node refuses it: unknown type, counted.
  NodeResult n = DeliverToFreshNode(*FindRelease("v1"), 2, 1, bytes, 1);
  EXPECT_EQ(n.verdict, Verdict::kRefused);
  EXPECT_EQ(n.status.code(), absl::StatusCode::kUnimplemented) << n.status;
  EXPECT_EQ(n.counters_moved, std::vector<std::string>{"unknown_message_types"});
  // The policy derives "refused" from v1's enum, and the cell agrees.
  const WirePolicy policy = Policy();
  TypeRule rule = policy.Type(kNewer, "v1", "PreVote", "MESSAGE_TYPE_PRE_VOTE", 1);
  EXPECT_EQ(rule.expect, Expect::kRefused);
  EXPECT_EQ(rule.why, "v1's MessageType has no value 7 (MESSAGE_TYPE_PRE_VOTE)");
  const Sample s = MakeSample("PreVote", bytes);
  Cell c = DecodeCell(kNewer, *FindRelease("v1"), "PreVote", {&s}, 1, policy);
  EXPECT_EQ(c.outcome, CellOutcome::kRefused);
  EXPECT_EQ(c.codes, std::set<std::string>{"UNIMPLEMENTED"});
  EXPECT_EQ(JudgeCell(c), "");
  // Were it accepted, the judge would say so.
  c.outcome = CellOutcome::kOk;
  c.ok = 1;
  c.refused = 0;
  EXPECT_NE(JudgeCell(c).find("expected refused, got ok"), std::string::npos);
}

// A new entry type inside a known message type: v1 refuses the whole
// message (counted). The schema-derived expectation is "ok" (v1 knows
// AppendEntries), so the judge flags it: a newer tag must not send such
// entries to v1 (gate them on the cluster version), or declare an override.
TEST(NewerSender, ANewEntryTypeInAKnownMessageIsFlagged) {
  plus::Message m = Header(plus::MESSAGE_TYPE_APPEND_ENTRIES);
  plus::Entry* e = m.mutable_append_entries()->add_entries();
  e->set_index(1);
  e->set_term(3);
  e->set_type(plus::ENTRY_TYPE_CLUSTER_VERSION);
  e->set_data("\x08\x02");
  const std::string bytes = m.SerializeAsString();
  const Sample s = MakeSample("AppendEntries", bytes);
  Cell c = DecodeCell(kNewer, *FindRelease("v1"), "AppendEntries", {&s}, 1, Policy());
  EXPECT_EQ(c.outcome, CellOutcome::kRefused);
  EXPECT_EQ(c.counters, std::set<std::string>{"unknown_message_types"});
  EXPECT_NE(JudgeCell(c).find("expected ok, got refused"), std::string::npos) << JudgeCell(c);
}

// New reads old: v1's bytes through the newer schema.
TEST(NewerSender, OldBytesDecodeUnderTheNewerSchema) {
  const api::ReleaseInfo* v1 = FindRelease("v1");
  ASSERT_NE(v1, nullptr);
  const Capture capture = CaptureRelease(*v1, CaptureOptions());
  ASSERT_FALSE(capture.samples.empty());
  for (const Sample& s : capture.samples) {
    SchemaVerdict v = CheckSchemaDecode("v1", kNewer, s.bytes);
    EXPECT_TRUE(v.ok) << s.type << " #" << s.seq << ": " << v.detail;
    EXPECT_EQ(v.detail, "exact");
    EXPECT_EQ(v.unknown_paths, 0u);
  }
}

}  // namespace
}  // namespace raftlog::wire::cross_decode
