#include "matrix/runner/report_junit.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace raftlog::runner {
namespace {

// Length of the well-formed UTF-8 sequence at s[i] that encodes a character
// XML 1.0 allows (no surrogates, no overlong forms, nothing above U+10FFFF,
// not U+FFFE or U+FFFF), or 0.
size_t XmlCharLength(absl::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  size_t n = 0;
  uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  if (cp == 0xFFFE || cp == 0xFFFF) return 0;
  return n;
}

// Seconds as whole milliseconds, so that the totals printed are exact sums
// of the printed children.
int64_t Millis(double seconds) {
  return seconds > 0 ? static_cast<int64_t>(std::llround(seconds * 1000)) : 0;
}
std::string Seconds(int64_t ms) { return absl::StrFormat("%d.%03d", ms / 1000, ms % 1000); }

struct Totals {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  int64_t ms = 0;
  void Add(const Totals& t) {
    tests += t.tests, failures += t.failures, errors += t.errors, skipped += t.skipped;
    ms += t.ms;
  }
  std::string Attributes() const {
    return absl::StrFormat(R"(tests="%d" failures="%d" errors="%d" skipped="%d" time="%s")", tests,
                           failures, errors, skipped, Seconds(ms));
  }
};

bool AnyStartsWith(const std::vector<std::string>& v, absl::string_view prefix) {
  for (const std::string& s : v) {
    if (absl::StartsWith(s, prefix)) return true;
  }
  return false;
}
bool AnyContains(const std::vector<std::string>& v, absl::string_view part) {
  for (const std::string& s : v) {
    if (absl::StrContains(s, part)) return true;
  }
  return false;
}

// "SAFETY election_safety @1500us: ..." -> "election_safety".
std::string CheckerOf(absl::string_view violation) {
  size_t start = violation.find(' ');
  start = start == absl::string_view::npos ? 0 : start + 1;
  const size_t end = violation.find(" @", start);
  return std::string(violation.substr(start, end == absl::string_view::npos ? end : end - start));
}

// The seed a red cell is told by: the artifact's, else the first seed that
// does not match the policy (else the first seed).
const SeedSummary* FirstMismatch(const CellResult& c) {
  for (const SeedSummary& s : c.seeds) {
    if (!s.matches_policy) return &s;
  }
  return c.seeds.empty() ? nullptr : &c.seeds.front();
}

struct Finding {
  uint64_t seed = 0;
  std::string message;                  // first violated invariant or reason
  std::vector<std::string> more;        // further reasons, notes
  std::string reproduce;
};

Finding FindingOf(const CellResult& c, Mode mode) {
  Finding f;
  if (c.artifact) {
    const Artifact& a = *c.artifact;
    f.seed = a.seed;
    f.message = a.first_violation;
    for (size_t i = 1; i < a.verdict.reasons.size() && i < 4; ++i) {
      f.more.push_back(a.verdict.reasons[i]);
    }
    for (size_t i = 0; i < a.verdict.notes.size() && i < 2; ++i) {
      f.more.push_back(absl::StrCat("note: ", a.verdict.notes[i]));
    }
    f.reproduce = a.reproduce;
  } else if (const SeedSummary* s = FirstMismatch(c)) {
    f.seed = s->seed;
    f.message = s->reason;
    f.reproduce = ReproduceCommand(c.key, s->seed, mode);
  }
  if (f.message.empty()) f.message = CellStatusName(c.verdict.status);
  return f;
}

std::string PolicyLine(const CellResult& c) {
  return absl::StrCat(CellStatusName(c.verdict.status), " ", c.verdict.matching, "/",
                      c.verdict.seeds, " ", c.key.Name(), " (policy: ", c.declared.ToString(),
                      "; scenario requires ", c.required.ToString(), ")");
}

// <failure> or <error> for a cell that does not match the policy.
std::string Problem(const CellResult& c, Mode mode) {
  const bool unknown = c.verdict.status == CellStatus::kUnknown;
  const Finding f = FindingOf(c, mode);
  std::string text = absl::StrCat(PolicyLine(c), "\nseed ", f.seed, ": ", f.message, "\n");
  for (const std::string& m : f.more) absl::StrAppend(&text, "  ", m, "\n");
  absl::StrAppend(&text, "reproduce: ", f.reproduce, "\n");
  const char* tag = unknown ? "error" : "failure";
  return absl::StrCat("      <", tag, " message=\"", XmlEscape(f.message), "\" type=\"",
                      XmlEscape(CellDiagnosisClass(c)), "\">", XmlEscapeText(text), "</", tag,
                      ">\n");
}

std::string Testcase(const CellResult& c, Mode mode, Totals& t) {
  const int64_t ms = Millis(c.wall_s);
  ++t.tests;
  t.ms += ms;
  std::string out = absl::StrCat("    <testcase classname=\"", XmlEscape(c.key.scenario),
                                 "\" name=\"", XmlEscape(c.key.PairName()), "\" time=\"",
                                 Seconds(ms), "\">\n");
  if (!c.seeds.empty()) {
    absl::StrAppend(&out, "      <properties>\n");
    for (const SeedSummary& s : c.seeds) {
      absl::StrAppend(&out, "        <property name=\"seed.", s.seed, "\" value=\"",
                      SeedOutcomeName(s.outcome), "\"/>\n");
    }
    absl::StrAppend(&out, "      </properties>\n");
  }
  if (!CellOk(c.verdict.status)) {
    ++(c.verdict.status == CellStatus::kUnknown ? t.errors : t.failures);
    absl::StrAppend(&out, Problem(c, mode));
  }
  absl::StrAppend(&out, "      <system-out>", XmlEscape(PolicyLine(c)), "\n</system-out>\n");
  absl::StrAppend(&out, "    </testcase>\n");
  return out;
}

}  // namespace

