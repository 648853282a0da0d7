#include "snapshots/format2/format2.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "snapshots/codec_testing.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/constants.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format2/testing.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format2 {
namespace {

using ::raftlog::snapshots::format2::testing::ChunkRecordOffsets;
using ::raftlog::snapshots::format2::testing::EmptyState;
using ::raftlog::snapshots::format2::testing::GeneratedState;
using ::raftlog::snapshots::format2::testing::MustEncode;
using ::raftlog::snapshots::format2::testing::SmallState;
using ::raftlog::snapshots::format2::testing::TinyChunks;

uint32_t U32At(absl::string_view f, size_t at) { return internal::LoadU32(f.data() + at); }
uint64_t U64At(absl::string_view f, size_t at) { return internal::LoadU64(f.data() + at); }

void ExpectRoundTrip(const SnapshotState& state, const EncodeOptions& options = {}) {
  snapshots::testing::ExpectCanonicalRoundTrip(
      state, [&](const SnapshotState& s) { return Encode(s, options); },
      [](absl::string_view b) { return Decode(b); });
}

TEST(Format2RoundTrip, EmptyState) {
  ExpectRoundTrip(EmptyState());
  ExpectRoundTrip(EmptyState(), TinyChunks());
}

TEST(Format2RoundTrip, SmallStateWithLearnersAndClusterVersion) {
  const SnapshotState s = SmallState();
  ASSERT_FALSE(s.learners.empty());
  ASSERT_EQ(s.cluster_version, 2u);
  ExpectRoundTrip(s);
  ExpectRoundTrip(s, TinyChunks());
}

TEST(Format2RoundTrip, ClusterVersionIsRecordedAsGiven) {
  for (uint32_t v : {1u, 2u, 3u, 0xFFFFFFFFu}) {
    SnapshotState s = SmallState();
    s.cluster_version = v;
    ExpectRoundTrip(s);
  }
}

TEST(Format2RoundTrip, ManyPairsAndSessionsAcrossManyChunks) {
  const SnapshotState s = GeneratedState(7, 3000, 1000);
  ExpectRoundTrip(s);
  EncodeOptions o = TinyChunks();
  ExpectRoundTrip(s, o);
  EXPECT_GT(ChunkRecordOffsets(MustEncode(s, o)).size(), 100u);
}

TEST(Format2RoundTrip, EveryLevelAndSomeChunkSizes) {
  const SnapshotState s = GeneratedState(3, 200, 20);
  for (int level = kMinZstdLevel; level <= kMaxZstdLevel; ++level) {
    EncodeOptions o;
    o.zstd_level = level;
    ExpectRoundTrip(s, o);
  }
  for (uint32_t chunk : {kMinChunkBytes, 65u, 100u, 4096u, kMaxChunkBytes}) {
    EncodeOptions o;
    o.chunk_bytes = chunk;
    ExpectRoundTrip(s, o);
  }
}

// Values longer than the writer's stage, the reader's buffer and a chunk:
// the direct-feed and piecewise-append paths.
TEST(Format2RoundTrip, LargeValuesAndIncompressibleData) {
  SnapshotState s = SmallState();
  s.kv["big-compressible"] = std::string(3 << 20, 'z');
  std::string noise(600 << 10, '\0');
  uint64_t x = 88172645463325252ull;
  for (char& c : noise) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  s.kv["big-noise"] = noise;
  s.kv["mid"] = noise.substr(0, 40 << 10);
  s.sessions.back().response = noise.substr(1000, 200 << 10);
  ExpectRoundTrip(s);
  EncodeOptions o;
  o.chunk_bytes = 4096;
  ExpectRoundTrip(s, o);
}

TEST(Format2RoundTrip, ExtremeIntegers) {
  SnapshotState s;
  s.last_index = ~uint64_t{0};
  s.last_term = ~uint64_t{0} - 1;
  s.config_index = uint64_t{1} << 63;
  s.voters = {0, ~uint64_t{0}};
  s.learners = {1, ~uint64_t{0} - 1};
  s.cluster_version = 0xFFFFFFFFu;
  Session x;
  x.client_id = ~uint64_t{0};
  x.last_sequence = ~uint64_t{0};
  x.last_index = ~uint64_t{0};
  x.found = x.succeeded = true;
  s.sessions = {x};
  ExpectRoundTrip(s);
}

TEST(Format2RoundTrip, MaximumIdLists) {
  SnapshotState s;
  for (uint64_t i = 0; i < kMaxIds; ++i) {
    s.voters.push_back(2 * i);
    s.learners.push_back(2 * i + 1);
  }
  ExpectRoundTrip(s);
}

TEST(Format2DecodeHead, ReadsTheHeadOnly) {
  const std::string f = MustEncode(SmallState(), TinyChunks());
  absl::StatusOr<SnapshotState> head = DecodeHead(f);
  ASSERT_TRUE(head.ok()) << head.status();
  SnapshotState want = SmallState();
  want.kv.clear();
  want.sessions.clear();
  EXPECT_TRUE(*head == want);
}

// --- The bytes, against FORMAT.md ------------------------------------------

SnapshotState TinyState() {
  SnapshotState s;
  s.last_index = 1;
  s.last_term = 2;
  s.config_index = 3;
  s.voters = {9};
  s.learners = {10};
  s.cluster_version = 2;
  s.kv["k"] = "vv";
  Session x;
  x.client_id = 5;
  x.last_sequence = 6;
  x.last_index = 7;
  x.response = "r";
  x.found = true;
  s.sessions = {x};
  return s;
}

const std::string kTinyBody(
    "\x01\0\0\0\0\0\0\0"  // kv_count
    "\x01\0\0\0k"         // key
    "\x02\0\0\0vv"        // value
    "\x01\0\0\0\0\0\0\0"  // session_count
    "\x05\0\0\0\0\0\0\0"  // client_id
    "\x06\0\0\0\0\0\0\0"  // last_sequence
    "\x07\0\0\0\0\0\0\0"  // last_index
    "\x01"                // flags: found
    "\x01\0\0\0r",        // response
    8 + 5 + 6 + 8 + 24 + 1 + 5);

std::string ExpectedFrame(absl::string_view body, int level, uint32_t chunk_bytes) {
  return testing::ReferenceFrame(body, level, chunk_bytes);
}

void AppendU32(std::string* s, uint32_t v) { internal::PutU32(v, s); }
// LevelDB's mask, written out from FORMAT.md rather than taken from the codec.
uint32_t Masked(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u; }
void AppendU64(std::string* s, uint64_t v) { internal::PutU64(v, s); }

// Builds the expected file from the grammar, independently of the encoder.
std::string GrammarFile(const SnapshotState& s, absl::string_view body, uint32_t chunk_bytes) {
  const std::string frame = ExpectedFrame(body, kDefaultZstdLevel, chunk_bytes);
  const uint32_t chunk_count =
      static_cast<uint32_t>((frame.size() + chunk_bytes - 1) / chunk_bytes);
  std::string f("RLSNAP\r\n\x02\0\0\0", 12);
  AppendU32(&f, 48 + 4 + 8 * s.voters.size() + 4 + 8 * s.learners.size());  // head_len
  AppendU64(&f, s.last_index);
  AppendU64(&f, s.last_term);
  AppendU64(&f, s.config_index);
  AppendU64(&f, body.size());  // body_bytes
  AppendU32(&f, s.cluster_version);
  AppendU32(&f, chunk_bytes);
  AppendU32(&f, chunk_count);
  AppendU32(&f, kDefaultZstdLevel);
  AppendU32(&f, static_cast<uint32_t>(s.voters.size()));
  for (uint64_t v : s.voters) AppendU64(&f, v);
  AppendU32(&f, static_cast<uint32_t>(s.learners.size()));
  for (uint64_t v : s.learners) AppendU64(&f, v);
  AppendU32(&f, Masked(Crc32c(f)));  // head_crc
  for (size_t at = 0; at < frame.size(); at += chunk_bytes) {
    const std::string data = frame.substr(at, chunk_bytes);
    const size_t start = f.size();
    AppendU64(&f, start);  // chunk_offset
    AppendU32(&f, static_cast<uint32_t>(data.size()));
    f += data;
    AppendU32(&f, Masked(Crc32c(absl::string_view(f).substr(start))));  // chunk_crc
  }
  AppendU32(&f, Crc32c(f));  // trailer
  return f;
}

TEST(Format2Bytes, SerializedBodyMatchesTheSpec) {
  EXPECT_EQ(internal::SerializeBody(TinyState()), kTinyBody);
}

TEST(Format2Bytes, OneChunkFileMatchesTheGrammar) {
  const std::string f = MustEncode(TinyState());
  EXPECT_EQ(f, GrammarFile(TinyState(), kTinyBody, kDefaultChunkBytes));
  // Fixed offsets of FORMAT.md.
  EXPECT_EQ(U32At(f, kOffsetHeadLen), 72u);
  EXPECT_EQ(U64At(f, kOffsetLastIndex), 1u);
  EXPECT_EQ(U64At(f, kOffsetLastTerm), 2u);
  EXPECT_EQ(U64At(f, kOffsetConfigIndex), 3u);
  EXPECT_EQ(U64At(f, kOffsetBodyBytes), kTinyBody.size());
  EXPECT_EQ(U32At(f, kOffsetClusterVersion), 2u);
  EXPECT_EQ(U32At(f, kOffsetChunkBytes), kDefaultChunkBytes);
  EXPECT_EQ(U32At(f, kOffsetChunkCount), 1u);
  EXPECT_EQ(U32At(f, kOffsetZstdLevel), 3u);
  EXPECT_EQ(U32At(f, kOffsetVoterCount), 1u);
  EXPECT_EQ(U64At(f, kOffsetFirstVoter), 9u);
  const size_t first_record = 16 + 72 + 4;
  EXPECT_EQ(U64At(f, first_record), first_record);  // chunk_offset is its own offset
  EXPECT_EQ(U32At(f, first_record + 12), kZstdFrameMagic);
  EXPECT_EQ(U32At(f, f.size() - 4), Crc32c(absl::string_view(f).substr(0, f.size() - 4)));
}

TEST(Format2Bytes, MultiChunkFileMatchesTheGrammar) {
  // A body zstd cannot shrink much, so the frame spans several 64-byte chunks.
  SnapshotState s = TinyState();
  std::string v;
  for (int i = 0; i < 300; ++i) v.push_back(static_cast<char>((i * 7919) % 251));
  s.kv["k"] = v;
  const std::string body = internal::SerializeBody(s);
  const std::string f = MustEncode(s, TinyChunks());
  EXPECT_EQ(f, GrammarFile(s, body, kMinChunkBytes));
  EXPECT_GE(U32At(f, kOffsetChunkCount), 4u);
}

TEST(Format2Bytes, SmallestFile) {
  // Empty state: the head with no ids, one record holding the frame of the
  // 16-byte body, the trailer.
  const std::string f = MustEncode(EmptyState());
  const std::string body(16, '\0');
  EXPECT_EQ(internal::SerializeBody(EmptyState()), body);
  EXPECT_EQ(f.size(), kMinHeadBytes + kChunkOverheadBytes +
                          ExpectedFrame(body, kDefaultZstdLevel, kDefaultChunkBytes).size() +
                          kTrailerBytes);
}

TEST(Format2Determinism, EqualStatesAndOptionsGiveEqualBytes) {
  SnapshotState a = GeneratedState(11, 500, 100);
  SnapshotState b = GeneratedState(11, 500, 100);
  b.kv.clear();
  for (auto it = a.kv.rbegin(); it != a.kv.rend(); ++it) b.kv.emplace(it->first, it->second);
  ASSERT_TRUE(a == b);
  EXPECT_EQ(MustEncode(a), MustEncode(b));
  EXPECT_EQ(MustEncode(a, TinyChunks()), MustEncode(b, TinyChunks()));
  // Different options, different bytes, same state.
  EncodeOptions fast;
  fast.zstd_level = 1;
  EXPECT_NE(MustEncode(a, fast), MustEncode(a));
  EXPECT_TRUE(*Decode(MustEncode(a, fast)) == *Decode(MustEncode(a)));
  b.sessions[0].found = !b.sessions[0].found;
  EXPECT_NE(MustEncode(a), MustEncode(b));
}

TEST(Format2Window, CappedByChunkSizeAndTheFormat) {
  // Level 3 on a large body would use 2^21; chunk size caps it.
  EXPECT_EQ(internal::WriterWindowLog(3, 1 << 30, 1 << 20), 20);
  EXPECT_EQ(internal::WriterWindowLog(3, 1 << 30, 64 << 20), 21);
  EXPECT_EQ(internal::WriterWindowLog(19, 1 << 30, 64 << 20), kMaxWindowLog);
  EXPECT_EQ(internal::WriterWindowLog(3, 1 << 30, kMinChunkBytes), kMinWindowLog);
  // Small bodies get small windows, as zstd chooses.
  EXPECT_LE(internal::WriterWindowLog(3, 1000, 1 << 20), 10);
}

// --- Encode refusals -------------------------------------------------------

void ExpectEncodeRefused(const SnapshotState& s, absl::StatusCode code, absl::string_view word,
                         const EncodeOptions& options = {}) {
  absl::StatusOr<std::string> bytes = Encode(s, options);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), code) << bytes.status();
  EXPECT_TRUE(absl::StrContains(bytes.status().message(), word)) << bytes.status();
}

