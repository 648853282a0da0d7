#include "versions/api/node.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace raftlog::api {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kFollower: return "follower";
    case Role::kPreCandidate: return "precandidate";
    case Role::kCandidate: return "candidate";
    case Role::kLeader: return "leader";
    case Role::kLearner: return "learner";
  }
  return "?";
}

const char* OpName(Op op) {
  switch (op) {
    case Op::kGet: return "get";
    case Op::kPut: return "put";
    case Op::kDelete: return "delete";
    case Op::kAppend: return "append";
    case Op::kCas: return "cas";
    case Op::kAddVoter: return "add_voter";
    case Op::kRemoveVoter: return "remove_voter";
    case Op::kAddLearner: return "add_learner";
    case Op::kPromoteLearner: return "promote_learner";
    case Op::kChangeConfig: return "change_config";
    case Op::kFinalize: return "finalize";
    case Op::kDowngrade: return "downgrade";
    case Op::kCompact: return "compact";
  }
  return "?";
}

std::string ConfigString(const Config& config) {
  std::string s = absl::StrCat("voters={", absl::StrJoin(config.voters, ","), "} learners={",
                               absl::StrJoin(config.learners, ","), "}");
  if (!config.voters_outgoing.empty()) {
    absl::StrAppend(&s, " outgoing={", absl::StrJoin(config.voters_outgoing, ","), "}");
  }
  return s;
}

uint64_t Fnv1a64(absl::string_view data, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t ChainDigest(uint64_t previous, uint64_t seq, absl::string_view kind,
                     absl::string_view detail) {
  uint64_t h = Fnv1a64(absl::StrCat(previous, ":", seq, ":"), 14695981039346656037ull);
  h = Fnv1a64(kind, h);
  h = Fnv1a64("\0", h);
  return Fnv1a64(detail, h);
}

}  // namespace raftlog::api
