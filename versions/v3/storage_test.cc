#include "versions/v3/storage.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "versions/api/mem_env.h"

namespace raftlog::v3 {
namespace {

using api::MemFileSystem;
constexpr uint32_t kSnapshotFormat1 = 1;

Entry E(uint64_t index, uint64_t term, const std::string& data = "") {
  Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_type(data.empty() ? wire::v3::ENTRY_TYPE_NOOP : wire::v3::ENTRY_TYPE_COMMAND);
  e.set_data(data);
  return e;
}

std::vector<Entry> Range(uint64_t lo, uint64_t hi, uint64_t term) {
  std::vector<Entry> out;
  for (uint64_t i = lo; i <= hi; ++i) out.push_back(E(i, term, "payload-" + std::to_string(i)));
  return out;
}

// Opens a Storage over `fs`, expecting success.
Recovered OpenOk(MemFileSystem* fs, Storage* storage) {
  absl::StatusOr<Recovered> r = storage->Open();
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Recovered{};
}

TEST(Storage, FreshDirectoryIsEmpty) {
  MemFileSystem fs;
  Storage s(&fs);
  Recovered r = OpenOk(&fs, &s);
  EXPECT_TRUE(r.empty);
  EXPECT_FALSE(r.has_hard_state);
  EXPECT_FALSE(r.snapshot.has_value());
  EXPECT_TRUE(r.entries.empty());
  EXPECT_EQ(s.next_index(), 1u);
}

TEST(Storage, EntriesAndHardStateSurviveCrash) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 150, 2)).ok());
    ASSERT_TRUE(s.Append(Range(151, 200, 3)).ok());
    ASSERT_TRUE(s.SaveHardState({3, 2, 120}).ok());
    EXPECT_EQ(s.segment_count(), 4u);  // 64 entries per segment
  }
  fs.Crash();
  Storage s(&fs);
  Recovered r = OpenOk(&fs, &s);
  EXPECT_FALSE(r.empty);
  ASSERT_TRUE(r.has_hard_state);
  EXPECT_EQ(r.hard_state, (HardState{3, 2, 120}));
  ASSERT_EQ(r.entries.size(), 200u);
  for (uint64_t i = 1; i <= 200; ++i) {
    EXPECT_EQ(r.entries[i - 1].index(), i);
    EXPECT_EQ(r.entries[i - 1].data(), "payload-" + std::to_string(i));
  }
  EXPECT_EQ(r.entries[199].term(), 3u);
  EXPECT_EQ(r.torn_tail_truncations, 0u);
  EXPECT_EQ(s.next_index(), 201u);
}

TEST(Storage, TruncateAcrossSegmentsThenAppend) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 200, 1)).ok());
    ASSERT_TRUE(s.TruncateFrom(70).ok());  // inside the second segment
    EXPECT_EQ(s.segment_count(), 2u);
    ASSERT_TRUE(s.Append(Range(70, 80, 5)).ok());
  }
  fs.Crash();
  Storage s(&fs);
  Recovered r = OpenOk(&fs, &s);
  ASSERT_EQ(r.entries.size(), 80u);
  EXPECT_EQ(r.entries[68].term(), 1u);  // index 69
  EXPECT_EQ(r.entries[69].term(), 5u);  // index 70
  EXPECT_EQ(r.entries[79].index(), 80u);
}

TEST(Storage, TruncateAtSegmentStartDeletesIt) {
  MemFileSystem fs;
  Storage s(&fs);
  OpenOk(&fs, &s);
  ASSERT_TRUE(s.Append(Range(1, 128, 1)).ok());
  ASSERT_TRUE(s.TruncateFrom(65).ok());
  EXPECT_EQ(s.segment_count(), 1u);
  EXPECT_EQ(fs.Read(Storage::SegmentName(65)).status().code(), absl::StatusCode::kNotFound);
  Storage again(&fs);
  EXPECT_EQ(OpenOk(&fs, &again).entries.size(), 64u);
}

