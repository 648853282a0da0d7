#include "versions/policy.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace raftlog::policy {

const char* CapabilityName(Capability c) {
  switch (c) {
    case Capability::kRollingUpgrade: return "rolling_upgrade";
    case Capability::kDowngradeBeforeFinalize: return "downgrade_before_finalize";
    case Capability::kDowngradeAfterFinalize: return "downgrade_after_finalize";
    case Capability::kSnapshotExchange: return "snapshot_exchange";
    case Capability::kSkipVersion: return "skip_version";
    case Capability::kDowngradeByProcedure: return "downgrade_by_procedure";
  }
  return "?";
}

std::optional<Capability> CapabilityFromName(absl::string_view name) {
  for (Capability c : kAllCapabilities) {
    if (name == CapabilityName(c)) return c;
  }
  return std::nullopt;
}

std::string Capabilities::ToString() const {
  std::vector<std::string> names;
  for (Capability c : kAllCapabilities) {
    if (Has(c)) names.push_back(CapabilityName(c));
  }
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

namespace {

bool ValidTag(absl::string_view t) {
  if (t.empty()) return false;
  for (char c : t) {
    // '+': a canary tag "<base>+<name>" (versions/canaries).
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-' &&
        c != '+') {
      return false;
    }
  }
  return true;
}

std::string KnownCapabilities() {
  std::vector<std::string> names;
  for (Capability c : kAllCapabilities) names.push_back(CapabilityName(c));
  names.push_back("none");
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::StatusOr<Policy> Policy::Parse(absl::string_view text, absl::string_view filename) {
  Policy p;
  p.filename_ = std::string(filename);
  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(filename, ":", line_no, ": ", what));
    };
    absl::string_view line = raw;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    size_t arrow = line.find("->");
    size_t colon = line.find(':');
    if (arrow == absl::string_view::npos || colon == absl::string_view::npos || colon < arrow) {
      return error(absl::StrCat("expected '<from> -> <to>: <capability>, ...', got '", line, "'"));
    }
    absl::string_view from = absl::StripAsciiWhitespace(line.substr(0, arrow));
    absl::string_view to = absl::StripAsciiWhitespace(line.substr(arrow + 2, colon - arrow - 2));
    if (!ValidTag(from)) return error(absl::StrCat("bad release tag '", from, "'"));
    if (!ValidTag(to)) return error(absl::StrCat("bad release tag '", to, "'"));
    PairPolicy pair;
    pair.from = std::string(from);
    pair.to = std::string(to);
    pair.line = line_no;
    absl::string_view list = absl::StripAsciiWhitespace(line.substr(colon + 1));
    if (list.empty()) {
      return error(absl::StrCat("no capabilities for ", from, " -> ", to,
                                " (write 'none' to declare that nothing is supported)"));
    }
    bool none = false;
    int count = 0;
    for (absl::string_view item : absl::StrSplit(list, ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (item.empty()) return error("empty capability in the list (stray comma?)");
      ++count;
      if (item == "none") {
        none = true;
        continue;
      }
      std::optional<Capability> c = CapabilityFromName(item);
      if (!c) {
        return error(absl::StrCat("unknown capability '", item, "'; known: ", KnownCapabilities()));
      }
      if (pair.capabilities.Has(*c)) {
        return error(absl::StrCat("capability '", item, "' listed twice"));
      }
      pair.capabilities.Add(*c);
    }
    if (none && count > 1) return error("'none' cannot be combined with other capabilities");
    for (const PairPolicy& other : p.pairs_) {
      if (other.from == pair.from && other.to == pair.to) {
        return error(absl::StrCat("pair ", from, " -> ", to, " already declared at line ",
                                  other.line));
      }
    }
    p.pairs_.push_back(std::move(pair));
  }
  return p;
}

absl::StatusOr<Policy> Policy::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open policy file ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

absl::Status Policy::Validate(const std::vector<std::string>& tags) const {
  auto position = [&](const std::string& t) -> int {
    auto it = std::find(tags.begin(), tags.end(), t);
    return it == tags.end() ? -1 : static_cast<int>(it - tags.begin());
  };
  for (const PairPolicy& p : pairs_) {
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(filename_, ":", p.line, ": ", what));
    };
    int a = position(p.from), b = position(p.to);
    for (const auto& [tag, pos] : {std::make_pair(p.from, a), std::make_pair(p.to, b)}) {
      if (pos < 0) {
        return error(absl::StrCat("tag '", tag, "' is not registered (registered: ",
                                  absl::StrJoin(tags, ","), ")"));
      }
    }
    if (a > b) {
      return error(absl::StrCat("pair ", p.from, " -> ", p.to, " goes from newer to older; write ",
                                p.to, " -> ", p.from,
                                " and declare downgrades with downgrade_before_finalize / "
                                "downgrade_after_finalize"));
    }
    const bool adjacent = b - a <= 1;
    const bool skip = p.capabilities.Has(Capability::kSkipVersion);
    if (adjacent && skip) {
      return error(absl::StrCat("skip_version on ", p.from, " -> ", p.to,
                                ", which skips no release"));
    }
    if (!adjacent && !skip && !p.capabilities.empty()) {
      return error(absl::StrCat(p.from, " -> ", p.to, " skips ", b - a - 1,
                                " release(s): add skip_version to declare the direct path "
                                "supported, or declare none"));
    }
  }
  return absl::OkStatus();
}

const PairPolicy* Policy::Find(absl::string_view from, absl::string_view to) const {
  for (const PairPolicy& p : pairs_) {
    if (p.from == from && p.to == to) return &p;
  }
  return nullptr;
}

Capabilities Policy::For(absl::string_view from, absl::string_view to) const {
  const PairPolicy* p = Find(from, to);
  return p ? p->capabilities : Capabilities();
}

}  // namespace raftlog::policy
