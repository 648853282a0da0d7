#include "matrix/lin/lincheck_main.h"

#include <cstdlib>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "matrix/lin/checker.h"
#include "matrix/lin/edn.h"
#include "matrix/lin/history.h"
#include "util/json.h"

namespace raftlog::lin {

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& s : items) quoted.push_back(util::JsonQuote(s));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

std::vector<std::string> KeysText(const std::vector<Value>& keys) {
  std::vector<std::string> out;
  for (const Value& k : keys) out.push_back(k.ToEdn());
  return out;
}

int Fail(const LincheckArgs& args, const std::string& message,
         std::string* out, std::string* err) {
  if (args.json) {
    absl::StrAppend(out, "{\"verdict\": \"error\", \"error\": ",
                    util::JsonQuote(message), "}\n");
  }
  absl::StrAppend(err, "lincheck: ", message, "\n");
  return kExitUnknown;
}

}  // namespace

namespace {

int ExitCode(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return kExitLinearizable;
    case Verdict::kNotLinearizable:
      return kExitNotLinearizable;
    case Verdict::kUnknown:
      return kExitUnknown;
  }
  return kExitUnknown;
}

// The flags as CheckOptions; false (and *error) when a flag is unusable.
bool Options(const LincheckArgs& args, CheckOptions* options,
             std::string* error) {
  if (!args.model.empty()) {
    options->model = ModelFromName(args.model);
    if (!options->model.has_value()) {
      *error = absl::StrCat("--model must be register or kv, not '",
                            args.model, "'");
      return false;
    }
  }
  if (args.window < 0) {
    *error = "--window must be >= 0";
    return false;
  }
  options->max_states = args.max_states;
  options->max_memory_bytes = args.max_memory_mb << 20;
  options->all_keys = args.all_keys;
  if (args.jobs < 1 || args.jobs > 1024) {
    *error = "--jobs must be between 1 and 1024";
    return false;
  }
  options->jobs = static_cast<int>(args.jobs);
  return true;
}