// Every prefix of an unsynced record, as a torn write leaves it, is dropped;
// every synced entry survives, and the repair is reported once.
TEST(Storage, TornTailAtEveryLengthIsTruncated) {
  std::string record = Storage::EncodeRecord(E(11, 2, "the torn one"));
  for (size_t keep = 1; keep < record.size(); ++keep) {
    MemFileSystem fs;
    {
      Storage s(&fs);
      OpenOk(&fs, &s);
      ASSERT_TRUE(s.Append(Range(1, 10, 2)).ok());
    }
    ASSERT_TRUE(fs.Append(Storage::SegmentName(1), record.substr(0, keep)).ok());
    Storage s(&fs);
    Recovered r = OpenOk(&fs, &s);
    ASSERT_EQ(r.entries.size(), 10u) << "keep=" << keep;
    EXPECT_EQ(r.torn_tail_truncations, 1u);
    ASSERT_EQ(r.repairs.size(), 1u);
    EXPECT_NE(r.repairs[0].find("log/00000000000000000001"), std::string::npos);
    // The repair is durable: the next open finds a clean log and appends fine.
    fs.Crash();
    Storage again(&fs);
    Recovered r2 = OpenOk(&fs, &again);
    EXPECT_EQ(r2.torn_tail_truncations, 0u);
    EXPECT_EQ(r2.entries.size(), 10u);
    ASSERT_TRUE(again.Append(Range(11, 12, 3)).ok());
  }
}

TEST(Storage, TornRecordAloneInANewSegmentDeletesTheSegment) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 64, 1)).ok());
  }
  std::string record = Storage::EncodeRecord(E(65, 1, "x"));
  fs.Overwrite(Storage::SegmentName(65), record.substr(0, 5));
  Storage s(&fs);
  Recovered r = OpenOk(&fs, &s);
  EXPECT_EQ(r.entries.size(), 64u);
  EXPECT_EQ(r.torn_tail_truncations, 1u);
  EXPECT_EQ(fs.Read(Storage::SegmentName(65)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.next_index(), 65u);
}

TEST(Storage, CorruptRecordInTheMiddleIsRefused) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 10, 1)).ok());
  }
  std::string path = Storage::SegmentName(1);
  std::string data = *fs.Read(path);
  size_t record = Storage::EncodeRecord(E(1, 1, "payload-1")).size();
  size_t offset = 3 * record;  // the 4th record
  data[offset + Storage::kRecordHeaderBytes + 2] ^= 0x40;
  fs.Overwrite(path, data);
  Storage s(&fs);
  absl::StatusOr<Recovered> r = s.Open();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("offset " + std::to_string(offset)), std::string::npos)
      << r.status();
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos) << r.status();
}

// A damaged length field makes a middle record look like a torn tail (its
// declared length runs past the end); the valid records after it give it away.
TEST(Storage, CorruptLengthInTheMiddleIsNotMistakenForATornTail) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 10, 1)).ok());
  }
  std::string path = Storage::SegmentName(1);
  std::string data = *fs.Read(path);
  size_t record = Storage::EncodeRecord(E(1, 1, "payload-1")).size();
  size_t offset = 2 * record;  // the 3rd record's length field
  data[offset + 3] = '\x7f';
  fs.Overwrite(path, data);
  Storage s(&fs);
  absl::StatusOr<Recovered> r = s.Open();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_NE(r.status().message().find("offset " + std::to_string(offset)), std::string::npos)
      << r.status();
  EXPECT_NE(r.status().message().find("valid records"), std::string::npos) << r.status();
}

TEST(Storage, CorruptTailOfAnEarlierSegmentIsRefused) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 70, 1)).ok());
  }
  std::string path = Storage::SegmentName(1);
  std::string data = *fs.Read(path);
  fs.Overwrite(path, data.substr(0, data.size() - 3));  // looks torn, but is not last
  Storage s(&fs);
  absl::StatusOr<Recovered> r = s.Open();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status();
}

