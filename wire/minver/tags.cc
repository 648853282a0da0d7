#include "wire/minver/tags.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "wire/v1/raft.pb.h"
#include "wire/v2/raft.pb.h"
#include "wire/v3/raft.pb.h"

namespace raftlog::wire::minver {

namespace {

struct LinkedTag {
  const char* tag;
  // Any message of the tag's schema: naming it links the generated code in.
  const google::protobuf::Descriptor* (*anchor)();
};

const LinkedTag kTags[] = {
    {"v1", &raftlog::wire::v1::Message::descriptor},
    {"v2", &raftlog::wire::v2::Message::descriptor},
    {"v3", &raftlog::wire::v3::Message::descriptor},
};

}  // namespace

std::vector<std::string> LinkedTags() {
  std::vector<std::string> tags;
  for (const LinkedTag& t : kTags) tags.push_back(t.tag);
  return tags;
}

absl::StatusOr<const google::protobuf::Descriptor*> FindTagMessage(
    absl::string_view tag, absl::string_view relative_name) {
  for (const LinkedTag& t : kTags) {
    if (tag != t.tag) continue;
    const google::protobuf::FileDescriptor* file = t.anchor()->file();
    const std::string full = absl::StrCat(file->package(), ".", relative_name);
    const google::protobuf::Descriptor* d = file->pool()->FindMessageTypeByName(full);
    if (d == nullptr) {
      return absl::NotFoundError(absl::StrCat("tag ", tag, " has no message ", full));
    }
    return d;
  }
  return absl::NotFoundError(absl::StrCat("unknown tag \"", tag, "\"; this build links ",
                                          absl::StrJoin(LinkedTags(), ", ")));
}

}  // namespace raftlog::wire::minver
