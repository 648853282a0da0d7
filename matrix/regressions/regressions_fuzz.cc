// libFuzzer target for the regressions file parser
// (matrix/runner/cli.h ParseRegressions, the reader of regressions.txt).
//
// Properties (a violation aborts):
//   - ParseRegressions returns; an error is kInvalidArgument and starts with
//     "<filename>:<line>: ";
//   - what it accepts is well formed: names unique and non-empty, each
//     scenario known, from and to non-empty, seed positive, lines
//     increasing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "matrix/runner/cli.h"
#include "matrix/runner/scenario.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "regressions_fuzz: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto cases = raftlog::runner::ParseRegressions(text, "fuzz.txt");
  if (!cases.ok()) {
    if (cases.status().code() != absl::StatusCode::kInvalidArgument)
      Fail("error outside kInvalidArgument: " + cases.status().ToString());
    absl::string_view m = cases.status().message();
    if (!absl::ConsumePrefix(&m, "fuzz.txt:") || m.empty() || !absl::ascii_isdigit(m[0]))
      Fail("error does not name file and line: " + cases.status().ToString());
    return 0;
  }
  std::set<std::string> names;
  int previous_line = 0;
  for (const raftlog::runner::RegressionCase& c : *cases) {
    if (c.name.empty() || !names.insert(c.name).second) Fail("empty or repeated name " + c.name);
    if (raftlog::runner::FindScenario(c.scenario) == nullptr) Fail("unknown scenario accepted");
    if (c.from.empty() || c.to.empty()) Fail("empty tag accepted");
    if (c.seed == 0) Fail("seed 0 accepted");
    if (c.line <= previous_line) Fail("lines not increasing");
    previous_line = c.line;
  }
  return 0;
}
