#include "versions/freeze/tree_digest.h"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace raftlog::freeze {
namespace fs = std::filesystem;

namespace {

// Adds every regular file under root/dir (following the symlinks runfiles
// are made of), skipping `skip_dir` when non-empty.
absl::Status AddTree(const fs::path& root, const std::string& dir, const std::string& skip_dir,
                     std::map<std::string, std::string>* files) {
  std::error_code ec;
  fs::path base = root / dir;
  if (!fs::is_directory(base, ec)) return absl::NotFoundError(absl::StrCat("no directory ", base.string()));
  for (fs::recursive_directory_iterator it(base, fs::directory_options::follow_directory_symlink, ec), end;
       it != end; it.increment(ec)) {
    if (ec) return absl::InternalError(absl::StrCat("walking ", base.string(), ": ", ec.message()));
    // Lexical, not canonical: runfiles are symlinks into the source tree.
    std::string rel = it->path().lexically_relative(root).generic_string();
    if (!skip_dir.empty() && (rel == skip_dir || absl::StartsWith(rel, skip_dir + "/"))) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) return absl::InternalError(absl::StrCat("cannot read ", rel));
    (*files)[rel] = content.str();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ReadReleaseTree(absl::string_view root,
                                                                   absl::string_view tag) {
  std::map<std::string, std::string> files;
  std::string t(tag);
  if (absl::Status s = AddTree(fs::path(std::string(root)), "versions/" + t, "versions/" + t + "/adapter", &files);
      !s.ok()) {
    return s;
  }
  std::error_code ec;
  if (fs::is_directory(fs::path(std::string(root)) / ("wire/" + t), ec)) {
    if (absl::Status s = AddTree(fs::path(std::string(root)), "wire/" + t, "", &files); !s.ok()) return s;
  }
  return files;
}

std::string TreeDigest(const std::map<std::string, std::string>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& [path, content] : files) {
    std::string header = absl::StrCat(path, std::string(1, '\0'), content.size(), std::string(1, '\0'));
    EVP_DigestUpdate(ctx, header.data(), header.size());
    EVP_DigestUpdate(ctx, content.data(), content.size());
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) absl::StrAppend(&hex, absl::Hex(md[i], absl::kZeroPad2));
  return hex;
}

absl::StatusOr<std::map<std::string, std::string>> ParseFrozen(absl::string_view text) {
  std::map<std::string, std::string> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (parts.size() != 2 || parts[1].size() != 64) {
      return absl::InvalidArgumentError(
          absl::StrCat("FROZEN line ", line_no, ": want \"tag sha256hex\", got \"", line, "\""));
    }
    if (!out.emplace(std::string(parts[0]), std::string(parts[1])).second) {
      return absl::InvalidArgumentError(absl::StrCat("FROZEN line ", line_no, ": tag ", parts[0], " twice"));
    }
  }
  return out;
}

}  // namespace raftlog::freeze
