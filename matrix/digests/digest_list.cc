#include "matrix/digests/digest_list.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace raftlog::digests {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kDigestHexDigits = 16;

bool IsDigest(absl::string_view s) {
  return s.size() == kDigestHexDigits &&
         std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'); });
}

// A string field of `object`, or an error naming `where`.
absl::StatusOr<std::string> StringField(const Struct& object, const std::string& key, const std::string& where) {
  auto it = object.fields().find(key);
  if (it == object.fields().end() || it->second.kind_case() != Value::kStringValue) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": no string field \"", key, "\""));
  }
  return it->second.string_value();
}

// The seed of a seed result: a JSON number holding a positive integer.
absl::StatusOr<uint64_t> SeedField(const Struct& object, const std::string& where) {
  auto it = object.fields().find("seed");
  if (it == object.fields().end() || it->second.kind_case() != Value::kNumberValue) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": no number field \"seed\""));
  }
  const double v = it->second.number_value();
  // Exact in a double up to 2^53; the runner's seeds are small.
  if (!(v >= 1 && v <= 9007199254740992.0) || std::floor(v) != v) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": seed ", v, " is not a positive integer"));
  }
  return static_cast<uint64_t>(v);
}

absl::StatusOr<const ListValue*> ListField(const Struct& object, const std::string& key, const std::string& where) {
  auto it = object.fields().find(key);
  if (it == object.fields().end() || it->second.kind_case() != Value::kListValue) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": no array field \"", key, "\""));
  }
  return &it->second.list_value();
}

// The seeds of one cell, appended to `out`.
absl::Status CellDigests(const Value& cell_value, size_t index, std::vector<SeedDigest>& out) {
  std::string where = absl::StrCat("cells[", index, "]");
  if (cell_value.kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError(absl::StrCat(where, " is not an object"));
  }
  const Struct& cell = cell_value.struct_value();
  SeedDigest base;
  for (auto [key, field] : {std::pair{"scenario", &base.scenario}, {"from", &base.from}, {"to", &base.to}}) {
    absl::StatusOr<std::string> v = StringField(cell, key, where);
    if (!v.ok()) return v.status();
    if (v->empty() || std::any_of(v->begin(), v->end(), [](char c) { return absl::ascii_isspace(c); })) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", key, " \"", *v, "\" is empty or holds a space"));
    }
    *field = *v;
  }
  where = absl::StrCat(where, " (", base.scenario, " ", base.from, "->", base.to, ")");
  absl::StatusOr<const ListValue*> seeds = ListField(cell, "seed_results", where);
  if (!seeds.ok()) return seeds.status();
  for (int i = 0; i < (*seeds)->values_size(); ++i) {
    const std::string seed_where = absl::StrCat(where, " seed_results[", i, "]");
    const Value& v = (*seeds)->values(i);
    if (v.kind_case() != Value::kStructValue) {
      return absl::InvalidArgumentError(absl::StrCat(seed_where, " is not an object"));
    }
    SeedDigest d = base;
    absl::StatusOr<uint64_t> seed = SeedField(v.struct_value(), seed_where);
    if (!seed.ok()) return seed.status();
    d.seed = *seed;
    absl::StatusOr<std::string> digest = StringField(v.struct_value(), "digest", seed_where);
    if (!digest.ok()) return digest.status();
    if (!IsDigest(*digest)) {
      return absl::InvalidArgumentError(
          absl::StrCat(seed_where, ": digest \"", *digest, "\" is not ", kDigestHexDigits, " lowercase hex digits"));
    }
    d.digest = *digest;
    out.push_back(std::move(d));
  }
  return absl::OkStatus();
}

// Sorts; fails on a key present twice.
absl::Status SortUnique(std::vector<SeedDigest>& digests) {
  std::sort(digests.begin(), digests.end());
  for (size_t i = 1; i < digests.size(); ++i) {
    if (!(digests[i - 1] < digests[i])) {
      return absl::InvalidArgumentError(absl::StrCat(digests[i].Key(), " appears twice"));
    }
  }
  return absl::OkStatus();
}

// "v1->v2" into from and to.
bool SplitPair(absl::string_view pair, std::string& from, std::string& to) {
  std::vector<std::string> parts = absl::StrSplit(pair, "->");
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return false;
  from = parts[0];
  to = parts[1];
  return true;
}

std::string CellName(const SeedDigest& d) { return absl::StrCat(d.scenario, " ", d.from, "->", d.to); }

}  // namespace

std::string SeedDigest::Key() const { return absl::StrCat(CellName(*this), " ", seed); }

std::string SeedDigest::Line() const { return absl::StrCat(Key(), " ", digest); }

