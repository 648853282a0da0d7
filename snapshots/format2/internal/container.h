// The chunked zstd container shared by snapshot formats 2 and 3: one piece
// of code for the head framing, the chunk records, the trailer, the
// streaming compression and the body (KV pairs and sessions). Each format
// adds only its format number and its own head sections (the "extension":
// empty for format 2; joint configuration and metadata for format 3).
// Grammar: snapshots/FORMAT.md, "The chunked container"; numbers:
// snapshots/format2/constants.h.
//
// Internal to snapshots/: releases use format2/format2.h, format3/format3.h
// and format2/install.h.
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_CONTAINER_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_CONTAINER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "snapshots/format2/internal/bytes.h"
#include "snapshots/format2/options.h"
#include "snapshots/state.h"

namespace raftlog::snapshots::format2::internal {

// The head as read from a file (after its checksum matched).
struct Head {
  uint32_t format = 0;
  uint32_t head_len = 0;  // bytes of head_fields
  uint64_t last_index = 0;
  uint64_t last_term = 0;
  uint64_t config_index = 0;
  uint64_t body_bytes = 0;  // declared uncompressed body size
  uint32_t cluster_version = 0;
  uint32_t chunk_bytes = 0;
  uint32_t chunk_count = 0;
  uint32_t zstd_level = 0;
  std::vector<uint64_t> voters;
  std::vector<uint64_t> learners;
  // The format's own sections at the end of head_fields (a view into the
  // file) and the file offset where they start.
  absl::string_view extension;
  size_t extension_offset = 0;
  uint32_t head_crc = 0;  // CRC-32C of the head (the stored value unmasked)
  size_t end = 0;  // file offset just past head_crc: the first chunk record
};

// One chunk record as found in (or written to) a file.
struct ChunkRecord {
  uint64_t offset = 0;    // file offset of the record (its chunk_offset field)
  uint32_t data_len = 0;  // compressed bytes in it
  uint32_t crc = 0;       // CRC-32C of chunk_offset, data_len, data (chunk_crc unmasked)
};

struct Layout {
  Head head;
  std::vector<ChunkRecord> chunks;  // in file order
  uint64_t compressed_bytes = 0;    // sum of data_len
  uint64_t trailer_offset = 0;
  uint32_t file_crc = 0;  // stored trailer
};

// "snapshot format N" for messages.
std::string FormatName(uint32_t format);

// True for the format numbers that use this container (2 and 3).
bool IsContainerFormat(uint32_t format);

// ZSTD_COMPRESSBOUND in 64 bits, saturating: no zstd frame of body_bytes of
// content is longer.
uint64_t CompressBound(uint64_t body_bytes);
// The most chunk records a frame of body_bytes can fill at chunk_bytes each;
// a head declaring more is malformed.
uint64_t MaxChunkCount(uint64_t body_bytes, uint32_t chunk_bytes);

// A node-id list: count u32 (at most kMaxIds), then strictly increasing u64
// ids. `what` names it in messages ("voter"). Shared with format 3's
// voters_outgoing.
absl::Status ReadIdList(Reader& r, absl::string_view what, std::vector<uint64_t>* ids);
void AppendIdList(const std::vector<uint64_t>& ids, std::string* out);
// Encoder side: kFailedPrecondition over kMaxIds, kInvalidArgument unsorted
// or duplicate.
absl::Status CheckIdListForEncode(uint32_t format, const std::vector<uint64_t>& ids,
                                  absl::string_view what);

// Reads the preamble and the head of a file of `format`, verifies head_crc
// and checks every head field against the format's limits and canonical
// form. Errors: kInvalidArgument (not a snapshot), kUnimplemented (the
// preamble names another format), kDataLoss (torn, corrupt or malformed).
// Does not apply DecodeLimits; see CheckLimits.
absl::StatusOr<Head> ReadHead(absl::string_view file, uint32_t format);

// kResourceExhausted when the head declares more than the limits allow.
absl::Status CheckLimits(const Head& head, const DecodeLimits& limits);

// Walks the chunk records after layout->head and the trailer: positions,
// lengths, canonical chunk sizes, the exact end of the file. Reads no chunk
// data. Fills layout->chunks as far as it gets, also on error (for the
// inspector). kDataLoss names truncation, trailing garbage or the bad record.
absl::Status ReadChunks(absl::string_view file, Layout* layout);

// Checks the stored trailer against ExpectedFileCrc; on a mismatch reads the
// chunks to name the damaged one (or the trailer). kDataLoss.
absl::Status VerifyTrailer(absl::string_view file, const Layout& layout);

// The whole-file checksum a trailer must hold given the stored unit
// checksums (head_crc and every chunk_crc), computed without reading chunk
// data (CRC combination). Equal to Crc32c of everything before the trailer
// exactly when every unit's data matches its stored checksum.
uint32_t ExpectedFileCrc(const Layout& layout);

// Folds one unit (payload of payload_len bytes whose CRC-32C is unit_crc,
// followed by that CRC masked, as u32) into the running CRC-32C of a file.
uint32_t ExtendFileCrc(uint32_t running, uint32_t unit_crc, uint64_t payload_len);

// Parses a format's extension sections into `state`. `r` covers exactly the
// extension; the container refuses bytes the parser leaves unread.
using ExtensionParser = absl::FunctionRef<absl::Status(Reader& r, SnapshotState* state)>;

// Encodes `state` as a container file of `format`, with `extension` as the
// format's head sections. Checks what the container stores (options ranges,
// sorted unique ids and sessions, cluster version >= 1, field and list
// sizes, the body size cap); the format checks the rest before calling.
absl::StatusOr<std::string> EncodeContainer(uint32_t format, const SnapshotState& state,
                                            absl::string_view extension,
                                            const EncodeOptions& options);

// Reads the head of a container file of `format` (ReadHead) and its
// extension into a state holding only what the head carries (no KV pairs or
// sessions). Errors as ReadHead; a malformed extension is kDataLoss. Copies
// the head to *head_out when not null.
absl::StatusOr<SnapshotState> DecodeHeadState(absl::string_view file, uint32_t format,
                                              ExtensionParser parse_extension, Head* head_out);

// Decodes a whole container file of `format`, streaming the body chunk by
// chunk into the state (at most one chunk of compressed input, the zstd
// window and a fixed output buffer in flight).
absl::StatusOr<SnapshotState> DecodeContainer(absl::string_view file, uint32_t format,
                                              const DecodeLimits& limits,
                                              ExtensionParser parse_extension);

// A copy of a verified container file with another format number and head
// extension and the same common head fields and compressed bytes: each chunk
// record moves to its new offset and gets a new chunk_crc; nothing is
// decompressed. REQUIRES: `layout` is ReadChunks' layout of `file`, and the
// file verified (e.g. decoded) by the caller. Format 3's downgrade.
absl::StatusOr<std::string> Rehead(absl::string_view file, const Layout& layout,
                                   uint32_t new_format, absl::string_view new_extension);

// --- For tests, benchmarks and tools ---------------------------------------

// The uncompressed body of `state` (what the zstd frame holds).
// REQUIRES: every key, value and response fits a u32 length.
std::string SerializeBody(const SnapshotState& state);

// A container whose zstd frame holds `body` verbatim (any bytes, valid or
// not), with head fields from `head_state`: how tests build files whose
// compressed content lies. Options are checked as by EncodeContainer.
absl::StatusOr<std::string> EncodeContainerWithBody(uint32_t format,
                                                    const SnapshotState& head_state,
                                                    absl::string_view extension,
                                                    absl::string_view body,
                                                    const EncodeOptions& options);

// The zstd window log the writer uses for these options (FORMAT.md).
int WriterWindowLog(int zstd_level, uint64_t body_bytes, uint32_t chunk_bytes);

}  // namespace raftlog::snapshots::format2::internal

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_INTERNAL_CONTAINER_H_
