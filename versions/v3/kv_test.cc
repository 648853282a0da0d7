#include "versions/v3/kv.h"

#include "gtest/gtest.h"

namespace raftlog::v3 {
namespace {

using wire::v3::Command;

Command Cmd(uint64_t client, uint64_t seq, wire::v3::CommandOp op, const std::string& key,
            const std::string& value = "", const std::string& expected = "") {
  Command c;
  c.set_client_id(client);
  c.set_sequence(seq);
  c.set_op(op);
  c.set_key(key);
  c.set_value(value);
  c.set_expected(expected);
  return c;
}

TEST(KvStore, Operations) {
  KvStore kv;
  uint64_t i = 0;
  EXPECT_FALSE(kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_GET, "k"), ++i).found);
  kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_APPEND, "k", "ab"), ++i);
  kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_APPEND, "k", "cd"), ++i);
  CommandResult g = kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_GET, "k"), ++i);
  EXPECT_TRUE(g.found);
  EXPECT_EQ(g.value, "abcd");
  CommandResult bad = kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_CAS, "k", "new", "zz"), ++i);
  EXPECT_FALSE(bad.succeeded);
  EXPECT_EQ(bad.value, "abcd");
  CommandResult good = kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_CAS, "k", "new", "abcd"), ++i);
  EXPECT_TRUE(good.succeeded);
  EXPECT_EQ(*kv.Get("k"), "new");
  // CAS on an absent key expects "".
  EXPECT_TRUE(kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_CAS, "z", "v", ""), ++i).succeeded);
  kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_DELETE, "k"), ++i);
  EXPECT_FALSE(kv.Get("k").has_value());
  kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "p", "1"), ++i);
  EXPECT_EQ(*kv.Get("p"), "1");
}

TEST(KvStore, RetriedSequenceIsAnsweredFromTheSession) {
  KvStore kv;
  CommandResult first = kv.Apply(Cmd(7, 1, wire::v3::COMMAND_OP_APPEND, "k", "x"), 5);
  EXPECT_FALSE(first.duplicate);
  CommandResult retry = kv.Apply(Cmd(7, 1, wire::v3::COMMAND_OP_APPEND, "k", "x"), 9);
  EXPECT_TRUE(retry.duplicate);
  EXPECT_TRUE(retry.status.ok());
  EXPECT_EQ(retry.index, 5u);  // the original index
  EXPECT_EQ(*kv.Get("k"), "x");  // applied once

  kv.Apply(Cmd(7, 2, wire::v3::COMMAND_OP_GET, "k"), 10);
  kv.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "k", "changed"), 11);
  CommandResult get_retry = kv.Apply(Cmd(7, 2, wire::v3::COMMAND_OP_GET, "k"), 12);
  EXPECT_TRUE(get_retry.found);
  EXPECT_EQ(get_retry.value, "x");  // the recorded answer, not the current value

  CommandResult stale = kv.Apply(Cmd(7, 1, wire::v3::COMMAND_OP_APPEND, "k", "x"), 13);
  EXPECT_EQ(stale.status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(*kv.Get("k"), "changed");
  EXPECT_EQ(kv.FindSession(7)->last_sequence, 2u);
}

TEST(KvStore, DigestIsOrderIndependentAndSnapshotStable) {
  KvStore a, b;
  a.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "x", "1"), 1);
  a.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "y", "2"), 2);
  b.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "y", "2"), 1);
  b.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "x", "0"), 2);
  EXPECT_NE(a.Digest(), b.Digest());
  b.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "x", "1"), 3);
  EXPECT_EQ(a.Digest(), b.Digest());
  a.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_DELETE, "y"), 3);
  EXPECT_NE(a.Digest(), b.Digest());
  // Key/value boundaries matter: ("ab","c") differs from ("a","bc").
  EXPECT_NE(KvRecordHash("ab", "c"), KvRecordHash("a", "bc"));

  KvStore s;
  s.Apply(Cmd(3, 1, wire::v3::COMMAND_OP_PUT, "k", "v"), 4);
  s.Apply(Cmd(4, 1, wire::v3::COMMAND_OP_CAS, "k", "w", "nope"), 5);
  snapshots::SnapshotState st;
  s.ToSnapshot(&st);
  ASSERT_EQ(st.sessions.size(), 2u);
  EXPECT_EQ(st.sessions[1].response, "v");
  KvStore restored;
  restored.FromSnapshot(st);
  EXPECT_EQ(restored.Digest(), s.Digest());
  EXPECT_EQ(*restored.Get("k"), "v");
  // Sessions count in the digest.
  KvStore no_sessions;
  no_sessions.Apply(Cmd(0, 0, wire::v3::COMMAND_OP_PUT, "k", "v"), 4);
  EXPECT_NE(no_sessions.Digest(), s.Digest());
  // The restored sessions still deduplicate.
  EXPECT_TRUE(restored.Apply(Cmd(3, 1, wire::v3::COMMAND_OP_PUT, "k", "v"), 9).duplicate);
}

}  // namespace
}  // namespace raftlog::v3
