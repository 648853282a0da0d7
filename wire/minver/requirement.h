// What a piece of data needs from its reader: the minimum release able to
// read it, and the one element that forces that release.
//
// Releases are numbered as in wire/options.proto: 1 for v1, 2 for v2, ...
// Every computation in wire/minver returns a MinRelease; combining two keeps
// the larger release and, on a tie, the element found first, so the reported
// element is deterministic (fields are visited in field-number order, log
// entries in file order).
#ifndef RAFTLOG_WIRE_MINVER_REQUIREMENT_H_
#define RAFTLOG_WIRE_MINVER_REQUIREMENT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::wire::minver {

struct MinRelease {
  // The minimum release able to read the data (>= 1 once anything was seen).
  uint32_t release = 0;
  // The element that forces `release`, e.g.
  // "field raftlog.wire.v2.Command.ttl_ms since 2",
  // "snapshot format 2 (first read by v2)".
  std::string element;
  // Where in the data the element was found, e.g.
  // "Message.append_entries.entries[0].data<Command>.ttl_ms" or
  // "log entry 3 (index 7): Entry.type".
  std::string where;
  // False when `release` is only a lower bound: part of the data could not
  // be examined by this build (`note` says which). A downgrade is never
  // certified on a lower bound.
  bool complete = true;
  std::string note;
};

// Folds `other` into `acc`: the larger release wins, the earlier element on
// a tie; completeness is the conjunction and notes accumulate ("; ").
void Combine(const MinRelease& other, MinRelease* acc);

// "v2" for 2.
std::string ReleaseTag(uint32_t release);

// 2 for "v2". Only "v<digits>" with a value >= 1 (variants such as "v2_ok"
// are canary/test tags, not releases): otherwise kInvalidArgument.
absl::StatusOr<uint32_t> ParseReleaseTag(absl::string_view tag);

// One line each: "minimum release: v2", "forced by: ...", "at: ...", and
// "note: ..." when there is one.
std::string Describe(const MinRelease& min);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_REQUIREMENT_H_
