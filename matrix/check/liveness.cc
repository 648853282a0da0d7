#include "matrix/check/liveness.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void Liveness::OnHealed(uint64_t time_us) {
  armed_ = true;
  satisfied_ = false;
  reported_ = false;
  healed_us_ = time_us;
  baseline_ = max_commit_;
}

void Liveness::OnStep(const NodeStep& step) {
  max_commit_ = std::max(max_commit_, step.state->commit_index);
  if (armed_ && !satisfied_ && max_commit_ > baseline_) {
    satisfied_ = true;
    recovery_us_ = step.time_us - healed_us_;
  }
}

void Liveness::OnTime(uint64_t time_us) {
  if (!armed_ || satisfied_ || reported_ || time_us < healed_us_ + bound_us_) return;
  reported_ = true;
  Report(time_us, absl::StrCat("no entry committed within ", bound_us_,
                               "us after every fault healed at ", healed_us_,
                               "us (highest commit index still ", max_commit_, ")"));
}

}  // namespace raftlog::check