TEST(Storage, CorruptHardStateIsRefused) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.SaveHardState({5, 1, 0}).ok());
  }
  std::string hs = *fs.Read(Storage::kHardStateFile);
  hs[10] ^= 1;
  fs.Overwrite(Storage::kHardStateFile, hs);
  Storage s(&fs);
  absl::StatusOr<Recovered> r = s.Open();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("hardstate"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos) << r.status();

  fs.Overwrite(Storage::kHardStateFile, hs.substr(0, 20));
  Storage s2(&fs);
  EXPECT_EQ(s2.Open().status().code(), absl::StatusCode::kDataLoss);
}

snapshots::SnapshotState SampleState(uint64_t index, uint64_t term) {
  snapshots::SnapshotState st;
  st.last_index = index;
  st.last_term = term;
  st.voters = {1, 2, 3};
  st.config_index = 1;
  st.kv = {{"a", "1"}, {"b", "2"}};
  snapshots::Session session;
  session.client_id = 9;
  session.last_sequence = 4;
  session.last_index = index - 1;
  session.response = "r";
  st.sessions = {session};
  return st;
}

TEST(Storage, SnapshotCompactsCoveredSegments) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 200, 1)).ok());
    ASSERT_TRUE(s.SaveSnapshot(SampleState(100, 1), kSnapshotFormat1).ok());
    // Segments start at 1, 65, 129, 193: the first is covered entirely.
    EXPECT_EQ(s.segment_count(), 3u);
    ASSERT_TRUE(s.SaveSnapshot(SampleState(150, 1), kSnapshotFormat1).ok());
    EXPECT_EQ(s.segment_count(), 2u);
    ASSERT_EQ(*fs.List("snap/"), std::vector<std::string>{Storage::SnapshotName(150)});
  }
  fs.Crash();
  Storage s(&fs);
  Recovered r = OpenOk(&fs, &s);
  ASSERT_TRUE(r.snapshot.has_value());
  EXPECT_EQ(*r.snapshot, SampleState(150, 1));
  ASSERT_EQ(r.entries.size(), 50u);
  EXPECT_EQ(r.entries.front().index(), 151u);
  EXPECT_EQ(*s.ReadSnapshot(), *fs.Read(Storage::SnapshotName(150)));
}

TEST(Storage, CorruptSnapshotIsRefused) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.SaveSnapshot(SampleState(10, 2), kSnapshotFormat1).ok());
  }
  std::string path = Storage::SnapshotName(10);
  std::string bytes = *fs.Read(path);
  bytes[bytes.size() / 2] ^= 0x08;
  fs.Overwrite(path, bytes);
  Storage s(&fs);
  absl::StatusOr<Recovered> r = s.Open();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status();
}

TEST(Storage, InstallOverADisagreeingLogDiscardsItEvenAcrossACrash) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 30, 1)).ok());
    // Snapshot at 20 from term 4: this log held term 1 there. Crash before
    // DiscardLog ran.
    ASSERT_TRUE(s.SaveSnapshot(SampleState(20, 4), kSnapshotFormat1).ok());
  }
  fs.Crash();
  Storage s(&fs);
  Recovered r = OpenOk(&fs, &s);
  EXPECT_TRUE(r.entries.empty());
  EXPECT_EQ(r.repairs.size(), 1u);
  EXPECT_EQ(s.next_index(), 21u);
  EXPECT_EQ(s.segment_count(), 0u);
  ASSERT_TRUE(s.Append(Range(21, 22, 4)).ok());
}

TEST(Storage, InstallOverAnAgreeingLogKeepsTheSuffix) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 30, 4)).ok());
    ASSERT_TRUE(s.SaveSnapshot(SampleState(20, 4), kSnapshotFormat1).ok());
  }
  Storage s(&fs);
  Recovered r = OpenOk(&fs, &s);
  ASSERT_EQ(r.entries.size(), 10u);
  EXPECT_EQ(r.entries.front().index(), 21u);
}

TEST(Storage, GapInTheLogIsRefused) {
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 64, 1)).ok());
  }
  std::string second;
  for (const Entry& e : Range(70, 71, 1)) second += Storage::EncodeRecord(e);
  fs.Overwrite(Storage::SegmentName(70), second);
  Storage s(&fs);
  absl::StatusOr<Recovered> r = s.Open();
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("gap"), std::string::npos) << r.status();
}

