// lincheck FILE... [--model=register|kv] [--max_states=N] [--max_memory_mb=N]
//               [--window=N] [--json] [--all-keys]
//               [--jobs=N]
// See lincheck_main.h. Exit: 0 linearizable, 1 not, 2 unknown / bad input.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "matrix/lin/lincheck_main.h"
#include "util/user_path.h"
#include "util/flag_help.h"

ABSL_FLAG(std::string, model, "",
          "register or kv; default: inferred from the :f values");
ABSL_FLAG(uint64_t, max_states, 10'000'000,
          "per-key budget of search configurations; beyond it: unknown");
ABSL_FLAG(uint64_t, max_memory_mb, 1024,
          "per-key budget of search memory in MiB; beyond it: unknown");
ABSL_FLAG(int64_t, window, 50,
          "print at most this many ops of the failing window (0 = all)");
ABSL_FLAG(bool, json, false, "print one JSON object instead of text");
ABSL_FLAG(bool, all_keys, false,
          "check every key (also spelled --all-keys) instead of stopping at "
          "the first non-linearizable one");
ABSL_FLAG(int64_t, jobs, 1,
          "keys checked in parallel threads; the output is the same for "
          "any value");

namespace {

// Flags documented with dashes (--all-keys) are abseil flags with
// underscores: rewrite the name part of such arguments before parsing.
void UnderscoreFlagNames(int argc, char** argv,
                         std::vector<std::string>* storage) {
  storage->reserve(argc);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) continue;
    size_t end = std::min(arg.find('='), arg.size());
    bool changed = false;
    for (size_t j = 2; j < end; ++j) {
      if (arg[j] == '-') {
        arg[j] = '_';
        changed = true;
      }
    }
    if (!changed) continue;
    storage->push_back(arg);
    argv[i] = storage->back().data();
  }
}

// absl::ParseCommandLine exits with status 1 on a bad flag, which would read
// as "not linearizable". Check names and values first, so that every usage
// error exits with 2.
bool CheckFlags(int argc, char** argv, std::string* error) {
  static const char* const kBuiltin[] = {
      "help", "helpfull", "helpshort", "helppackage", "version",
      "only_check_args", "flagfile", "fromenv", "tryfromenv", "undefok"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    bool builtin = false;
    for (const char* b : kBuiltin) builtin = builtin || name == b;
    if (builtin) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && !has_value && absl::StartsWith(name, "no")) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      if (flag != nullptr && flag->IsOfType<bool>()) continue;
      flag = nullptr;
    }
    if (flag == nullptr) {
      *error = absl::StrCat("unknown flag --", name);
      return false;
    }
    if (!has_value) {
      if (flag->IsOfType<bool>()) continue;
      if (i + 1 >= argc) {
        *error = absl::StrCat("missing value for --", name);
        return false;
      }
      value = argv[++i];
    }
    std::string parse_error;
    if (!flag->ParseFrom(value, &parse_error)) {
      *error = absl::StrCat("bad value for --", name, ": ", parse_error);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "lincheck FILE... [--model=register|kv] [--max_states=N] "
      "[--max_memory_mb=N] [--window=N] [--json] [--all-keys] [--jobs=N]\n"
      "Checks Jepsen-style EDN histories for linearizability (several files:\n"
      "one line each). Exit status: 0 linearizable, 1 not linearizable,\n"
      "2 unknown or unusable input; for several files the worst, with\n"
      "2 > 1 > 0.");
  std::vector<std::string> renamed;
  UnderscoreFlagNames(argc, argv, &renamed);
  std::string error;
  if (!CheckFlags(argc, argv, &error)) {
    std::fprintf(stderr, "lincheck: %s\n", error.c_str());
    return raftlog::lin::kExitUnknown;
  }
  raftlog::util::ShowProjectFlagsInHelp();
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) {
    std::fprintf(stderr,
                 "lincheck: expected at least one history FILE\n"
                 "usage: %s\n",
                 std::string(absl::ProgramUsageMessage()).c_str());
    return raftlog::lin::kExitUnknown;
  }
  std::vector<std::string> files;
  for (size_t i = 1; i < positional.size(); ++i) {
    files.push_back(raftlog::util::ResolveUserPath(positional[i]));
  }
  raftlog::lin::LincheckArgs args;
  args.model = absl::GetFlag(FLAGS_model);
  args.max_states = absl::GetFlag(FLAGS_max_states);
  args.max_memory_mb = absl::GetFlag(FLAGS_max_memory_mb);
  args.window = absl::GetFlag(FLAGS_window);
  args.json = absl::GetFlag(FLAGS_json);
  args.all_keys = absl::GetFlag(FLAGS_all_keys);
  args.jobs = absl::GetFlag(FLAGS_jobs);
  std::string out, err;
  int code = raftlog::lin::RunLincheckFiles(args, files, &out, &err);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fwrite(err.data(), 1, err.size(), stderr);
  return code;
}
