// Data directory inspector: snapshot files, hard state and log segments.
//
//   bazel run //snapshots:inspect -- FILE [--verify] [--json]
//
// What FILE is comes from its name in a data directory ("hardstate",
// "log/<20 digits>", "snap/<20 digits>"), else from its first bytes
// (snapshots/STORAGE.md). For a hard state: the framing version, term, vote,
// commit and checksum. For a log segment: the record count and index range,
// with --verify one line per record (offset, length, index, term, type),
// and the first bad record's offset and what is wrong with it.
//
// For a snapshot:
// Prints the format, the release that writes it, the minimum release able to
// read it, the header, the configuration, sizes, the session count and the
// checksum (stored and recomputed). For formats 2 and 3 also the declared
// (uncompressed) and compressed sizes, the chunk size and count, the zstd
// level, how many chunks match their checksum, and format 3's metadata;
// with --verify, one line per chunk with its checksum verdict. A relative FILE is taken relative to
// $BUILD_WORKING_DIRECTORY when set (bazel run runs inside the runfiles tree).
//
// Exit codes:
//   0  the report was printed and the file is intact;
//   1  the file is not intact or not one this build can read (corrupt,
//      truncated, not a snapshot, a format it has no decoder for): the report
//      is printed all the same (its "status" line says what is wrong) and the
//      reason goes to stderr; --verify adds one line per chunk or record;
//   2  bad arguments, or FILE cannot be read.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "snapshots/inspect.h"
#include "snapshots/inspect_datadir.h"
#include "util/user_path.h"
#include "util/flag_help.h"

ABSL_FLAG(bool, verify, false,
          "list every chunk's checksum verdict (formats 2 and 3) and every record of a log "
          "segment; the exit status says whether FILE is intact either way");
ABSL_FLAG(bool, json, false, "print the report as one JSON object");

namespace {

constexpr int kExitOk = 0;
constexpr int kExitCorrupt = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "usage: inspect FILE [--verify] [--json]\n"
    "  Describes a data directory's hard state, log segment or snapshot file.\n"
    "  A hard state: term, vote, commit, checksum. A log segment: records and their\n"
    "  indexes (each record with --verify), the first bad record. A snapshot file: format, releases that write and read it, header,\n"
    "  configuration, sizes, sessions, checksum; for formats 2 and 3 compressed and\n"
    "  uncompressed sizes, chunks (each verified with --verify) and metadata.\n"
    "  exit 0: report printed, file intact; 1: the file is corrupt or unreadable by\n"
    "  this build (report printed all the same); 2: bad arguments or FILE cannot be read.";

// absl's parser exits with status 1 on an unknown flag or a bad value, which
// would read as "corrupt"; check the arguments first so misuse exits 2.
bool ArgsLookValid(int argc, char** argv, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "-") || arg == "-") continue;
    absl::string_view name = arg.substr(arg.find_first_not_of('-'));
    absl::string_view value;
    const size_t eq = name.find('=');
    if (eq != absl::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const bool boolean = name == "verify" || name == "json";
    const bool negated = name == "noverify" || name == "nojson";
    const bool help = absl::StartsWith(name, "help") || name == "version" ||
                      name == "only_check_args";
    if (help) continue;
    if (!boolean && !negated) {
      *error = absl::StrCat("unknown flag: ", arg);
      return false;
    }
    if (eq != absl::string_view::npos) {
      if (negated || !(value == "true" || value == "false" || value == "1" || value == "0")) {
        *error = absl::StrCat("bad flag value: ", arg);
        return false;
      }
    }
  }
  return true;
}

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    *error = std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *error = "not a regular file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    *error = "read error";
    return false;
  }
  return true;
}

}  // namespace

namespace {

// Prints the snapshot file report; returns the full decode's verdict.
absl::Status InspectSnapshot(const std::string& path, const std::string& bytes) {
  const raftlog::snapshots::InspectReport report = raftlog::snapshots::Inspect(bytes);
  raftlog::snapshots::ReportOptions options;
  options.list_chunks = absl::GetFlag(FLAGS_verify);  // formats 2 and 3: every chunk's checksum
  std::cout << (absl::GetFlag(FLAGS_json) ? raftlog::snapshots::ReportJson(report, path, options)
                                          : raftlog::snapshots::ReportText(report, path, options));
  return report.status;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::string error;
  if (!ArgsLookValid(argc, argv, &error)) {
    std::cerr << "inspect: " << error << "\n" << kUsage << "\n";
    return kExitUsage;
  }
  raftlog::util::ShowProjectFlagsInHelp();
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() != 2) {
    std::cerr << "inspect: expected exactly one FILE, got " << positional.size() - 1 << "\n"
              << kUsage << "\n";
    return kExitUsage;
  }
  const std::string path = raftlog::util::ResolveUserPath(positional[1]);

  std::string bytes;
  if (!ReadFile(path, &bytes, &error)) {
    std::cerr << "inspect: cannot read " << path << ": " << error << "\n";
    return kExitUsage;
  }

  namespace snapshots = raftlog::snapshots;
  const bool json = absl::GetFlag(FLAGS_json);
  const bool verify = absl::GetFlag(FLAGS_verify);
  absl::Status status;
  switch (snapshots::ClassifyDataFile(path, bytes)) {
    case snapshots::DataFileKind::kHardState: {
      snapshots::HardStateReport r = snapshots::InspectHardState(bytes);
      std::cout << (json ? snapshots::HardStateJson(r, path) : snapshots::HardStateText(r, path));
      status = r.status;
      break;
    }
    case snapshots::DataFileKind::kLogSegment: {
      snapshots::SegmentReport r = snapshots::InspectSegment(path, bytes);
      std::cout << (json ? snapshots::SegmentJson(r, path, verify)
                         : snapshots::SegmentText(r, path, verify));
      status = r.status;
      break;
    }
    case snapshots::DataFileKind::kSnapshot:
      status = InspectSnapshot(path, bytes);
      break;
  }
  std::cout.flush();
  if (!status.ok()) {
    std::cerr << "inspect: " << (verify ? "verify FAILED for " : "not intact: ") << path << ": "
              << status << "\n";
    return kExitCorrupt;
  }
  if (verify) std::cerr << "inspect: verify ok: " << path << "\n";
  return kExitOk;
}
