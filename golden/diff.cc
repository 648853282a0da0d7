#include "golden/diff.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace raftlog::golden {
namespace {

std::vector<absl::string_view> Lines(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // trailing newline
  return lines;
}

struct Edit {
  char op;  // ' ', '-', '+'
  size_t old_line, new_line;  // 0-based positions before/after this edit
  absl::string_view text;
};

}  // namespace

std::string UnifiedDiff(absl::string_view old_text, absl::string_view new_text,
                        absl::string_view old_name, absl::string_view new_name,
                        size_t context) {
  if (old_text == new_text) return "";
  const std::vector<absl::string_view> a = Lines(old_text), b = Lines(new_text);
  std::string out = absl::StrCat("--- ", old_name, "\n+++ ", new_name, "\n");
  if (a.size() > kMaxDiffLines || b.size() > kMaxDiffLines) {
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    absl::StrAppend(&out, "@@ first difference at line ", i + 1, " (too long to align) @@\n");
    if (i < a.size()) absl::StrAppend(&out, "-", a[i], "\n");
    if (i < b.size()) absl::StrAppend(&out, "+", b[i], "\n");
    return out;
  }
  // Longest common subsequence table, suffix form: lcs[i][j] for a[i..], b[j..].
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', i, j, a[i]});
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', i, j, a[i]});  // deletions first, as diff -u does
      ++i;
    } else {
      edits.push_back({'+', i, j, b[j]});
      ++j;
    }
  }
  // Group changes into hunks with `context` unchanged lines around them.
  size_t k = 0;
  while (k < edits.size()) {
    if (edits[k].op == ' ') {
      ++k;
      continue;
    }
    size_t begin = k >= context ? k - context : 0;
    while (begin < k && edits[begin].op != ' ') ++begin;
    size_t end = k;
    size_t quiet = 0;
    while (end < edits.size() && quiet <= 2 * context) {
      quiet = edits[end].op == ' ' ? quiet + 1 : 0;
      ++end;
    }
    // Trim trailing unchanged lines down to `context`.
    while (end > k && quiet > context) {
      --end;
      --quiet;
    }
    size_t old_count = 0, new_count = 0;
    for (size_t e = begin; e < end; ++e) {
      if (edits[e].op != '+') ++old_count;
      if (edits[e].op != '-') ++new_count;
    }
    absl::StrAppend(&out, "@@ -", edits[begin].old_line + 1, ",", old_count, " +",
                    edits[begin].new_line + 1, ",", new_count, " @@\n");
    for (size_t e = begin; e < end; ++e) {
      absl::StrAppend(&out, std::string(1, edits[e].op), edits[e].text, "\n");
    }
    k = end;
  }
  return out;
}

}  // namespace raftlog::golden
