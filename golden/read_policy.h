// Which release reads which snapshot format, from the registry
// (ReleaseInfo::snapshot_formats_read) and, for formats no registered release
// reads yet, the format registry (snapshots/codec.h): the refusal message a
// reader gives for a golden it must not read.
#ifndef RAFTLOG_GOLDEN_READ_POLICY_H_
#define RAFTLOG_GOLDEN_READ_POLICY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "versions/api/node.h"

namespace raftlog::golden {

// The first registered release (registry order) that reads `format`; else the
// format registry's planned first reader, marked "(not registered here)";
// else "no release".
std::string FirstReader(uint32_t format);

// OK when `reader` declares it reads `format`. Otherwise kUnimplemented:
// "release v1 does not read snapshot format 2; the first release that reads
// it is v2".
absl::Status CheckReadable(const api::ReleaseInfo& reader, uint32_t format);

}  // namespace raftlog::golden

#endif  // RAFTLOG_GOLDEN_READ_POLICY_H_
