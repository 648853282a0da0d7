// The human-readable twin of every golden artifact, derived from its bytes
// alone (and the tag that wrote it), deterministically: the twin test
// re-derives each checked-in twin from its binary and compares.
//
//   snapshot     snapshots/inspect's report, then every voter, KV pair and
//                session of the decoded SnapshotState (bytes C-escaped)
//   wire         protobuf text format of the tag's envelope, then, as '#'
//                comment lines (so the file still parses as text format),
//                each entry payload decoded and any embedded snapshot dumped
//   log-segment  record by record: offset, length, checksums, the entry in
//                text format and its decoded payload
//   hard-state   every field of the documented framing
//
// Never fails: bytes that do not parse give a twin that says so.
#ifndef RAFTLOG_GOLDEN_TWINS_H_
#define RAFTLOG_GOLDEN_TWINS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "golden/layout.h"

namespace raftlog::golden {

// `name` is how the file is called in the twin's header ("snapshot-format1.bin").
std::string SnapshotTwin(absl::string_view bytes, absl::string_view name);
std::string WireTwin(absl::string_view tag, absl::string_view bytes);
std::string SegmentTwin(const DiskLayout& layout, absl::string_view bytes,
                        absl::string_view source);
std::string HardStateTwin(const DiskLayout& layout, absl::string_view bytes);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_TWINS_H_
