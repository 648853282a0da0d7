#include "wire/cross_decode/corpus.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "wire/cross_decode/schema.h"

namespace raftlog::wire::cross_decode {
namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string CellText(const Cell& c) {
  std::string text;
  switch (c.outcome) {
    case CellOutcome::kOk:
      text = absl::StrCat("ok ", c.ok, "/", c.samples);
      break;
    case CellOutcome::kRefused:
      text = absl::StrCat("refused ", c.refused, "/", c.samples, " ", absl::StrJoin(c.codes, ","));
      break;
    case CellOutcome::kMixed:
      text = absl::StrCat("mixed ok ", c.ok, " refused ", c.refused, "/", c.samples);
      break;
    case CellOutcome::kBroken:
      text = absl::StrCat("BROKEN ", c.broken, "/", c.samples);
      break;
  }
  if (!c.violation.empty()) {
    absl::StrAppend(&text, " !");
  } else if (!c.required) {
    absl::StrAppend(&text, " ~");
  } else if (c.expected == Expect::kAny) {
    absl::StrAppend(&text, " *");
  }
  return text;
}

}  // namespace

const char* CellOutcomeName(CellOutcome o) {
  switch (o) {
    case CellOutcome::kOk:
      return "ok";
    case CellOutcome::kRefused:
      return "refused";
    case CellOutcome::kMixed:
      return "mixed";
    case CellOutcome::kBroken:
      return "broken";
  }
  return "?";
}

std::string JudgeCell(const Cell& c) {
  if (c.node_broken > 0) {
    // Universal (ARCHITECTURE.md, "Mixed versions"): a refusal is counted and uses the table's codes,
    // whatever the policy says about the pair.
    return absl::StrCat("node path broken: ", c.first_broken);
  }
  if (!c.required) return "";
  if (c.broken > 0) return absl::StrCat("must interoperate, but ", c.first_broken);
  if (c.expected == Expect::kOk && c.ok != c.samples) {
    return absl::StrCat("expected ok, got ", CellOutcomeName(c.outcome), " (",
                        absl::StrJoin(c.codes, ","), ")");
  }
  if (c.expected == Expect::kRefused && c.refused != c.samples) {
    return absl::StrCat("expected refused, got ", CellOutcomeName(c.outcome));
  }
  // kAny: not broken is all it asks.
  return "";
}

std::vector<std::string> CoverageViolations(const Capture& capture) {
  std::vector<std::string> out;
  const std::string& tag = capture.tag;
  if (EnvelopeDescriptor(tag) == nullptr || MessageTypeEnum(tag) == nullptr) {
    out.push_back(absl::StrCat(tag, ": ", WirePackage(tag),
                               ".Message / .MessageType not linked into this binary"));
    return out;
  }
  std::map<std::string, std::set<std::string>> values_of_type;  // Outbound::type -> values
  std::map<std::string, std::set<std::string>> types_of_value;  // value -> Outbound::type
  for (const Sample& s : capture.samples) {
    values_of_type[s.type].insert(s.type_value);
    types_of_value[s.type_value].insert(s.type);
  }
  for (const auto& [type, values] : values_of_type) {
    if (values.size() != 1) {
      out.push_back(absl::StrCat(tag, ": Outbound::type \"", type, "\" carries envelope types {",
                                 absl::StrJoin(values, ","), "}"));
    }
  }
  for (const auto& [value, types] : types_of_value) {
    if (types.size() != 1) {
      out.push_back(absl::StrCat(tag, ": envelope type ", value, " sent under several names {",
                                 absl::StrJoin(types, ","), "}"));
    }
  }
  const std::map<std::string, std::string> never = NeverSends(tag);
  for (const google::protobuf::EnumValueDescriptor* v : SendableTypes(tag)) {
    const bool sent = types_of_value.count(v->name()) > 0;
    const bool exempt = never.count(v->name()) > 0;
    if (!sent && !exempt) {
      out.push_back(absl::StrCat(tag, ": no sample of ", v->full_name(),
                                 " (the scenario never sent it; drive it in capture.cc or "
                                 "declare it in the tag's never_sends with a reason)"));
    }
    if (sent && exempt) {
      out.push_back(
          absl::StrCat(tag, ": ", v->name(), " is declared never sent, yet the run sent it"));
    }
  }
  for (const auto& [value, types] : types_of_value) {
    if (value.empty() || value[0] == '#' ||
        MessageTypeEnum(tag)->FindValueByName(value) == nullptr ||
        MessageTypeEnum(tag)->FindValueByName(value)->number() == 0) {
      out.push_back(absl::StrCat(tag, ": sent a message whose envelope type is \"", value, "\" (",
                                 absl::StrJoin(types, ","), ")"));
    }
  }
  return out;
}

