#include "matrix/sim/clock.h"

#include <algorithm>
#include <cassert>

namespace raftlog::sim {
namespace {
constexpr int64_t kMillion = 1'000'000;
}

SimClock::SimClock(const uint64_t* global_now_us, uint64_t tick_interval_us, int64_t drift_ppm,
                   uint64_t offset_us)
    : now_(global_now_us),
      interval_(std::max<uint64_t>(1, tick_interval_us)),
      drift_ppm_(std::max<int64_t>(drift_ppm, -kMillion / 2)),
      anchor_global_(*global_now_us),
      anchor_local_(offset_us) {
  tick_base_ = anchor_local_ / interval_;
  Reschedule();
}

uint64_t SimClock::LocalAt(uint64_t g) const {
  if (g <= anchor_global_) return anchor_local_;
  unsigned __int128 d = static_cast<unsigned __int128>(g - anchor_global_) *
                        static_cast<uint64_t>(kMillion + drift_ppm_);
  return anchor_local_ + static_cast<uint64_t>(d / kMillion);
}

uint64_t SimClock::GlobalFor(uint64_t local) const {
  if (local <= anchor_local_) return anchor_global_;
  unsigned __int128 num = static_cast<unsigned __int128>(local - anchor_local_) * kMillion;
  uint64_t rate = static_cast<uint64_t>(kMillion + drift_ppm_);
  uint64_t g = anchor_global_ + static_cast<uint64_t>((num + rate - 1) / rate);
  // Rounding: step forward until the local clock really reached `local`.
  while (LocalAt(g) < local) ++g;
  return g;
}

uint64_t SimClock::NowMicros() {
  last_returned_ = std::max(last_returned_, LocalAt(*now_));
  return last_returned_;
}

void SimClock::Jump(int64_t delta_us) {
  uint64_t g = *now_;
  uint64_t local = LocalAt(g);
  NowMicros();  // remember the value reached, for the monotonic clamp
  anchor_global_ = g;
  if (delta_us >= 0) {
    anchor_local_ = local + static_cast<uint64_t>(delta_us);
  } else {
    uint64_t back = static_cast<uint64_t>(-delta_us);
    anchor_local_ = local > back ? local - back : 0;
  }
  ++jumps_;
  Reschedule();
}

void SimClock::SetDrift(int64_t drift_ppm) {
  uint64_t g = *now_;
  anchor_local_ = LocalAt(g);
  anchor_global_ = g;
  drift_ppm_ = std::max<int64_t>(drift_ppm, -kMillion / 2);
  Reschedule();
}

void SimClock::Reschedule() {
  // Ticks fire when local time crosses a multiple of the interval that has not
  // fired yet. After a backward jump the counted ticks stay ahead: no tick
  // fires until local time passes them again (the stall).
  uint64_t next_multiple = tick_base_ + ticks_ + 1;
  next_tick_global_ = GlobalFor(next_multiple * interval_);
}

uint64_t SimClock::TakeTicks(uint64_t g, uint64_t max_batch) {
  uint64_t reached = LocalAt(g) / interval_;
  uint64_t done = tick_base_ + ticks_;
  uint64_t due = reached > done ? reached - done : 0;
  due = std::min(due, max_batch);
  if (reached > done + due) {
    // Beyond the batch cap the extra ticks are skipped, not queued: a huge
    // jump must not turn into an unbounded loop.
    tick_base_ += reached - done - due;
  }
  ticks_ += due;
  Reschedule();
  return due;
}

}  // namespace raftlog::sim