absl::StatusOr<std::vector<SeedDigest>> DigestsFromReport(absl::string_view report_json) {
  Struct report;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(report_json.data(), report_json.size()), &report);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("report is not JSON: ", parsed.ToString()));
  }
  absl::StatusOr<const ListValue*> cells = ListField(report, "cells", "report");
  if (!cells.ok()) return cells.status();
  std::vector<SeedDigest> digests;
  for (int i = 0; i < (*cells)->values_size(); ++i) {
    if (absl::Status s = CellDigests((*cells)->values(i), i, digests); !s.ok()) return s;
  }
  if (digests.empty()) return absl::InvalidArgumentError("report has no seed result");
  if (absl::Status s = SortUnique(digests); !s.ok()) return s;
  return digests;
}

std::string FormatList(std::vector<SeedDigest> digests, const std::vector<std::string>& comment) {
  std::sort(digests.begin(), digests.end());
  std::string out;
  for (const std::string& c : comment) absl::StrAppend(&out, "# ", c, "\n");
  for (const SeedDigest& d : digests) absl::StrAppend(&out, d.Line(), "\n");
  return out;
}

absl::StatusOr<std::vector<SeedDigest>> ParseList(absl::string_view text) {
  std::vector<SeedDigest> digests;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", number, " \"", line, "\": ", why));
    };
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    if (f.size() != 4) return bad("wants 4 fields separated by one space: scenario from->to seed digest");
    SeedDigest d;
    d.scenario = std::string(f[0]);
    if (d.scenario.empty()) return bad("empty scenario");
    if (!SplitPair(f[1], d.from, d.to)) return bad("the pair is not from->to");
    if (!absl::SimpleAtoi(f[2], &d.seed) || d.seed == 0) return bad("the seed is not a positive integer");
    if (!IsDigest(f[3])) return bad(absl::StrCat("the digest is not ", kDigestHexDigits, " lowercase hex digits"));
    d.digest = std::string(f[3]);
    if (!digests.empty() && !(digests.back() < d)) return bad("out of order or repeated (the list is sorted)");
    digests.push_back(std::move(d));
  }
  return digests;
}

ListDiff Compare(const std::vector<SeedDigest>& expected, const std::vector<SeedDigest>& actual) {
  ListDiff diff;
  size_t e = 0, a = 0;
  while (e < expected.size() || a < actual.size()) {
    if (a == actual.size() || (e < expected.size() && expected[e] < actual[a])) {
      diff.removed.push_back(expected[e++]);
    } else if (e == expected.size() || actual[a] < expected[e]) {
      diff.added.push_back(actual[a++]);
    } else {
      if (expected[e].digest != actual[a].digest) diff.changed.emplace_back(expected[e], actual[a]);
      ++e;
      ++a;
    }
  }
  return diff;
}

std::string Describe(const ListDiff& diff) {
  // Per cell, in list order: which seeds changed, appeared, disappeared.
  struct CellMoves {
    std::vector<uint64_t> changed, added, removed;
  };
  std::map<SeedDigest, CellMoves> cells;  // keyed by the cell: seed 0, no digest
  const auto cell_of = [](SeedDigest d) {
    d.seed = 0;
    d.digest.clear();
    return d;
  };
  for (const auto& [e, a] : diff.changed) cells[cell_of(e)].changed.push_back(e.seed);
  for (const SeedDigest& d : diff.added) cells[cell_of(d)].added.push_back(d.seed);
  for (const SeedDigest& d : diff.removed) cells[cell_of(d)].removed.push_back(d.seed);

  std::string out = absl::StrCat(diff.changed.size() + diff.added.size() + diff.removed.size(),
                                 " line(s) differ: ", diff.changed.size(), " digest(s) changed, ",
                                 diff.added.size(), " seed(s) not in the list, ", diff.removed.size(),
                                 " seed(s) of the list not run\n");
  absl::StrAppend(&out, "cells whose seeds moved (", cells.size(), "):\n");
  for (const auto& [cell, moves] : cells) {
    std::vector<std::string> parts;
    for (const auto& [seeds, what] : {std::pair{&moves.changed, "changed"}, {&moves.added, "new"}, {&moves.removed, "gone"}}) {
      if (seeds->empty()) continue;
      parts.push_back(absl::StrCat(seeds->size() == 1 ? "seed " : "seeds ", absl::StrJoin(*seeds, ","), " ", what));
    }
    absl::StrAppend(&out, "  ", CellName(cell), ": ", absl::StrJoin(parts, "; "), "\n");
  }
  absl::StrAppend(&out, "lines (- the list, + this run):\n");
  for (const auto& [e, a] : diff.changed) absl::StrAppend(&out, "- ", e.Line(), "\n+ ", a.Line(), "\n");
  for (const SeedDigest& d : diff.removed) absl::StrAppend(&out, "- ", d.Line(), "\n");
  for (const SeedDigest& d : diff.added) absl::StrAppend(&out, "+ ", d.Line(), "\n");
  return out;
}

}  // namespace raftlog::digests
