#include "matrix/check/checker.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace raftlog::check {

std::string ViolationString(const Violation& v) {
  return absl::StrCat(v.liveness ? "LIVENESS " : "SAFETY ", v.checker, " @",
                      v.time_us, "us: ", v.message);
}

std::string EntryString(const std::optional<api::EntryId>& e) {
  if (!e) return "(absent)";
  return absl::StrFormat("(term %d, digest %016x)", e->term, e->digest);
}

void Checker::Report(uint64_t time_us, std::string message) {
  ++violation_count_;
  if (violations_.size() < kMaxKept) {
    violations_.push_back(Violation{name_, time_us, std::move(message), liveness_});
  }
}

}  // namespace raftlog::check
