// libFuzzer target for the Jepsen history reader (edn.h ParseEdnHistory)
// and, on what it accepts, the linearizability checker (checker.h Check)
// under a small budget.
//
// Properties (a violation aborts):
//   - ParseEdnHistory returns; an error is kInvalidArgument and names its
//     line ("line N: ...") or is a whole-history problem;
//   - a parsed history of at most kMaxCheckedOps operations is checked with a
//     20,000-state budget: Check returns a verdict or kInvalidArgument, an
//     unknown verdict says which budget ran out, and a non-linearizable one
//     names a bad key and a window of operations that exist.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "matrix/lin/checker.h"
#include "matrix/lin/edn.h"

namespace {

constexpr size_t kMaxCheckedOps = 48;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "edn_fuzz: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<raftlog::lin::History> history = raftlog::lin::ParseEdnHistory(text);
  if (!history.ok()) {
    if (history.status().code() != absl::StatusCode::kInvalidArgument)
      Fail("parse error outside kInvalidArgument: " + history.status().ToString());
    if (history.status().message().empty()) Fail("parse error without a message");
    return 0;
  }
  if (history->ops().size() > kMaxCheckedOps) return 0;
  raftlog::lin::CheckOptions options;
  options.max_states = 20000;
  options.max_memory_bytes = uint64_t{64} << 20;
  absl::StatusOr<raftlog::lin::CheckResult> result = raftlog::lin::Check(*history, options);
  if (!result.ok()) {
    if (result.status().code() != absl::StatusCode::kInvalidArgument)
      Fail("check error outside kInvalidArgument: " + result.status().ToString());
    return 0;
  }
  switch (result->verdict) {
    case raftlog::lin::Verdict::kUnknown:
      if (result->reason.empty()) Fail("unknown verdict without a reason");
      break;
    case raftlog::lin::Verdict::kNotLinearizable:
      if (result->bad_keys.empty()) Fail("not linearizable, but no bad key");
      for (size_t op : result->window_ops) {
        if (op >= history->ops().size()) Fail("window names an operation that does not exist");
      }
      (void)raftlog::lin::WindowToEdn(*history, *result);
      break;
    case raftlog::lin::Verdict::kLinearizable:
      break;
  }
  return 0;
}
