// digest_list: the trace digests of a runner report as a sorted list, or the
// comparison of a report with a checked-in list.
//
//   digest_list --report=report.json
//       prints the list (scenario from->to seed digest, one line per seed)
//   digest_list --report=report.json --expect=matrix/digests/fast.txt [--regenerate=CMD]
//       exit 0 when the report's digests are exactly the list's; exit 1
//       printing which cells and seeds moved (and CMD, how to regenerate)
//
// Exit 2 on unreadable or malformed input (the report or the list), with the
// reason.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "matrix/digests/digest_list.h"

ABSL_FLAG(std::string, report, "", "the runner's report.json");
ABSL_FLAG(std::string, expect, "", "a checked-in digest list to compare the report with");
ABSL_FLAG(std::string, regenerate, "", "with --expect: the command that regenerates the list, printed on a diff");

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int Fail(const std::string& what, const absl::Status& s) {
  std::cerr << "digest_list: " << what << ": " << s.message() << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("digest_list --report=report.json [--expect=LIST [--regenerate=CMD]]");
  absl::ParseCommandLine(argc, argv);
  const std::string report_path = absl::GetFlag(FLAGS_report);
  const std::string expect_path = absl::GetFlag(FLAGS_expect);
  if (report_path.empty()) {
    std::cerr << "digest_list: --report is required\n";
    return 2;
  }
  absl::StatusOr<std::string> report_text = ReadFile(report_path);
  if (!report_text.ok()) return Fail(report_path, report_text.status());
  absl::StatusOr<std::vector<raftlog::digests::SeedDigest>> actual =
      raftlog::digests::DigestsFromReport(*report_text);
  if (!actual.ok()) return Fail(report_path, actual.status());
  if (expect_path.empty()) {
    std::cout << raftlog::digests::FormatList(*actual, {});
    return 0;
  }
  absl::StatusOr<std::string> list_text = ReadFile(expect_path);
  if (!list_text.ok()) return Fail(expect_path, list_text.status());
  absl::StatusOr<std::vector<raftlog::digests::SeedDigest>> expected =
      raftlog::digests::ParseList(*list_text);
  if (!expected.ok()) return Fail(expect_path, expected.status());
  const raftlog::digests::ListDiff diff = raftlog::digests::Compare(*expected, *actual);
  if (diff.empty()) {
    std::cout << "digests match " << expect_path << ": " << actual->size() << " seeds\n";
    return 0;
  }
  std::cout << "the trace digests differ from " << expect_path << " (" << expected->size()
            << " lines; this run: " << actual->size() << " seeds)\n"
            << raftlog::digests::Describe(diff);
  const std::string regenerate = absl::GetFlag(FLAGS_regenerate);
  if (!regenerate.empty()) {
    std::cout << "A change of behaviour you mean: regenerate the list with `" << regenerate
              << "` and commit the diff. A drift you did not mean (another compiler or machine, a "
                 "nondeterminism): find its cause.\n";
  }
  return 1;
}
