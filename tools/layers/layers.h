// The layer rules of the repository (ARCHITECTURE.md, "Layers"), checked on
// the BUILD files themselves: Bazel cannot run `bazel query` inside a test, so
// this reads each BUILD file (given as data), finds every target and the
// labels it depends on, and checks each edge against a rule table
// (tools/layers/rules.txt).
//
// What counts as a dependency of a target:
//  - a native rule (cc_library, cc_test, sh_test, genrule, filegroup, alias,
//    proto_library, ...): every label in deps, data, srcs, hdrs, tools,
//    actual, runtime_deps, exports, proto (a top-level list variable used
//    there is expanded);
//  - a macro loaded from a project .bzl (canary_release, matrix_cells,
//    wire_compat_test, rule_cases, ...): every label among its arguments, plus
//    every absolute label the .bzl file itself names outside load(); a
//    "%s" in such a label is replaced by each string argument of the call and
//    kept only when it lands in a known package (canary.bzl's
//    "//versions/%s:release_files" % base).
// Intra-package edges are always allowed, and so are edges within one layer
// (between the packages of one release, when the layer binds {tag}). A target is a test when its rule
// ends in "_test", it is testonly (or its package is default_testonly), or
// it is a test_suite.
//
// The rule table (one directive per line, '#' comments):
//   layer NAME PATTERN...            first matching layer wins
//   allow FROM -> TO...              TO: a layer, "same:LAYER" (same {tag}), or "*"
//   allow_test FROM -> TO...         more for test targets of FROM
//   exception TARGET -> DEP : why    a listed, justified violation (patterns)
// A PATTERN is //a/b[:name]: a component may be "*" (any one), "{tag}" (a
// release tag, v<digits>, bound for "same:"), and the last may be "..." (any
// number, including none); a name may use '*'. "@repo//..." matches external
// repositories. Every label must fall in some layer; every dependency's
// package must be one of the BUILD files read (so a new package is noticed);
// every exception must still match something (so none goes stale).
#ifndef RAFTLOG_TOOLS_LAYERS_LAYERS_H_
#define RAFTLOG_TOOLS_LAYERS_LAYERS_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::layers {

// "//pkg:name" for `raw` as written in package `package` (":x", "x" as a
// file, "//a/b" meaning "//a/b:b", "@repo//p:n"). InvalidArgument when `raw`
// is not a label.
absl::StatusOr<std::string> NormalizeLabel(absl::string_view raw, absl::string_view package);
// The package part of a normalized label ("@repo//p" for external ones).
std::string PackageOf(absl::string_view label);

struct Target {
  std::string label;  // //pkg:name
  std::string rule;   // cc_library, canary_release, ...
  bool test = false;
  std::string file;   // the BUILD file's path
  int line = 0;
  std::vector<std::string> deps;  // normalized, sorted, unique
};

// One BUILD file: its package ("versions/v3"), where it was read from, and
// its text.
struct BuildFile {
  std::string package;
  std::string path;
  std::string text;
};

// Reads the text of a project .bzl file by its label ("//versions/canaries:canary.bzl").
using BzlReader = std::function<absl::StatusOr<std::string>(const std::string& label)>;

// Every target of `file`. `known_packages` filters "%s" substitutions in
// macro files. Errors: a syntax the reader does not understand, an
// unreadable .bzl, naming the file and line.
absl::StatusOr<std::vector<Target>> ParseBuildFile(const BuildFile& file, const BzlReader& bzl,
                                                   const std::set<std::string>& known_packages);

struct Exception {
  std::string target_pattern;
  std::string dep_pattern;
  std::string why;
  int line = 0;
};

class RuleTable {
 public:
  // InvalidArgument "rules.txt:LINE: ..." on a malformed directive, an
  // unknown layer in allow, an exception without a justification.
  static absl::StatusOr<RuleTable> Parse(absl::string_view text, absl::string_view filename);

  // The layer of `label`, or "" when none matches; `tag` gets the {tag}
  // binding, if any.
  std::string LayerOf(absl::string_view label, std::string* tag) const;
  // Whether a target of layer `from` (tag `from_tag`, a test or not) may
  // depend on a label of layer `to` (tag `to_tag`). A layer may always
  // depend on itself with the same tag (none, or the same release).
  bool Allowed(const std::string& from, const std::string& from_tag, bool test,
               const std::string& to, const std::string& to_tag) const;
  // "same:wire_schema, versions_api, ..." for messages.
  std::string AllowedList(const std::string& from, bool test) const;
  const std::vector<Exception>& exceptions() const { return exceptions_; }

 private:
  struct Layer {
    std::string name;
    std::vector<std::string> patterns;
  };
  struct Allow {
    std::string to;  // a layer, or "*"
    bool same_tag = false;
  };
  std::vector<Layer> layers_;
  std::map<std::string, std::vector<Allow>> allow_, allow_test_;
  std::vector<Exception> exceptions_;
};

// Whether `label` matches `pattern` (syntax above); `tag` gets the {tag}
// binding when given.
bool MatchPattern(absl::string_view pattern, absl::string_view label, std::string* tag = nullptr);

struct Violation {
  std::string target;
  std::string dep;
  std::string where;    // file:line
  std::string message;  // the whole line to print
};

struct Report {
  size_t targets = 0;
  size_t edges = 0;
  std::vector<Violation> violations;        // not allowed, no exception
  std::vector<Violation> known;             // matched an exception
  std::vector<std::string> stale_exceptions;  // rules.txt lines matching nothing
  std::vector<std::string> problems;        // unparsable files, labels in no layer
  bool ok() const { return violations.empty() && stale_exceptions.empty() && problems.empty(); }
};

// Parses every file and checks every edge.
Report Check(const std::vector<BuildFile>& files, const BzlReader& bzl, const RuleTable& rules);

// Reads BUILD files by path ("versions/v3/BUILD", relative to the working
// directory: the runfiles root under Bazel); the package is the directory.
absl::StatusOr<std::vector<BuildFile>> ReadBuildFiles(const std::vector<std::string>& paths);
// The whole content of the file at `path`.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);
// Reads "//a/b:c.bzl" from "a/b/c.bzl" under the working directory.
absl::StatusOr<std::string> ReadBzlFile(const std::string& label);

// The report as printed by the checker: one line per violation, known
// exception, stale exception and problem, then a summary line.
std::string FormatReport(const Report& report);

}  // namespace raftlog::layers

#endif  // RAFTLOG_TOOLS_LAYERS_LAYERS_H_
