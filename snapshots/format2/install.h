// Chunked InstallSnapshot transfer of a chunked-container file (formats 2
// and 3): the sender splits the file, the receiver verifies each piece as it
// arrives and can resume from the last good offset after a lost message, a
// restart or a torn partial file. Spec: snapshots/FORMAT.md, "Chunked
// install".
//
// Where the checksums belong: to the file. Every byte of a container file
// lies in exactly one unit that ends with a CRC-32C written once, by the
// encoder: the head (head_crc), each chunk record (chunk_crc) and the trailer
// (the whole-file CRC). A wire chunk is one unit: `data` is the unit's bytes
// without its stored CRC, and `crc` is that stored CRC (unmasked: the plain
// CRC-32C of `data`; the trailer's: the whole file's), taken from the file,
// never recomputed by the sender. So the receiver checks the encoder's own
// checksums end to end, and a file that rotted on the sender's disk is
// refused by the receiver, chunk by chunk, instead of being resealed by a
// transport checksum computed over bad bytes. The file the receiver
// assembles is byte for byte the sender's (data || stored crc, unit after
// unit), and its trailer, checked last, refuses a file whose units do not
// all come from the same snapshot.
//
// What the transfer must add: the identity of the snapshot. A chunk does not
// say which snapshot it belongs to; the release's InstallSnapshot message
// carries (last_index, last_term) and a receiver starts over (a new
// ChunkAssembler) when they change mid-transfer.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_INSTALL_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_INSTALL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/options.h"

namespace raftlog::snapshots::format2 {

// One InstallSnapshot message's payload.
struct Chunk {
  uint64_t offset = 0;     // file offset of the unit
  absl::string_view data;  // the unit without its trailing CRC (a view into the file)
  uint32_t crc = 0;        // CRC-32C of `data` (the trailer: of the whole file before it)
};

// Splits a container file into its units, in order: the head, one chunk per
// chunk record, and the trailer (empty data; crc = the whole-file CRC).
// Checks the file's structure and that its trailer agrees with the stored
// unit checksums; reads no chunk data (the receiver verifies it).
// REQUIRES: `file` outlives the returned views.
// kFailedPrecondition: a unit's data exceeds max_chunk (the transport's
// message limit): re-encode with EncodeOptions::chunk_bytes <= max_chunk - 12.
// kInvalidArgument: not a chunked-container file (format 1 is installed as
// one message). kDataLoss: malformed or inconsistent file.
absl::StatusOr<std::vector<Chunk>> SplitForInstall(absl::string_view file, size_t max_chunk);

// The index in `chunks` of the chunk starting at `offset` (a receiver's
// next_offset()), for a sender resuming a transfer. kOutOfRange when no
// chunk starts there.
absl::StatusOr<size_t> ChunkIndexAt(const std::vector<Chunk>& chunks, uint64_t offset);

// Receives the chunks of one file, in order, verifying each before keeping
// it. A refused chunk leaves the assembler unchanged: the receiver answers
// with next_offset() and the sender resumes from there.
//   offset > next_offset()   kOutOfRange      gap (a lost message)
//   offset < next_offset()   kAlreadyExists   overlap (a duplicate or stale retransmit)
//   crc does not match data  kDataLoss        damaged in flight or at rest
//   unit malformed / lies    kDataLoss        (offset field, sizes, trailer)
//   head is not a snapshot (wrong magic)      kInvalidArgument
//   head names a format not in `formats`      kUnimplemented
//   head declares more than `limits` allow    kResourceExhausted
//   Add after complete()     kFailedPrecondition
// Memory: the verified prefix, bounded by the head's declared sizes, which
// `limits` bound.
class ChunkAssembler {
 public:
  // `formats`: the container formats this receiver reads (v2: {2}; v3: {2, 3}).
  // REQUIRES: each is a container format (2 or 3).
  explicit ChunkAssembler(std::vector<uint32_t> formats, DecodeLimits limits = DecodeLimits());

  // Rebuilds an assembler from a partial file a receiver persisted: keeps the
  // longest prefix of whole verified units (a torn or corrupt tail is
  // dropped) and resumes at its end. Never fails: at worst it starts at 0.
  static ChunkAssembler Resume(std::vector<uint32_t> formats, absl::string_view partial,
                               DecodeLimits limits = DecodeLimits());

  absl::Status Add(uint64_t offset, absl::string_view data, uint32_t crc);
  absl::Status Add(const Chunk& chunk) { return Add(chunk.offset, chunk.data, chunk.crc); }

  // Where the next chunk must start: the size of the verified prefix.
  uint64_t next_offset() const { return file_.size(); }
  bool complete() const { return stage_ == Stage::kDone; }
  // The verified prefix, to persist for a later Resume.
  absl::string_view bytes() const { return file_; }
  // Known once the head arrived.
  std::optional<uint32_t> format() const;
  std::optional<uint64_t> last_index() const;
  std::optional<uint64_t> last_term() const;
  uint32_t chunks_received() const { return chunks_received_; }
  std::optional<uint32_t> chunk_count() const;

  // The whole file, once complete(); kFailedPrecondition before.
  absl::StatusOr<std::string> TakeFile();

 private:
  enum class Stage { kHead, kChunks, kTrailer, kDone };
  struct HeadInfo {
    uint32_t format = 0;
    uint64_t last_index = 0;
    uint64_t last_term = 0;
    uint32_t chunk_bytes = 0;
    uint32_t chunk_count = 0;
  };

  absl::Status AddHead(absl::string_view data, uint32_t crc);
  absl::Status AddChunkRecord(uint64_t offset, absl::string_view data, uint32_t crc);
  absl::Status AddTrailer(absl::string_view data, uint32_t crc);
  void Append(absl::string_view data, uint32_t crc);

  std::vector<uint32_t> formats_;
  DecodeLimits limits_;
  Stage stage_ = Stage::kHead;
  std::string file_;
  std::optional<HeadInfo> head_;
  uint32_t chunks_received_ = 0;
  uint32_t running_crc_ = 0;  // CRC-32C of file_
};

}  // namespace raftlog::snapshots::format2

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_INSTALL_H_
