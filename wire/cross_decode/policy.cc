#include "wire/cross_decode/policy.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "wire/cross_decode/schema.h"

namespace raftlog::wire::cross_decode {

const char* ExpectName(Expect e) {
  switch (e) {
    case Expect::kOk:
      return "ok";
    case Expect::kRefused:
      return "refused";
    case Expect::kAny:
      return "ok or refused";
  }
  return "?";
}

// Exceptions to "known type: ok, unknown type: refused", one line each with
// its reason. None today. Example of what v2 might need, if a cluster of v2
// nodes speaks protocol 2 from its first message (v1 refuses those with a
// counted kUnimplemented whatever their type):
//   {"v2", "v1", "AppendEntries", Expect::kRefused,
//    "a v2-only run speaks protocol 2; v1 speaks 1 only"},
const std::vector<ExpectationOverride>& ExpectationOverrides() {
  static const auto* table = new std::vector<ExpectationOverride>{};
  return *table;
}

// Per tag: MessageType values it declares and never sends, with the reason.
std::map<std::string, std::string> NeverSends(absl::string_view tag) {
  static const auto* table = new std::map<std::string, std::map<std::string, std::string>>{
      {"v1", {}},
  };
  auto it = table->find(std::string(tag));
  return it == table->end() ? std::map<std::string, std::string>() : it->second;
}

std::string FindPolicyFile() {
  auto exists = [](const std::string& path) { return std::ifstream(path).good(); };
  if (exists(kPolicyPath)) return kPolicyPath;
  if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY"); ws != nullptr && *ws != '\0') {
    const std::string path = absl::StrCat(ws, "/", kPolicyPath);
    if (exists(path)) return path;
  }
  return "";
}

WirePolicy WirePolicy::SelfPairsOnly(std::vector<std::string> tags) {
  WirePolicy w;
  w.source_ = "no policy file (self pairs only)";
  w.tags_ = std::move(tags);
  w.self_only_ = true;
  return w;
}

WirePolicy WirePolicy::Load(const std::string& path, std::vector<std::string> tags) {
  WirePolicy w;
  w.source_ = path;
  w.tags_ = std::move(tags);
  absl::StatusOr<policy::Policy> p = policy::Policy::Load(path);
  if (p.ok()) {
    w.status_ = p->Validate(w.tags_);
    w.policy_ = *std::move(p);
  } else {
    w.status_ = p.status();
  }
  return w;
}

WirePolicy WirePolicy::FromText(absl::string_view text, const std::string& name,
                                std::vector<std::string> tags) {
  WirePolicy w;
  w.source_ = name;
  w.tags_ = std::move(tags);
  absl::StatusOr<policy::Policy> p = policy::Policy::Parse(text, name);
  if (p.ok()) {
    w.status_ = p->Validate(w.tags_);
    w.policy_ = *std::move(p);
  } else {
    w.status_ = p.status();
  }
  return w;
}

PairRule WirePolicy::Pair(absl::string_view sender, absl::string_view receiver) const {
  PairRule rule;
  if (sender == receiver) {
    rule.must_interoperate = true;
    rule.why = "a release always talks to itself";
  }
  if (!status_.ok()) {
    if (!rule.must_interoperate) rule.why = absl::StrCat("policy unusable: ", status_.message());
    return rule;
  }
  if (self_only_) {
    if (!rule.must_interoperate) rule.why = "no policy file";
    return rule;
  }
  // The file declares each pair once, older tag first.
  auto pos = [&](absl::string_view t) {
    return std::find(tags_.begin(), tags_.end(), t) - tags_.begin();
  };
  absl::string_view older = sender, newer = receiver;
  if (pos(older) > pos(newer)) std::swap(older, newer);
  const policy::PairPolicy* p = policy_.Find(older, newer);
  if (p == nullptr || p->capabilities.empty()) {
    if (!rule.must_interoperate) {
      rule.why = absl::StrCat(older, " -> ", newer, " supports nothing in ", source_);
    }
    return rule;
  }
  rule.must_interoperate = true;
  rule.why = absl::StrCat(source_, ":", p->line, " ", older, " -> ", newer, ": ",
                          p->capabilities.ToString());
  return rule;
}

TypeRule WirePolicy::Type(absl::string_view sender, absl::string_view receiver,
                          absl::string_view type, absl::string_view type_value,
                          uint32_t cluster_version) const {
  for (const ExpectationOverride& o : ExpectationOverrides()) {
    if (o.sender == sender && o.receiver == receiver && o.type == type) {
      return TypeRule{o.expect, absl::StrCat("override: ", o.why)};
    }
  }
  TypeRule rule;
  auto max = max_protocol_.find(std::string(receiver));
  if (max != max_protocol_.end() && cluster_version > max->second) {
    rule.expect = Expect::kAny;
    rule.why = absl::StrCat("sent after finalize to cluster version ", cluster_version, "; ",
                            receiver, " speaks protocol ", max->second, " at most");
    return rule;
  }
  const google::protobuf::EnumDescriptor* sent = MessageTypeEnum(sender);
  const google::protobuf::EnumDescriptor* known = MessageTypeEnum(receiver);
  const google::protobuf::EnumValueDescriptor* value =
      sent == nullptr ? nullptr : sent->FindValueByName(std::string(type_value));
  if (value == nullptr || known == nullptr) {
    // Nothing to derive from; the corpus reports the missing schema itself.
    rule.why = "no schema to derive from";
    return rule;
  }
  const google::protobuf::EnumValueDescriptor* there = known->FindValueByNumber(value->number());
  if (there == nullptr) {
    rule.expect = Expect::kRefused;
    rule.why = absl::StrCat(receiver, "'s MessageType has no value ", value->number(), " (",
                            value->name(), ")");
  } else {
    rule.why = absl::StrCat(receiver, " declares ", there->name(), " = ", value->number());
  }
  return rule;
}

}  // namespace raftlog::wire::cross_decode