Cell DecodeCell(absl::string_view sender, const api::ReleaseInfo& receiver, absl::string_view type,
                const std::vector<const Sample*>& samples, uint64_t seed,
                const WirePolicy& policy) {
  Cell c;
  c.sender = std::string(sender);
  c.receiver = receiver.tag;
  c.type = std::string(type);
  if (!samples.empty()) {
    c.type_value = samples.front()->type_value;
    c.cluster_version = samples.front()->cluster_version;
  }
  c.required = policy.Pair(c.sender, c.receiver).must_interoperate;
  const TypeRule rule = policy.Type(c.sender, c.receiver, c.type, c.type_value, c.cluster_version);
  c.expected = rule.expect;
  c.expected_why = rule.why;
  for (const Sample* s : samples) {
    ++c.samples;
    const NodeResult node =
        DeliverToFreshNode(receiver, s->from, s->to, s->bytes, seed * 1000003ull + s->seq);
    const SchemaVerdict schema = CheckSchemaDecode(c.sender, c.receiver, s->bytes);
    if (schema.unknown_paths > 0) ++c.unknown_fields;
    std::string why;
    if (node.verdict == Verdict::kBroken) {
      ++c.node_broken;
      why = absl::StrCat("node: ", node.detail);
    }
    if (!schema.ok) {
      absl::StrAppend(&why, why.empty() ? "" : "; ", "schema: ", schema.detail);
    }
    if (!why.empty()) {
      ++c.broken;
      if (c.first_broken.empty()) {
        c.first_broken = absl::StrCat("sample #", s->seq, " (", s->from, "->", s->to, ", ",
                                      s->bytes.size(), " bytes): ", why);
      }
    } else if (node.verdict == Verdict::kRefused) {
      ++c.refused;
      c.codes.insert(absl::StatusCodeToString(node.status.code()));
      c.counters.insert(node.counters_moved.begin(), node.counters_moved.end());
    } else {
      ++c.ok;
    }
  }
  if (c.broken > 0) {
    c.outcome = CellOutcome::kBroken;
  } else if (c.ok == c.samples) {
    c.outcome = CellOutcome::kOk;
  } else if (c.refused == c.samples) {
    c.outcome = CellOutcome::kRefused;
  } else {
    c.outcome = CellOutcome::kMixed;
  }
  return c;
}

Report RunCrossDecode(const std::vector<api::ReleaseInfo>& releases,
                      const CrossDecodeOptions& options) {
  Report report;
  report.options = options;
  CaptureOptions co;
  co.seed = options.seed;
  co.per_type = options.per_type;
  for (const api::ReleaseInfo& r : releases) report.tags.push_back(r.tag);
  report.policy = options.policy_path.empty() ? WirePolicy::SelfPairsOnly(report.tags)
                                              : WirePolicy::Load(options.policy_path, report.tags);
  std::map<std::string, uint32_t> max_protocol;
  for (const api::ReleaseInfo& r : releases) max_protocol[r.tag] = r.max_protocol;
  report.policy.SetMaxProtocols(max_protocol);
  if (!report.policy.status().ok()) {
    report.violations.push_back(
        absl::StrCat("policy unusable: ", report.policy.status().ToString()));
  }
  for (const api::ReleaseInfo& r : releases) {
    report.captures.push_back(CaptureRelease(r, co));
    for (std::string& v : CoverageViolations(report.captures.back())) {
      report.violations.push_back(std::move(v));
    }
  }
  for (const Capture& capture : report.captures) {
    // Samples grouped by (type, cluster version), in the capture's order.
    std::map<std::pair<std::string, uint32_t>, std::vector<const Sample*>> groups;
    for (const Sample& s : capture.samples) groups[{s.type, s.cluster_version}].push_back(&s);
    for (const auto& [key, samples] : groups) {
      for (const api::ReleaseInfo& receiver : releases) {
        Cell c = DecodeCell(capture.tag, receiver, key.first, samples, options.seed, report.policy);
        c.violation = JudgeCell(c);
        if (!c.violation.empty()) {
          report.violations.push_back(absl::StrCat(c.sender, "->", c.receiver, " ", c.type, " @cv",
                                                   c.cluster_version, ": ", c.violation));
        }
        report.cells.push_back(std::move(c));
      }
    }
  }
  return report;
}

