// Options of the chunked-container writers (formats 2 and 3) and limits of
// their readers. Defaults and bounds: snapshots/format2/constants.h; meaning:
// snapshots/FORMAT.md, "The chunked container".
#ifndef RAFTLOG_SNAPSHOTS_FORMAT2_OPTIONS_H_
#define RAFTLOG_SNAPSHOTS_FORMAT2_OPTIONS_H_

#include <cstdint>

#include "snapshots/format2/constants.h"

namespace raftlog::snapshots::format2 {

struct EncodeOptions {
  // zstd compression level, kMinZstdLevel..kMaxZstdLevel. Recorded in the
  // head (informational for readers; kept by format 3's downgrade).
  int zstd_level = kDefaultZstdLevel;
  // Compressed bytes per chunk record, kMinChunkBytes..kMaxChunkBytes: the
  // unit of InstallSnapshot messages (snapshots/format2/install.h) and of a
  // reader's working memory (the zstd window is capped to it).
  uint32_t chunk_bytes = kDefaultChunkBytes;
  // The writer refuses a state whose uncompressed body exceeds this
  // (kResourceExhausted) rather than write a file that readers with the same
  // limit refuse. Keep it equal to the readers' DecodeLimits::max_body_bytes.
  uint64_t max_body_bytes = kDefaultMaxBodyBytes;
};

struct DecodeLimits {
  // Cap on the declared uncompressed body size (decompression-bomb defense).
  // A head declaring more is refused with kResourceExhausted before anything
  // is decompressed; decoding never produces more than the declared size.
  uint64_t max_body_bytes = kDefaultMaxBodyBytes;
};

}  // namespace raftlog::snapshots::format2

#endif  // RAFTLOG_SNAPSHOTS_FORMAT2_OPTIONS_H_
