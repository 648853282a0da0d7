// The resource bounds a peer's bytes meet in v3's Deliver path, each at its
// limit and one past it (raft.h kMaxMessageBytes, kMaxEntriesPerAppend):
// past the limit the message is refused with a code of node.h's table, a
// message naming the bound, a decode error counted, and the node unchanged.
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "versions/api/mem_env.h"
#include "versions/api/node.h"
#include "versions/v3/node.h"
#include "versions/v3/raft.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::v3 {
namespace {

struct Follower {
  api::MemEnv env{3};
  std::unique_ptr<Node> node;
  Follower() {
    api::NodeOptions o;
    o.id = 1;
    o.bootstrap_voters = {1, 2, 3};
    o.env = env.env();
    node = std::make_unique<Node>(o);
    EXPECT_TRUE(node->Start().ok());
    (void)node->TakeReady();
  }
  uint64_t DecodeErrors() const {
    auto c = node->Counters();
    return c.count(api::kCounterDecodeErrors) ? c.at(api::kCounterDecodeErrors) : 0;
  }
};

// An AppendEntries from leader 2 in term 1 after the bootstrap entry, with
// `n` no-op entries.
std::string AppendWith(size_t n) {
  wire::v3::Message m;
  m.set_type(wire::v3::MESSAGE_TYPE_APPEND_ENTRIES);
  m.set_protocol_version(1);
  m.set_from(2);
  m.set_to(1);
  m.set_term(1);
  wire::v3::AppendEntries* ae = m.mutable_append_entries();
  ae->set_prev_log_index(1);
  ae->set_prev_log_term(1);
  for (size_t i = 0; i < n; ++i) {
    wire::v3::Entry* e = ae->add_entries();
    e->set_index(2 + i);
    e->set_term(1);
    e->set_type(wire::v3::ENTRY_TYPE_NOOP);
  }
  return m.SerializeAsString();
}

TEST(V3Bounds, EntriesPerAppendAtTheLimitAreTaken) {
  Follower f;
  const absl::Status s = f.node->Deliver(2, AppendWith(kMaxEntriesPerAppend));
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(f.node->State().last_index, 1 + kMaxEntriesPerAppend);
  EXPECT_EQ(f.DecodeErrors(), 0u);
}

TEST(V3Bounds, EntriesPerAppendOnePastTheLimitAreRefused) {
  Follower f;
  const api::ProtocolState before = f.node->State();
  const absl::Status s = f.node->Deliver(2, AppendWith(kMaxEntriesPerAppend + 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "field entries: 65 entries")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "kMaxEntriesPerAppend")) << s;
  EXPECT_EQ(f.DecodeErrors(), 1u);
  EXPECT_EQ(f.node->State().last_index, before.last_index);
  EXPECT_EQ(f.node->State().term, before.term);
}

TEST(V3Bounds, MessageBytesAtTheLimitAreParsed) {
  Follower f;
  // Zero bytes are no valid protobuf (field number 0): the parse, not the
  // size check, refuses them.
  const absl::Status s = f.node->Deliver(2, std::string(kMaxMessageBytes, '\0'));
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "undecodable")) << s;
  EXPECT_EQ(f.DecodeErrors(), 1u);
}

TEST(V3Bounds, MessageBytesOnePastTheLimitAreRefusedUnparsed) {
  Follower f;
  const api::ProtocolState before = f.node->State();
  std::string big = AppendWith(1);
  big.resize(kMaxMessageBytes + 1, '\0');
  const absl::Status s = f.node->Deliver(2, big);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "134217729 bytes, over the limit of 134217728"))
      << s;
  EXPECT_EQ(f.DecodeErrors(), 1u);
  EXPECT_EQ(f.node->State().last_index, before.last_index);
}

}  // namespace
}  // namespace raftlog::v3