std::string FormatGrid(const Report& report) {
  std::string out;
  absl::StrAppend(&out, "Cross-version decode corpus: seed ", report.options.seed, ", up to ",
                  report.options.per_type,
                  " samples per message type (distinct shapes first), tags ",
                  absl::StrJoin(report.tags, ","), "\n");
  for (const Capture& c : report.captures) {
    absl::StrAppend(&out, "  ", c.tag, " run: ", c.delivered, " messages delivered, ",
                    c.seen_by_type.size(), " types, ", c.samples.size(), " samples kept",
                    c.notes.empty() ? "" : absl::StrCat("; notes: ", absl::StrJoin(c.notes, "; ")),
                    "\n");
  }
  absl::StrAppend(&out, "  policy: ", report.policy.source(),
                  report.policy.status().ok() ? "" : " (UNUSABLE)", "\n\n");

  // Rows: (sender, type, cluster version); columns: receivers.
  using RowKey = std::tuple<std::string, std::string, uint32_t>;
  std::vector<RowKey> rows;
  std::map<RowKey, std::map<std::string, const Cell*>> grid;
  for (const Cell& c : report.cells) {
    RowKey key{c.sender, c.type, c.cluster_version};
    if (grid.find(key) == grid.end()) rows.push_back(key);
    grid[key][c.receiver] = &c;
  }
  size_t w_sender = std::string("sender").size();
  size_t w_type = std::string("message type").size();
  const size_t w_cv = 4;
  std::map<std::string, size_t> w_recv;
  for (const std::string& t : report.tags) w_recv[t] = std::max<size_t>(t.size(), 8);
  for (const RowKey& key : rows) {
    w_sender = std::max(w_sender, std::get<0>(key).size());
    w_type = std::max(w_type, std::get<1>(key).size());
    for (const auto& [recv, cell] : grid[key]) {
      w_recv[recv] = std::max(w_recv[recv], CellText(*cell).size());
    }
  }
  std::string header =
      Pad("sender", w_sender) + "  " + Pad("message type", w_type) + "  " + Pad("cv", w_cv);
  std::string rule =
      std::string(w_sender, '-') + "  " + std::string(w_type, '-') + "  " + std::string(w_cv, '-');
  for (const std::string& t : report.tags) {
    header += " | " + Pad(absl::StrCat("-> ", t), w_recv[t]);
    rule += "-+-" + std::string(w_recv[t], '-');
  }
  while (!header.empty() && header.back() == ' ') header.pop_back();
  absl::StrAppend(&out, header, "\n", rule, "\n");
  std::string previous_sender;
  for (const RowKey& key : rows) {
    const std::string& sender = std::get<0>(key);
    std::string line = Pad(sender == previous_sender ? "" : sender, w_sender) + "  " +
                       Pad(std::get<1>(key), w_type) + "  " +
                       Pad(absl::StrCat(std::get<2>(key)), w_cv);
    previous_sender = sender;
    for (const std::string& t : report.tags) {
      auto it = grid[key].find(t);
      line += " | " + Pad(it == grid[key].end() ? "-" : CellText(*it->second), w_recv[t]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  absl::StrAppend(
      &out,
      "\ncv: the cluster version of the sender's phase: before finalize, the initial one; "
      "from the finalize request on, the one it raises to.\n"
      "ok: every sample accepted by a fresh receiver node and round-tripped by the "
      "receiver's schema; refused: a counted Status with a table code; BROKEN: an "
      "uncounted or off-table error, or a schema round trip that lost data.\n"
      "~: the policy does not require this pair to interoperate; *: sent after "
      "finalize to a release that cannot be a member then, either outcome is fine "
      "if clean; !: disagrees with the policy.\n");

  bool details = false;
  for (const Cell& c : report.cells) {
    if (c.outcome == CellOutcome::kOk && c.unknown_fields == 0) continue;
    if (!details) absl::StrAppend(&out, "\nDetails:\n");
    details = true;
    absl::StrAppend(&out, "  ", c.sender, "->", c.receiver, " ", c.type, " @cv", c.cluster_version,
                    ": ", CellOutcomeName(c.outcome));
    if (!c.codes.empty()) absl::StrAppend(&out, " codes {", absl::StrJoin(c.codes, ","), "}");
    if (!c.counters.empty()) {
      absl::StrAppend(&out, " counted in {", absl::StrJoin(c.counters, ","), "}");
    }
    if (c.unknown_fields > 0) {
      absl::StrAppend(&out, " unknown fields kept in ", c.unknown_fields, " samples");
    }
    if (!c.first_broken.empty()) absl::StrAppend(&out, " first: ", c.first_broken);
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "\nPolicy (", report.policy.source(), "):\n");
  for (const std::string& s : report.tags) {
    for (const std::string& r : report.tags) {
      const PairRule rule = report.policy.Pair(s, r);
      absl::StrAppend(&out, "  ", s, "->", r, ": ",
                      rule.must_interoperate ? "must interoperate" : "not required", " (", rule.why,
                      ")\n");
    }
  }
  std::string expectations;
  for (const Cell& c : report.cells) {
    if (c.required && c.expected != Expect::kOk) {
      absl::StrAppend(&expectations, "  ", c.sender, "->", c.receiver, " ", c.type, " @cv",
                      c.cluster_version, ": ", ExpectName(c.expected), " (", c.expected_why, ")\n");
    }
  }
  absl::StrAppend(&out, "  expected: ok, except\n",
                  expectations.empty() ? "  (none)\n" : expectations);
  if (report.violations.empty()) {
    absl::StrAppend(&out, "\nPASS: ", report.cells.size(), " cells agree with the policy\n");
  } else {
    absl::StrAppend(&out, "\nFAIL: ", report.violations.size(), " violations\n");
    for (const std::string& v : report.violations) absl::StrAppend(&out, "  ", v, "\n");
  }
  return out;
}

}  // namespace raftlog::wire::cross_decode
