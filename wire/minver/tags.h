// The wire schemas linked into this binary, by tag: what `--tag=v2` of the
// CLI resolves against. Adding a tag: one line in tags.cc and its
// //wire/<tag>:raft_cc_proto in BUILD.
#ifndef RAFTLOG_WIRE_MINVER_TAGS_H_
#define RAFTLOG_WIRE_MINVER_TAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace raftlog::wire::minver {

// Linked tags, oldest first ("v1", "v2", ...).
std::vector<std::string> LinkedTags();

// The message `relative_name` ("Message", "Entry") of `tag`'s wire package.
// kNotFound naming the linked tags, or the package and the name.
absl::StatusOr<const google::protobuf::Descriptor*> FindTagMessage(absl::string_view tag,
                                                                  absl::string_view relative_name);

}  // namespace raftlog::wire::minver

#endif  // RAFTLOG_WIRE_MINVER_TAGS_H_