// Checks `file`. The full report (summary == false) or one line (summary ==
// true, for several files: the file name, the verdict and its gist; with
// --json one object per line carrying a "file" field).
int CheckFile(const LincheckArgs& args, const CheckOptions& options,
              const std::string& file, bool summary, std::string* out,
              std::string* err) {
  auto fail = [&](const std::string& message) {
    if (!summary) return Fail(args, message, out, err);
    if (args.json) {
      absl::StrAppend(out, "{\"file\": ", util::JsonQuote(file),
                      ", \"verdict\": \"error\", \"error\": ",
                      util::JsonQuote(message), "}\n");
    } else {
      absl::StrAppend(out, file, ": error: ", message, "\n");
    }
    absl::StrAppend(err, "lincheck: ", file, ": ", message, "\n");
    return kExitUnknown;
  };
  absl::StatusOr<History> history = ReadEdnHistoryFile(file);
  if (!history.ok()) return fail(std::string(history.status().message()));
  absl::StatusOr<CheckResult> result = Check(*history, options);
  if (!result.ok()) return fail(std::string(result.status().message()));
  const CheckResult& r = *result;

  if (summary && !args.json) {
    absl::StrAppend(out, file, ": ", VerdictName(r.verdict), " (",
                    ModelName(r.model), ", ", r.ops_checked, " ops, ", r.keys,
                    " keys, ", r.states_explored, " states");
    if (r.verdict == Verdict::kNotLinearizable) {
      absl::StrAppend(out, "; key ", r.window_key.ToEdn(),
                      " not linearizable by time ", r.window_cut_time);
    }
    if (r.verdict == Verdict::kUnknown) {
      absl::StrAppend(out, "; ", r.reason);
    }
    absl::StrAppend(out, ")\n");
    return ExitCode(r.verdict);
  }

  size_t omitted = 0;
  std::string window;
  std::vector<std::string> failing;
  if (r.verdict == Verdict::kNotLinearizable) {
    window = WindowToEdn(*history, r, static_cast<size_t>(args.window),
                         &omitted);
    for (size_t i : r.failing_ops) {
      failing.push_back(EventToEdn((*history)[i], /*completion=*/true));
    }
  }

  if (args.json) {
    std::string s = "{";
    if (summary) absl::StrAppend(&s, "\"file\": ", util::JsonQuote(file), ", ");
    absl::StrAppend(
        &s, "\"verdict\": ",
        util::JsonQuote(std::string(VerdictName(r.verdict))),
        ", \"model\": ", util::JsonQuote(std::string(ModelName(r.model))),
        ", \"ops\": ", r.ops_checked, ", \"keys\": ", r.keys,
        ", \"states\": ", r.states_explored,
        ", \"bad_keys\": ", JsonList(KeysText(r.bad_keys)),
        ", \"unknown_keys\": ", JsonList(KeysText(r.unknown_keys)),
        ", \"keys_unchecked\": ", r.keys_unchecked);
    if (r.verdict == Verdict::kUnknown) {
      absl::StrAppend(&s, ", \"reason\": ", util::JsonQuote(r.reason));
    }
    if (r.verdict == Verdict::kNotLinearizable) {
      absl::StrAppend(&s, ", \"window\": {\"key\": ",
                      util::JsonQuote(r.window_key.ToEdn()),
                      ", \"cut_time\": ", r.window_cut_time,
                      ", \"minimal\": ", r.window_minimal ? "true" : "false",
                      ", \"ops\": ", r.window_ops.size(),
                      ", \"omitted\": ", omitted,
                      ", \"failing\": ", JsonList(failing),
                      ", \"events\": ", JsonList(Lines(window)), "}");
    }
    absl::StrAppend(&s, "}\n");
    absl::StrAppend(out, s);
    return ExitCode(r.verdict);
  }
  absl::StrAppend(out, VerdictName(r.verdict), "\n");
  absl::StrAppend(out, "model: ", ModelName(r.model),
                  ", ops: ", r.ops_checked, ", keys: ", r.keys,
                  ", states: ", r.states_explored, "\n");
  if (r.verdict == Verdict::kUnknown) {
    absl::StrAppend(out, "reason: ", r.reason, "\n");
    absl::StrAppend(out, "unknown keys: ",
                    absl::StrJoin(KeysText(r.unknown_keys), " "), "\n");
  }
  if (r.verdict == Verdict::kNotLinearizable) {
    absl::StrAppend(out, "non-linearizable keys: ",
                    absl::StrJoin(KeysText(r.bad_keys), " "), "\n");
    if (r.keys_unchecked > 0) {
      absl::StrAppend(out, "stopped at the first non-linearizable key: ",
                      r.keys_unchecked,
                      " later keys not checked (--all-keys checks them)\n");
    }
    absl::StrAppend(
        out, "key ", r.window_key.ToEdn(), ": the ",
        r.window_minimal ? "smallest" : "(possibly not smallest)",
        " non-linearizable prefix ends at time ", r.window_cut_time,
        " with\n");
    for (const std::string& f : failing) absl::StrAppend(out, "  ", f, "\n");
    absl::StrAppend(out, "window (", r.window_ops.size(), " ops");
    if (omitted > 0) {
      absl::StrAppend(out, ", the first ", omitted,
                      " not shown; --window=0 shows all");
    }
    absl::StrAppend(out, "):\n", window);
  }
  return ExitCode(r.verdict);
}

}  // namespace

int RunLincheck(const LincheckArgs& args, std::string* out, std::string* err) {
  CheckOptions options;
  std::string error;
  if (!Options(args, &options, &error)) return Fail(args, error, out, err);
  return CheckFile(args, options, args.file, /*summary=*/false, out, err);
}

int RunLincheckFiles(const LincheckArgs& args,
                     const std::vector<std::string>& files, std::string* out,
                     std::string* err) {
  if (files.size() == 1) {
    LincheckArgs one = args;
    one.file = files[0];
    return RunLincheck(one, out, err);
  }
  CheckOptions options;
  std::string error;
  if (!Options(args, &options, &error)) return Fail(args, error, out, err);
  int worst = kExitLinearizable;
  for (const std::string& file : files) {
    worst = WorstExit(worst, CheckFile(args, options, file, /*summary=*/true,
                                       out, err));
  }
  return worst;
}

}  // namespace raftlog::lin
