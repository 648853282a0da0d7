// The minimum release able to read a log: the largest over its entries, each
// a serialized Entry of one tag's package (walked as message.h describes,
// Entry.data included), and the cluster version in effect at the end of the
// log (the last ClusterVersionChange.version set, so a downgrade entry after
// a finalize entry lowers it). Reading any log at all needs the Entry type,
// so an empty log needs Entry's own message_since.
//
// Log files for the CLI are length-prefixed entries: each record is a base-128
// varint byte length (as protobuf's delimited streams) followed by that many
// bytes of a serialized Entry; nothing else, no trailer.
#ifndef RAFTLOG_WIRE_MINVER_LOG_H_
#define RAFTLOG_WIRE_MINVER_LOG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "wire/minver/requirement.h"

namespace raftlog::wire::minver {

// Entries are numbered from 1 in `where` ("log entry 3: Entry.type").
// Errors as MinReleaseForBytes (message.h), prefixed with the entry number.
absl::StatusOr<MinRelease> MinReleaseForLog(const google::protobuf::Descriptor* entry_type,
                                            const std::vector<std::string>& entries);

// Splits a length-prefixed file into records. kDataLoss naming the record
// and offset when a prefix is torn or overlong, or declares more bytes than
// remain.
absl::StatusOr<std::vector<std::string>> SplitLengthPrefixed(absl::string_view bytes);

// Appends one record (varint length, then `record`) to `out`.
void AppendLengthPrefixed(absl::string_view record, std::string* out);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_LOG_H_