// v2: format 2 is written on request (cluster version 2), recovered with its
// learners and cluster version, and said to be format 2; a corrupt one is
// refused like a corrupt format 1; format 1 cannot carry learners.
// v3: format 3 likewise, with its metadata and a joint configuration; a binary
// speaking at most cluster version 2 refuses it untouched (CheckSpeakable
// reads the cluster version from format 3's head); format 2 cannot carry
// metadata.
TEST(Storage, Format3SnapshotRoundTripsWithMetadataAndClusterVersion) {
  snapshots::SnapshotState st = SampleState(40, 3);
  st.learners = {7};
  st.voters_outgoing = {1, 9};
  st.cluster_version = 3;
  st.metadata["writer"] = "v3";
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 50, 3)).ok());
    EXPECT_EQ(s.SaveSnapshot(st, 2).code(), absl::StatusCode::kFailedPrecondition);
    ASSERT_TRUE(s.SaveSnapshot(st, 3).ok());
  }
  fs.Crash();
  Storage s(&fs);
  ASSERT_TRUE(s.CheckSpeakable(3).ok());
  absl::Status refused = s.CheckSpeakable(2);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("cluster version 3"), std::string::npos) << refused;
  Recovered r = OpenOk(&fs, &s);
  ASSERT_TRUE(r.snapshot.has_value());
  EXPECT_EQ(r.snapshot_format, 3u);
  EXPECT_EQ(*r.snapshot, st);
  absl::StatusOr<Storage::DecodedSnapshot> d = Storage::DecodeSnapshot(*s.ReadSnapshot());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->format, 3u);
}

TEST(Storage, Format2SnapshotRoundTripsWithLearnersAndClusterVersion) {
  snapshots::SnapshotState st = SampleState(40, 3);
  st.learners = {7};
  st.cluster_version = 2;
  MemFileSystem fs;
  {
    Storage s(&fs);
    OpenOk(&fs, &s);
    ASSERT_TRUE(s.Append(Range(1, 50, 3)).ok());
    EXPECT_FALSE(s.SaveSnapshot(st, kSnapshotFormat1).ok());  // format 1 has no learners
    ASSERT_TRUE(s.SaveSnapshot(st, 2).ok());
    EXPECT_EQ(s.SaveSnapshot(st, 4).code(), absl::StatusCode::kInvalidArgument);
  }
  fs.Crash();
  Storage s(&fs);
  ASSERT_TRUE(s.CheckSpeakable(2).ok());
  Recovered r = OpenOk(&fs, &s);
  ASSERT_TRUE(r.snapshot.has_value());
  EXPECT_EQ(r.snapshot_format, 2u);
  EXPECT_EQ(*r.snapshot, st);
  EXPECT_EQ(r.entries.size(), 10u);
  absl::StatusOr<Storage::DecodedSnapshot> d = Storage::DecodeSnapshot(*s.ReadSnapshot());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->format, 2u);
  // A binary speaking only cluster version 1 would refuse this directory.
  EXPECT_EQ(s.CheckSpeakable(1).code(), absl::StatusCode::kFailedPrecondition);

  std::string path = Storage::SnapshotName(40);
  std::string bytes = *fs.Read(path);
  bytes[bytes.size() - 10] ^= 0x08;
  fs.Overwrite(path, bytes);
  Storage again(&fs);
  ASSERT_TRUE(again.CheckSpeakable(2).ok());  // damage is Open's to judge
  absl::StatusOr<Recovered> bad = again.Open();
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss) << bad.status();
}

TEST(Storage, HardStateCodecRoundTrips) {
  HardState hs{7, 3, 99};
  std::string bytes = Storage::EncodeHardState(hs);
  EXPECT_EQ(bytes.size(), Storage::kHardStateBytes);
  absl::StatusOr<HardState> back = Storage::DecodeHardState(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, hs);
}

}  // namespace
}  // namespace raftlog::v3
