#include "snapshots/format1/format1.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "snapshots/codec_testing.h"
#include "snapshots/crc32c.h"
#include "snapshots/format1/constants.h"
#include "snapshots/format1/testing.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format1 {
namespace {

using ::raftlog::snapshots::format1::testing::EmptyState;
using ::raftlog::snapshots::format1::testing::GeneratedState;
using ::raftlog::snapshots::format1::testing::MustEncode;
using ::raftlog::snapshots::format1::testing::PutU32At;
using ::raftlog::snapshots::format1::testing::PutU64At;
using ::raftlog::snapshots::format1::testing::Reseal;
using ::raftlog::snapshots::format1::testing::SmallState;

void ExpectRoundTrip(const SnapshotState& state) {
  snapshots::testing::ExpectCanonicalRoundTrip(
      state, [](const SnapshotState& s) { return Encode(s); },
      [](absl::string_view b) { return Decode(b); });
}

TEST(Format1RoundTrip, EmptyState) {
  ExpectRoundTrip(EmptyState());
  EXPECT_EQ(MustEncode(EmptyState()).size(), kMinFileBytes);
}

TEST(Format1RoundTrip, BinaryKeysWithNulsAndEmptyValues) {
  SnapshotState s = SmallState();
  ASSERT_EQ(s.kv.count(std::string("a\0b", 3)), 1u);
  ExpectRoundTrip(s);
}

TEST(Format1RoundTrip, ManySessionsAndPairs) {
  ExpectRoundTrip(GeneratedState(7, 2000, 1000));
}

TEST(Format1RoundTrip, ExtremeIntegers) {
  SnapshotState s;
  s.last_index = ~uint64_t{0};
  s.last_term = ~uint64_t{0} - 1;
  s.config_index = uint64_t{1} << 63;
  s.voters = {0, ~uint64_t{0}};
  Session x;
  x.client_id = ~uint64_t{0};
  x.last_sequence = ~uint64_t{0};
  x.last_index = ~uint64_t{0};
  x.found = x.succeeded = true;
  s.sessions = {x};
  ExpectRoundTrip(s);
}

// Pins the grammar of FORMAT.md byte by byte on a tiny state.
TEST(Format1Bytes, MatchTheSpec) {
  SnapshotState s;
  s.last_index = 1;
  s.last_term = 2;
  s.config_index = 3;
  s.voters = {9};
  s.kv["k"] = "vv";
  Session x;
  x.client_id = 5;
  x.last_sequence = 6;
  x.last_index = 7;
  x.response = "r";
  x.found = true;
  s.sessions = {x};
  const std::string body(
      "RLSNAP\r\n"
      "\x01\0\0\0"                           // format 1
      "\x01\0\0\0\0\0\0\0"                   // last_index
      "\x02\0\0\0\0\0\0\0"                   // last_term
      "\x03\0\0\0\0\0\0\0"                   // config_index
      "\x01\0\0\0"                           // voter_count
      "\x09\0\0\0\0\0\0\0"                   // voter 9
      "\x01\0\0\0\0\0\0\0"                   // kv_count
      "\x01\0\0\0k"                          // key
      "\x02\0\0\0vv"                         // value
      "\x01\0\0\0\0\0\0\0"                   // session_count
      "\x05\0\0\0\0\0\0\0"                   // client_id
      "\x06\0\0\0\0\0\0\0"                   // last_sequence
      "\x07\0\0\0\0\0\0\0"                   // last_index
      "\x01"                                 // flags: found
      "\x01\0\0\0r",                         // response
      12 + 8 * 3 + 4 + 8 + 8 + 5 + 6 + 8 + 8 * 3 + 1 + 5);
  std::string expected = body;
  const uint32_t crc = Crc32c(body);
  for (int i = 0; i < 4; ++i) expected.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  EXPECT_EQ(MustEncode(s), expected);
}

TEST(Format1Determinism, EqualStatesGiveEqualBytes) {
  SnapshotState a = SmallState();
  // Build the same state with the map filled in the opposite order.
  SnapshotState b = SmallState();
  b.kv.clear();
  for (auto it = a.kv.rbegin(); it != a.kv.rend(); ++it) b.kv.emplace(it->first, it->second);
  ASSERT_TRUE(a == b);
  EXPECT_EQ(MustEncode(a), MustEncode(b));
  EXPECT_EQ(MustEncode(GeneratedState(3, 100, 50)), MustEncode(GeneratedState(3, 100, 50)));
  // And unequal states give unequal bytes.
  b.sessions[0].found = !b.sessions[0].found;
  EXPECT_NE(MustEncode(a), MustEncode(b));
}

// --- Encode refusals -------------------------------------------------------

void ExpectEncodeRefused(const SnapshotState& s, absl::StatusCode code, absl::string_view word) {
  absl::StatusOr<std::string> bytes = Encode(s);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), code) << bytes.status();
  EXPECT_TRUE(absl::StrContains(bytes.status().message(), word)) << bytes.status();
}