namespace {

// `text`: character data, where tab and newline may stay as they are.
std::string Escape(absl::string_view s, bool text) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b >= 0x80) {
      if (size_t n = XmlCharLength(s, i); n > 0) {
        out.append(s.data() + i, n);
        i += n;
      } else {
        absl::StrAppend(&out, absl::StrFormat("\\x%02X", b));
        ++i;
      }
      continue;
    }
    switch (b) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += text ? "\t" : "&#9;"; break;
      case '\n': out += text ? "\n" : "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (b < 0x20) {
          absl::StrAppend(&out, absl::StrFormat("\\x%02X", b));
        } else {
          out += static_cast<char>(b);
        }
    }
    ++i;
  }
  return out;
}

}  // namespace

std::string XmlEscape(absl::string_view s) { return Escape(s, /*text=*/false); }
std::string XmlEscapeText(absl::string_view s) { return Escape(s, /*text=*/true); }

namespace {

// The class of one judged seed (see CellDiagnosisClass).
std::string ClassOf(const SeedVerdict& v) {
  if (!v.first_violation.empty()) return CheckerOf(v.first_violation);
  // The reasons Judge (verdict.cc) writes for runs that are red whatever
  // the policy says, in the canary classifier's order.
  if (AnyStartsWith(v.reasons, "safety: ")) return "safety";
  if (AnyStartsWith(v.reasons, "linearizability: ")) return "linearizability";
  if (AnyStartsWith(v.reasons, "the run hit its step bound")) return "livelock";
  if (AnyStartsWith(v.reasons, "read-back incomplete")) return "read_back";
  if (AnyStartsWith(v.reasons, "wrong outcome: ")) return "wrong_outcome";
  if (v.outcome == SeedOutcome::kUnknown) return "lin_unknown";
  if (v.outcome == SeedOutcome::kGreen) return "unexpected_green";
  const std::vector<std::string>& refusals = v.refusals.empty() ? v.reasons : v.refusals;
  if (AnyContains(refusals, " message(s) rejected: ")) return "wire";
  if (AnyContains(refusals, "DATA_LOSS")) return "data_loss_on_restart";
  if (!v.refusals.empty() || AnyContains(v.reasons, "refused")) return "refusal";
  return "liveness";
}

// What a seed summary tells of its verdict (its outcome, its first reason).
SeedVerdict VerdictOf(const SeedSummary& s) {
  SeedVerdict v;
  v.outcome = s.outcome;
  if (!s.reason.empty()) v.reasons.push_back(s.reason);
  return v;
}

}  // namespace