TEST(Format2Encode, RefusesJointConfiguration) {
  SnapshotState s = SmallState();
  s.voters_outgoing = {1, 2};
  ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "voters_outgoing");
}

TEST(Format2Encode, RefusesMetadata) {
  SnapshotState s = SmallState();
  s.metadata["writer"] = "v3";
  ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "metadata");
}

TEST(Format2Encode, RefusesOptionsOutOfRange) {
  for (int level : {-1, 0, 20, 22}) {
    EncodeOptions o;
    o.zstd_level = level;
    ExpectEncodeRefused(SmallState(), absl::StatusCode::kInvalidArgument, "zstd_level", o);
  }
  for (uint32_t chunk : {0u, kMinChunkBytes - 1, kMaxChunkBytes + 1}) {
    EncodeOptions o;
    o.chunk_bytes = chunk;
    ExpectEncodeRefused(SmallState(), absl::StatusCode::kInvalidArgument, "chunk_bytes", o);
  }
}

TEST(Format2Encode, RefusesClusterVersionZero) {
  SnapshotState s = SmallState();
  s.cluster_version = 0;
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "cluster version 0");
}

TEST(Format2Encode, RefusesUnsortedOrDuplicateIdsAndSessions) {
  SnapshotState s = SmallState();
  s.voters = {2, 1};
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "voters");
  s = SmallState();
  s.learners = {8, 8};
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "learners");
  s = SmallState();
  std::swap(s.sessions[0], s.sessions[1]);
  ExpectEncodeRefused(s, absl::StatusCode::kInvalidArgument, "sessions");
}

TEST(Format2Encode, RefusesTooManyIds) {
  SnapshotState s;
  for (uint64_t i = 0; i <= kMaxIds; ++i) s.learners.push_back(i);
  ExpectEncodeRefused(s, absl::StatusCode::kFailedPrecondition, "learners");
  s.learners.pop_back();
  ExpectRoundTrip(s);
}

TEST(Format2Encode, RefusesABodyOverTheConfiguredCap) {
  SnapshotState s = SmallState();
  s.kv["big"] = std::string(5000, 'x');
  EncodeOptions o;
  o.max_body_bytes = 4096;
  ExpectEncodeRefused(s, absl::StatusCode::kResourceExhausted, "max_body_bytes", o);
  o.max_body_bytes = internal::SerializeBody(s).size();
  ExpectRoundTrip(s, o);
}

}  // namespace
}  // namespace raftlog::snapshots::format2
