#include "wire/compat/cli.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "wire/compat/checker.h"
#include "wire/compat/report.h"
#include "wire/compat/schema.h"
#include "util/user_path.h"

namespace raftlog::wire::compat {

namespace {

constexpr absl::string_view kUsage =
    "usage: compat OLD.binpb NEW.binpb [--format=text|json] [--except RULE[,RULE...]]...\n"
    "       compat --list_rules\n"
    "OLD and NEW are FileDescriptorSets (proto_library's descriptor set, or\n"
    "wire_descriptor_set's transitive one).\n"
    "  --format=text|json  how findings are printed (default text)\n"
    "  --except RULE,...   allow these rule IDs' breaks (default none; repeatable; an\n"
    "                      unknown ID is a usage error)\n"
    "  --list_rules        print every rule ID with what it protects, then exit\n"
    "Exit 0 compatible, 1 incompatible, 2 unreadable input or usage error.\n";

bool LooksLikeRuleId(absl::string_view s) {
  if (s.empty() || !absl::ascii_isupper(s[0])) return false;
  for (const char c : s) {
    if (!(absl::ascii_isupper(c) || absl::ascii_isdigit(c) || c == '_' || c == ',')) {
      return false;
    }
  }
  return true;
}

int UsageError(std::ostream& err, absl::string_view problem) {
  err << "compat: " << problem << "\n" << kUsage;
  return kExitBadInput;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const std::string& working_directory,
           std::ostream& out, std::ostream& err) {
  std::vector<std::string> positional;
  std::vector<std::string> except_lists;
  std::string format = "text";
  bool list_rules = false;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out << kUsage;
      return kExitCompatible;
    } else if (arg == "--list_rules") {
      list_rules = true;
    } else if (absl::StartsWith(arg, "--format=")) {
      format = arg.substr(9);
    } else if (arg == "--format") {
      if (i + 1 >= args.size()) return UsageError(err, "--format needs a value");
      format = args[++i];
    } else if (absl::StartsWith(arg, "--except=")) {
      except_lists.push_back(arg.substr(9));
    } else if (arg == "--except") {
      if (i + 1 >= args.size()) return UsageError(err, "--except needs a rule ID");
      except_lists.push_back(args[++i]);
      while (i + 1 < args.size() && LooksLikeRuleId(args[i + 1])) except_lists.push_back(args[++i]);
    } else if (absl::StartsWith(arg, "-") && arg != "-") {
      return UsageError(err, absl::StrCat("unknown flag ", arg));
    } else {
      positional.push_back(arg);
    }
  }

  if (format != "text" && format != "json") {
    return UsageError(err, absl::StrCat("unknown format \"", format, "\" (text or json)"));
  }
  CheckOptions options;
  for (const std::string& list : except_lists) {
    for (absl::string_view id : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
      id = absl::StripAsciiWhitespace(id);
      if (FindRule(id) == nullptr) {
        return UsageError(err, absl::StrCat("unknown rule ID \"", id,
                                            "\" in --except (see --list_rules)"));
      }
      options.except.insert(std::string(id));
    }
  }
  if (list_rules) {
    if (!positional.empty()) return UsageError(err, "--list_rules takes no files");
    out << FormatRuleTable();
    return kExitCompatible;
  }
  if (positional.size() != 2) {
    return UsageError(err, absl::StrCat("expected OLD and NEW, got ", positional.size(),
                                        " file argument(s)"));
  }

  std::unique_ptr<Schema> schemas[2];
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<std::unique_ptr<Schema>> schema =
        Schema::FromFile(util::ResolveAgainst(positional[i], working_directory));
    if (!schema.ok()) {
      err << "compat: " << (i == 0 ? "OLD" : "NEW") << " unreadable: " << schema.status().message()
          << "\n";
      return kExitBadInput;
    }
    schemas[i] = *std::move(schema);
  }

  const CheckResult result = CheckCompatibility(*schemas[0], *schemas[1], options);
  if (format == "json") {
    out << FormatJson(result, positional[0], positional[1]);
  } else {
    out << FormatText(result);
  }
  return result.compatible() ? kExitCompatible : kExitIncompatible;
}

}  // namespace raftlog::wire::compat
