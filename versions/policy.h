// The upgrade policy: per ordered pair of release tags (from, to), which
// transitions are supported. Declared in versions/policy.txt, one line per
// pair:
//
//   v1 -> v2: rolling_upgrade, downgrade_before_finalize, snapshot_exchange
//
// '#' starts a comment; blank lines are ignored; a pair that is not listed
// supports nothing ("none" says so explicitly). The matrix checks the
// declaration against reality both ways (matrix/runner/verdict.h).
//
// Parse() checks the text alone (syntax, known capabilities, duplicates);
// Validate() checks it against the registered tags (unknown tags, pair order,
// skip_version exactly on non-adjacent pairs). Errors are kInvalidArgument
// with "file:line: " prefixes.
//
// The policy is a declaration about releases, so its parser lives beside
// them, below every reader: the matrix runner (matrix/runner) and the
// cross-version decode grid (wire/cross_decode) both use it
// (ARCHITECTURE.md, "Layers").
#ifndef RAFTLOG_VERSIONS_POLICY_H_
#define RAFTLOG_VERSIONS_POLICY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace raftlog::policy {

enum class Capability : uint32_t {
  kRollingUpgrade = 1u << 0,
  kDowngradeBeforeFinalize = 1u << 1,
  kDowngradeAfterFinalize = 1u << 2,
  kSnapshotExchange = 1u << 3,
  kSkipVersion = 1u << 4,
  kDowngradeByProcedure = 1u << 5,
};
inline constexpr Capability kAllCapabilities[] = {
    Capability::kRollingUpgrade, Capability::kDowngradeBeforeFinalize,
    Capability::kDowngradeAfterFinalize, Capability::kSnapshotExchange,
    Capability::kSkipVersion, Capability::kDowngradeByProcedure};

// "rolling_upgrade", ...: the spelling in the policy file.
const char* CapabilityName(Capability c);
std::optional<Capability> CapabilityFromName(absl::string_view name);

// A set of capabilities as a bit mask.
class Capabilities {
 public:
  Capabilities() = default;
  Capabilities(std::initializer_list<Capability> cs) {
    for (Capability c : cs) Add(c);
  }
  void Add(Capability c) { bits_ |= static_cast<uint32_t>(c); }
  bool Has(Capability c) const { return (bits_ & static_cast<uint32_t>(c)) != 0; }
  // Every capability of `other` is in this set.
  bool HasAll(const Capabilities& other) const { return (bits_ & other.bits_) == other.bits_; }
  bool empty() const { return bits_ == 0; }
  uint32_t bits() const { return bits_; }
  // "rolling_upgrade, snapshot_exchange" in declaration order; "none" when empty.
  std::string ToString() const;
  // The members of `other` missing here.
  Capabilities Missing(const Capabilities& other) const {
    Capabilities m;
    m.bits_ = other.bits_ & ~bits_;
    return m;
  }

 private:
  uint32_t bits_ = 0;
};

struct PairPolicy {
  std::string from;
  std::string to;
  Capabilities capabilities;
  int line = 0;  // where it was declared
};

class Policy {
 public:
  // `filename` only prefixes error messages.
  static absl::StatusOr<Policy> Parse(absl::string_view text, absl::string_view filename);
  static absl::StatusOr<Policy> Load(const std::string& path);

  // Checks the policy against the registered tags, oldest first: every tag it
  // names is registered; from is not newer than to; skip_version appears
  // exactly on pairs whose tags are not adjacent (and such a pair declares
  // nothing else without it).
  absl::Status Validate(const std::vector<std::string>& tags_in_order) const;

  // The capabilities declared for (from, to); empty when not declared.
  Capabilities For(absl::string_view from, absl::string_view to) const;
  const PairPolicy* Find(absl::string_view from, absl::string_view to) const;
  const std::vector<PairPolicy>& pairs() const { return pairs_; }
  const std::string& filename() const { return filename_; }

 private:
  std::string filename_;
  std::vector<PairPolicy> pairs_;  // in file order
};

}  // namespace raftlog::policy

#endif  // RAFTLOG_VERSIONS_POLICY_H_