std::string CellDiagnosisClass(const CellResult& c) {
  if (c.verdict.status == CellStatus::kUnknown) return "lin_unknown";
  if (c.verdict.status == CellStatus::kUnexpectedGreen) return "unexpected_green";
  if (c.artifact) return ClassOf(c.artifact->verdict);
  if (const SeedSummary* s = FirstMismatch(c)) return ClassOf(VerdictOf(*s));
  return "liveness";
}

std::string JunitReport(const MatrixResult& m) {
  // Suites in the order their scenario first appears (the cells are
  // scenario-major in option order), so every cell lands in exactly one.
  std::vector<std::string> order;
  for (const CellResult& c : m.cells) {
    if (order.empty() || order.back() != c.key.scenario) {
      bool seen = false;
      for (const std::string& s : order) seen = seen || s == c.key.scenario;
      if (!seen) order.push_back(c.key.scenario);
    }
  }
  Totals all;
  std::string suites;
  for (const std::string& scenario : order) {
    Totals t;
    std::string cases;
    for (const CellResult& c : m.cells) {
      if (c.key.scenario == scenario) absl::StrAppend(&cases, Testcase(c, m.mode, t));
    }
    absl::StrAppend(&suites, "  <testsuite name=\"", XmlEscape(scenario), "\" ", t.Attributes(),
                    ">\n    <properties>\n      <property name=\"mode\" value=\"",
                    ModeName(m.mode), "\"/>\n      <property name=\"policy_file\" value=\"",
                    XmlEscape(m.policy_file), "\"/>\n    </properties>\n", cases,
                    "  </testsuite>\n");
    all.Add(t);
  }
  return absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                      "<testsuites name=\"raftcert matrix\" ", all.Attributes(), ">\n", suites,
                      "</testsuites>\n");
}

namespace {

// One seed of `c` as a testcase of report.seeds.xml.
std::string SeedTestcase(const CellResult& c, const SeedSummary& s, Mode mode, Totals& t) {
  ++t.tests;
  std::string out = absl::StrCat("    <testcase classname=\"", XmlEscape(c.key.Name()),
                                 "\" name=\"seed ", s.seed, "\" time=\"0.000\">\n");
  if (!s.matches_policy) {
    const bool unknown = s.outcome == SeedOutcome::kUnknown;
    ++(unknown ? t.errors : t.failures);
    // The seed the artifact judged again carries its invariant and class.
    const bool judged = c.artifact && c.artifact->seed == s.seed;
    std::string message = judged ? c.artifact->first_violation : s.reason;
    if (message.empty()) message = s.reason.empty() ? SeedOutcomeName(s.outcome) : s.reason;
    const std::string type = judged ? ClassOf(c.artifact->verdict) : ClassOf(VerdictOf(s));
    const std::string text = absl::StrCat("seed ", s.seed, " (", SeedOutcomeName(s.outcome),
                                          "): ", message, "\nreproduce: ",
                                          ReproduceCommand(c.key, s.seed, mode), "\n");
    const char* tag = unknown ? "error" : "failure";
    absl::StrAppend(&out, "      <", tag, " message=\"", XmlEscape(message), "\" type=\"",
                    XmlEscape(type), "\">", XmlEscapeText(text), "</", tag, ">\n");
  }
  absl::StrAppend(&out, "      <system-out>", SeedOutcomeName(s.outcome),
                  absl::StrFormat(", %.3fs simulated", s.sim_time_us / 1e6),
                  "</system-out>\n    </testcase>\n");
  return out;
}

}  // namespace

std::string JunitSeedReport(const MatrixResult& m) {
  Totals all;
  std::string suites;
  for (const CellResult& c : m.cells) {
    Totals t;
    std::string cases;
    for (const SeedSummary& s : c.seeds) absl::StrAppend(&cases, SeedTestcase(c, s, m.mode, t));
    absl::StrAppend(&suites, "  <testsuite name=\"", XmlEscape(c.key.Name()), "\" ",
                    t.Attributes(), ">\n", cases, "  </testsuite>\n");
    all.Add(t);
  }
  return absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                      "<testsuites name=\"raftcert matrix seeds\" ", all.Attributes(), ">\n",
                      suites, "</testsuites>\n");
}

}  // namespace raftlog::runner