TEST(Format1Encode, RefusesLearners) {
  SnapshotState s = SmallState();
  s.learners = {4};
  ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "learners");
}

TEST(Format1Encode, RefusesJointConfiguration) {
  SnapshotState s = SmallState();
  s.voters_outgoing = {1, 2};
  ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "voters_outgoing");
}

TEST(Format1Encode, RefusesClusterVersionOtherThanOne) {
  for (uint32_t v : {0u, 2u, 3u}) {
    SnapshotState s = SmallState();
    s.cluster_version = v;
    ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "cluster version");
  }
}

TEST(Format1Encode, RefusesMetadata) {
  SnapshotState s = SmallState();
  s.metadata["written_by"] = "v3";
  ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "metadata");
}

TEST(Format1Encode, RefusesTooManyVoters) {
  SnapshotState s;
  for (uint64_t i = 1; i <= kMaxVoters + 1; ++i) s.voters.push_back(i);
  ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "voters");
  s.voters.pop_back();
  ExpectRoundTrip(s);
}

TEST(Format1Encode, RefusesUnsortedOrDuplicateVotersAndSessions) {
  SnapshotState s = SmallState();
  s.voters = {2, 1};
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "voters");
  s.voters = {1, 1};
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "voters");
  s = SmallState();
  std::swap(s.sessions[0], s.sessions[1]);
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "sessions");
  s.sessions[1] = s.sessions[0];
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "sessions");
}

// --- Decode refusals -------------------------------------------------------

void ExpectDecodeRefused(absl::string_view bytes, absl::StatusCode code,
                         absl::string_view word) {
  absl::StatusOr<SnapshotState> st = Decode(bytes);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), code) << st.status();
  EXPECT_TRUE(absl::StrContains(st.status().message(), word)) << st.status();
}

TEST(Format1Decode, WrongMagicIsNotASnapshot) {
  std::string f = MustEncode(SmallState());
  f[0] = 'X';
  ExpectDecodeRefused(f, absl::StatusCode::kInvalidArgument, "not a snapshot");
  ExpectDecodeRefused("hello, world", absl::StatusCode::kInvalidArgument, "not a snapshot");
}

TEST(Format1Decode, OtherFormatNumbersAreUnimplemented) {
  for (uint32_t format : {0u, 2u, 3u, 99u, 0xFFFFFFFFu}) {
    std::string f = MustEncode(SmallState());
    PutU32At(&f, testing::kOffsetFormat, format);
    Reseal(&f);
    ExpectDecodeRefused(f, absl::StatusCode::kUnimplemented,
                        absl::StrCat("snapshot format ", format, ";"));
  }
}

TEST(Format1Decode, ChecksumMismatchIsDataLoss) {
  std::string f = MustEncode(SmallState());
  f[testing::kOffsetLastIndex] ^= 0x01;
  ExpectDecodeRefused(f, absl::StatusCode::kDataLoss, "checksum mismatch");
  std::string g = MustEncode(SmallState());
  g.back() ^= 0x80;  // the stored checksum itself
  ExpectDecodeRefused(g, absl::StatusCode::kDataLoss, "checksum mismatch");
}

TEST(Format1Decode, TruncationIsDataLoss) {
  const std::string f = MustEncode(SmallState());
  ExpectDecodeRefused(absl::string_view(f).substr(0, 5), absl::StatusCode::kDataLoss, "truncated");
  ExpectDecodeRefused(absl::string_view(f).substr(0, 20), absl::StatusCode::kDataLoss,
                      "truncated");
  ExpectDecodeRefused(absl::string_view(f).substr(0, f.size() - 10), absl::StatusCode::kDataLoss,
                      "truncated");
  ExpectDecodeRefused(absl::string_view(f).substr(0, f.size() - 1), absl::StatusCode::kDataLoss,
                      "truncated");
}

