// Prints the digest of released trees, and with --write records them in
// versions/FROZEN: the explicit re-freeze step (scripts/freeze.sh wraps it).
//
//   bazel run //versions/freeze:digest -- v1 [v2 ...] [--write]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "versions/freeze/tree_digest.h"

ABSL_FLAG(bool, write, false, "record the digests in versions/FROZEN of the workspace");

int main(int argc, char** argv) {
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: digest TAG... [--write]\n");
    return 2;
  }
  // Runfiles hold exactly the files Bazel knows as each tag's sources, which
  // is also what freeze_test sees.
  const char* srcdir = std::getenv("RUNFILES_DIR");
  std::string root = srcdir ? absl::StrCat(srcdir, "/raftcert") : absl::StrCat(args[0], ".runfiles/raftcert");
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  std::string frozen_path = absl::StrCat(workspace ? workspace : ".", "/versions/FROZEN");

  std::map<std::string, std::string> frozen;
  {
    std::ifstream in(frozen_path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = raftlog::freeze::ParseFrozen(text.str());
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", frozen_path.c_str(), parsed.status().ToString().c_str());
      return 2;
    }
    frozen = *parsed;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    auto files = raftlog::freeze::ReadReleaseTree(root, args[i]);
    if (!files.ok()) {
      std::fprintf(stderr, "%s: %s (is //versions/freeze:freeze_test's data missing this tag?)\n",
                   args[i], files.status().ToString().c_str());
      return 2;
    }
    std::string digest = raftlog::freeze::TreeDigest(*files);
    auto old = frozen.find(args[i]);
    std::printf("%s %s (%zu files)%s\n", args[i], digest.c_str(), files->size(),
                old == frozen.end() ? " [new]" : old->second == digest ? " [unchanged]" : " [CHANGED]");
    frozen[args[i]] = digest;
  }
  if (absl::GetFlag(FLAGS_write)) {
    std::ofstream out(frozen_path, std::ios::trunc);
    out << "# Released tags and the SHA-256 of their frozen trees (versions/<tag>/ minus\n"
           "# adapter/, plus wire/<tag>/). Checked by //versions/freeze:freeze_test.\n"
           "# Change only through scripts/freeze.sh, in a commit that says why.\n";
    for (const auto& [tag, digest] : frozen) out << tag << " " << digest << "\n";
    if (!out.good()) {
      std::fprintf(stderr, "cannot write %s\n", frozen_path.c_str());
      return 2;
    }
    std::printf("wrote %s\n", frozen_path.c_str());
  }
  return 0;
}
