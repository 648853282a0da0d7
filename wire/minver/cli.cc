#include "wire/minver/cli.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "wire/minver/downgrade.h"
#include "wire/minver/log.h"
#include "wire/minver/message.h"
#include "wire/minver/requirement.h"
#include "wire/minver/snapshot.h"
#include "wire/minver/tags.h"
#include "util/user_path.h"

namespace raftlog::wire::minver {

namespace {

constexpr absl::string_view kUsage =
    "usage: minver --tag=vN --message=FILE [--type=NAME] [--downgrade_to=vM]\n"
    "       minver --tag=vN --log=FILE [--downgrade_to=vM]\n"
    "       minver --snapshot=FILE [--downgrade_to=vM]\n"
    "Prints the minimum release able to read the data and the element that forces it.\n"
    "--log: varint-length-prefixed serialized Entry messages. --type: message name\n"
    "relative to the tag's package (default Message).\n"
    "Exit 0 printed (downgrade certified), 1 downgrade refused or no minimum can be\n"
    "established, 2 usage error or unreadable input.\n";

int UsageError(std::ostream& err, absl::string_view problem) {
  err << "minver: " << problem << "\n" << kUsage;
  return kExitBadInput;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return bytes.str();
}

// InvalidArgument and DataLoss: the bytes are not what the flag says.
int ExitFor(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument || s.code() == absl::StatusCode::kDataLoss
             ? kExitBadInput
             : kExitRefused;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const std::string& working_directory,
           std::ostream& out, std::ostream& err) {
  std::optional<std::string> tag, message_file, log_file, snapshot_file, downgrade_to;
  std::string type = "Message";
  bool type_given = false;
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      out << kUsage;
      return kExitOk;
    }
    const size_t eq = arg.find('=');
    if (!absl::StartsWith(arg, "--") || eq == std::string::npos) {
      return UsageError(err, absl::StrCat("unexpected argument ", arg, " (flags are --name=value)"));
    }
    const std::string name = arg.substr(2, eq - 2);
    const std::string value = arg.substr(eq + 1);
    std::optional<std::string>* slot = nullptr;
    if (name == "tag") {
      slot = &tag;
    } else if (name == "message") {
      slot = &message_file;
    } else if (name == "log") {
      slot = &log_file;
    } else if (name == "snapshot") {
      slot = &snapshot_file;
    } else if (name == "downgrade_to") {
      slot = &downgrade_to;
    } else if (name == "type") {
      type = value;
      type_given = true;
      continue;
    } else {
      return UsageError(err, absl::StrCat("unknown flag --", name));
    }
    if (slot->has_value()) return UsageError(err, absl::StrCat("--", name, " given twice"));
    if (value.empty()) return UsageError(err, absl::StrCat("--", name, " needs a value"));
    *slot = value;
  }

  const int inputs = message_file.has_value() + log_file.has_value() + snapshot_file.has_value();
  if (inputs != 1) return UsageError(err, "give exactly one of --message, --log, --snapshot");
  if (type_given && !message_file.has_value()) return UsageError(err, "--type goes with --message");
  if (!snapshot_file.has_value() && !tag.has_value()) {
    return UsageError(err, "--message and --log need --tag=vN (the schema of the bytes)");
  }
  if (snapshot_file.has_value() && tag.has_value()) {
    return UsageError(err, "--snapshot takes no --tag (a snapshot names its own format)");
  }
  std::optional<uint32_t> target;
  if (downgrade_to.has_value()) {
    absl::StatusOr<uint32_t> parsed = ParseReleaseTag(*downgrade_to);
    if (!parsed.ok()) return UsageError(err, absl::StrCat("--downgrade_to: ", parsed.status().message()));
    target = *parsed;
  }

  const std::string path =
      util::ResolveAgainst(*(message_file ? message_file : log_file ? log_file : snapshot_file), working_directory);
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) {
    err << "minver: " << bytes.status().message() << "\n";
    return kExitBadInput;
  }

  absl::StatusOr<MinRelease> min;
  if (snapshot_file) {
    min = MinReleaseForSnapshot(*bytes);
  } else {
    absl::StatusOr<const google::protobuf::Descriptor*> d =
        FindTagMessage(*tag, log_file ? "Entry" : type);
    if (!d.ok()) return UsageError(err, d.status().message());
    if (log_file) {
      absl::StatusOr<std::vector<std::string>> entries = SplitLengthPrefixed(*bytes);
      if (!entries.ok()) {
        min = absl::Status(entries.status().code(),
                           absl::StrCat(path, ": ", entries.status().message()));
      } else {
        min = MinReleaseForLog(*d, *entries);
      }
    } else {
      min = MinReleaseForBytes(*d, *bytes);
    }
  }
  if (!min.ok()) {
    err << "minver: " << path << ": " << min.status() << "\n";
    return ExitFor(min.status());
  }
  out << Describe(*min);
  if (!target.has_value()) return kExitOk;
  const absl::Status verdict = CheckDowngrade(*target, std::vector<MinRelease>{*min});
  if (verdict.ok()) {
    out << "downgrade to " << ReleaseTag(*target) << ": ok\n";
    return kExitOk;
  }
  out << "downgrade to " << ReleaseTag(*target) << ": refused: " << verdict.message() << "\n";
  return kExitRefused;
}

}  // namespace raftlog::wire::minver