TEST(Format1Decode, TrailingGarbageIsDataLoss) {
  for (absl::string_view junk : {absl::string_view("x"), absl::string_view("\0\0\0\0\0", 5)}) {
    std::string f = MustEncode(SmallState());
    f.append(junk.data(), junk.size());
    ExpectDecodeRefused(f, absl::StatusCode::kDataLoss, "trailing garbage");
  }
}

// Files whose checksum is valid but whose body lies: the parser's own limits.
TEST(Format1Decode, AbsurdCountsRefusedEvenWithValidChecksum) {
  std::string voters = MustEncode(SmallState());
  PutU32At(&voters, testing::kOffsetVoterCount, 0x80000000u);
  Reseal(&voters);
  ExpectDecodeRefused(voters, absl::StatusCode::kDataLoss, "exceeds the limit");

  std::string few_voters = MustEncode(EmptyState());
  PutU32At(&few_voters, testing::kOffsetVoterCount, kMaxVoters);
  Reseal(&few_voters);
  ExpectDecodeRefused(few_voters, absl::StatusCode::kDataLoss, "voter count 1024");

  std::string kv = MustEncode(EmptyState());
  PutU64At(&kv, testing::kOffsetFirstVoter, uint64_t{1} << 60);  // kv_count, no voters
  Reseal(&kv);
  ExpectDecodeRefused(kv, absl::StatusCode::kDataLoss, "KV pair count 1152921504606846976");

  std::string sessions = MustEncode(EmptyState());
  PutU64At(&sessions, testing::kOffsetFirstVoter + 8, uint64_t{1} << 60);
  Reseal(&sessions);
  ExpectDecodeRefused(sessions, absl::StatusCode::kDataLoss, "session count");
}

TEST(Format1Decode, AbsurdLengthRefusedEvenWithValidChecksum) {
  SnapshotState s;
  s.kv["k"] = "v";
  std::string f = MustEncode(s);
  const size_t key_len_at = testing::kOffsetFirstVoter + 8;  // after kv_count
  PutU32At(&f, key_len_at, 0xFFFFFFFFu);
  Reseal(&f);
  ExpectDecodeRefused(f, absl::StatusCode::kDataLoss, "key of KV pair 0");
}

TEST(Format1Decode, NonCanonicalBodiesRefused) {
  // Voters out of order.
  std::string v = MustEncode(SmallState());
  PutU64At(&v, testing::kOffsetFirstVoter, 99);
  Reseal(&v);
  ExpectDecodeRefused(v, absl::StatusCode::kDataLoss, "voter ids not strictly increasing");

  // Keys out of order: two one-byte keys, swap their bytes.
  SnapshotState s;
  s.kv["a"] = "1";
  s.kv["b"] = "2";
  std::string k = MustEncode(s);
  const size_t first_key = testing::kOffsetFirstVoter + 8 + 4;
  const size_t second_key = first_key + 1 + 4 + 1 + 4;
  ASSERT_EQ(k[first_key], 'a');
  ASSERT_EQ(k[second_key], 'b');
  std::swap(k[first_key], k[second_key]);
  Reseal(&k);
  ExpectDecodeRefused(k, absl::StatusCode::kDataLoss, "keys not strictly increasing");

  // Reserved session flag bits.
  SnapshotState one;
  one.sessions.push_back(Session{});
  std::string fl = MustEncode(one);
  const size_t flags_at = testing::kOffsetFirstVoter + 8 + 8 + 24;
  fl[flags_at] = '\x04';
  Reseal(&fl);
  ExpectDecodeRefused(fl, absl::StatusCode::kDataLoss, "reserved flag bits");

  // Bytes between the session table and the checksum.
  std::string extra = MustEncode(SmallState());
  extra.insert(extra.size() - 4, "zz");
  Reseal(&extra);
  ExpectDecodeRefused(extra, absl::StatusCode::kDataLoss, "unexplained bytes");
}

}  // namespace
}  // namespace raftlog::snapshots::format1
