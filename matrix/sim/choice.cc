#include "matrix/sim/choice.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace raftlog::sim {
namespace {

struct KindName {
  ChoiceKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {ChoiceKind::kDeliver, "deliver"},   {ChoiceKind::kDrop, "drop"},
    {ChoiceKind::kDuplicate, "dup"},     {ChoiceKind::kTick, "tick"},
    {ChoiceKind::kCrash, "crash"},       {ChoiceKind::kRestart, "restart"},
    {ChoiceKind::kPut, "put"},           {ChoiceKind::kAddVoter, "add"},
    {ChoiceKind::kRemoveVoter, "remove"}, {ChoiceKind::kJoint, "joint"},
    {ChoiceKind::kUpgrade, "upgrade"},   {ChoiceKind::kFinalize, "finalize"},
    {ChoiceKind::kRead, "read"},         {ChoiceKind::kCompact, "compact"},
    {ChoiceKind::kAddLearner, "learner"}, {ChoiceKind::kPromote, "promote"},
    {ChoiceKind::kDowngrade, "downgrade"}, {ChoiceKind::kRollback, "rollback"},
};

const char* KindString(ChoiceKind k) {
  for (const KindName& kn : kKinds) {
    if (kn.kind == k) return kn.name;
  }
  return "?";
}

bool IsMessageKind(ChoiceKind k) {
  return k == ChoiceKind::kDeliver || k == ChoiceKind::kDrop || k == ChoiceKind::kDuplicate;
}

// Membership requests naming one node: "add 1 4".
bool HasTarget(ChoiceKind k) {
  return k == ChoiceKind::kAddVoter || k == ChoiceKind::kRemoveVoter ||
         k == ChoiceKind::kAddLearner || k == ChoiceKind::kPromote;
}

absl::StatusOr<api::NodeId> ParseId(absl::string_view s, absl::string_view what) {
  uint64_t id = 0;
  if (!absl::SimpleAtoi(s, &id) || id == 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad ", what, " '", s, "'"));
  }
  return id;
}

// "1->2" and "#hex".
absl::Status ParseMessage(absl::string_view edge, absl::string_view hash, Choice* c) {
  std::vector<absl::string_view> ends = absl::StrSplit(edge, "->");
  if (ends.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("expected FROM->TO, got '", edge, "'"));
  }
  absl::StatusOr<api::NodeId> from = ParseId(ends[0], "sender");
  if (!from.ok()) return from.status();
  absl::StatusOr<api::NodeId> to = ParseId(ends[1], "receiver");
  if (!to.ok()) return to.status();
  if (absl::ConsumePrefix(&hash, "#")) {
    if (!absl::SimpleHexAtoi(hash, &c->digest)) {
      return absl::InvalidArgumentError(absl::StrCat("expected #DIGEST (hex), got '#", hash, "'"));
    }
  } else if (hash.empty() || !absl::ascii_isalpha(hash[0])) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected #DIGEST or a message type, got '", hash, "'"));
  } else {
    c->type = std::string(hash);
  }
  c->from = *from;
  c->node = *to;
  return absl::OkStatus();
}

}  // namespace

std::string ChoiceString(const Choice& c) {
  const char* k = KindString(c.kind);
  if (IsMessageKind(c.kind)) {
    if (c.digest == 0 && !c.type.empty()) {
      return absl::StrFormat("%s %d->%d %s", k, c.from, c.node, c.type);
    }
    return absl::StrFormat("%s %d->%d #%016x", k, c.from, c.node, c.digest);
  }
  if (HasTarget(c.kind)) return absl::StrCat(k, " ", c.node, " ", c.target);
  if (c.kind == ChoiceKind::kJoint) {
    return absl::StrCat(k, " ", c.node, " ", absl::StrJoin(c.voters, ","));
  }
  return absl::StrCat(k, " ", c.node);
}

uint64_t ChoiceKey(const Choice& c) {
  // splitmix-style mixing of every field; no string is built (hot in the search).
  auto mix = [](uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
  };
  uint64_t h = mix(static_cast<uint64_t>(c.kind) + 1, c.node);
  h = mix(h, c.from);
  h = mix(h, c.digest);
  h = mix(h, c.target);
  for (api::NodeId v : c.voters) h = mix(h, v);
  if (!c.type.empty()) h = mix(h, api::Fnv1a64(c.type));
  return h;
}

absl::StatusOr<Choice> ParseChoice(absl::string_view line) {
  line = line.substr(0, std::min(line.find('%'), line.size()));
  std::vector<absl::string_view> words =
      absl::StrSplit(absl::StripAsciiWhitespace(line), ' ', absl::SkipEmpty());
  if (words.empty()) return absl::InvalidArgumentError("empty choice");
  Choice c;
  bool known = false;
  for (const KindName& kn : kKinds) {
    if (words[0] == kn.name) {
      c.kind = kn.kind;
      known = true;
    }
  }
  if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown choice '", words[0], "'"));
  const size_t want =
      IsMessageKind(c.kind) || HasTarget(c.kind) || c.kind == ChoiceKind::kJoint ? 3 : 2;
  if (words.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", words[0], "' takes ", want - 1, " argument(s), got ", words.size() - 1));
  }
  if (IsMessageKind(c.kind)) {
    if (absl::Status s = ParseMessage(words[1], words[2], &c); !s.ok()) return s;
    return c;
  }
  absl::StatusOr<api::NodeId> node = ParseId(words[1], "node");
  if (!node.ok()) return node.status();
  c.node = *node;
  if (HasTarget(c.kind)) {
    absl::StatusOr<api::NodeId> target = ParseId(words[2], "target");
    if (!target.ok()) return target.status();
    c.target = *target;
  } else if (c.kind == ChoiceKind::kJoint) {
    for (absl::string_view v : absl::StrSplit(words[2], ',')) {
      absl::StatusOr<api::NodeId> id = ParseId(v, "voter");
      if (!id.ok()) return id.status();
      c.voters.push_back(*id);
    }
    std::sort(c.voters.begin(), c.voters.end());
  }
  return c;
}

absl::StatusOr<std::vector<Choice>> ParseChoices(absl::string_view text) {
  std::vector<Choice> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view body = line.substr(0, std::min(line.find('%'), line.size()));
    if (absl::StripAsciiWhitespace(body).empty()) continue;
    absl::StatusOr<Choice> c = ParseChoice(body);
    if (!c.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", c.status().message()));
    }
    out.push_back(*std::move(c));
  }
  return out;
}

}  // namespace raftlog::sim
