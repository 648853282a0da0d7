// Matching schema elements across tags.
//
// Every tag has its own proto package (raftlog.wire.v1, raftlog.wire.v2, ...)
// and its own directory (wire/v1/, wire/v2/). To compare two tags the checker
// therefore matches:
//  - files by their path with every directory component that is a tag
//    replaced by "<tag>": wire/v1/raft.proto and wire/v2/raft.proto are both
//    "wire/<tag>/raft.proto";
//  - packages by their name with the last component replaced by "<tag>" when
//    it is a tag: raftlog.wire.v1 and raftlog.wire.v2 are both
//    "raftlog.wire.<tag>";
//  - messages, enums and services by their normalized package plus their name
//    relative to that package ("raftlog.wire.<tag>.Entry"), so a message may
//    move between files of one package without losing its match.
//
// A tag is "v" followed by digits, optionally followed by "_" and a variant
// made of [a-z0-9_] (canaries and test variants: v2_ok, v2_field_reuse).
#ifndef RAFTLOG_WIRE_COMPAT_NAMING_H_
#define RAFTLOG_WIRE_COMPAT_NAMING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace raftlog::wire::compat {

// The placeholder a tag is replaced with.
inline constexpr absl::string_view kTagPlaceholder = "<tag>";

// True if `component` is a tag: v<digits> or v<digits>_<variant>.
bool IsTagComponent(absl::string_view component);

// "wire/v1/raft.proto" -> "wire/<tag>/raft.proto". The file name itself is
// never replaced, only directories.
std::string NormalizeFilePath(absl::string_view path);

// "raftlog.wire.v1" -> "raftlog.wire.<tag>"; a package whose last component
// is not a tag is returned unchanged.
std::string NormalizePackage(absl::string_view package);

// The name of `full_name` relative to `package`: ("a.b.Msg.Inner", "a.b") ->
// "Msg.Inner". If full_name does not start with package + ".", it is returned
// unchanged.
std::string RelativeName(absl::string_view full_name, absl::string_view package);

// The cross-tag key of a type: NormalizePackage(package) + "." + relative
// name (or just the relative name for the empty package).
std::string TypeKey(absl::string_view full_name, absl::string_view package);

}  // namespace raftlog::wire::compat

#endif  // RAFTLOG_WIRE_COMPAT_NAMING_H_
