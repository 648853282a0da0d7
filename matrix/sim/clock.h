// A node's simulated clock: an api::Clock whose local time runs at its own
// rate (drift, in parts per million, may be negative) and may jump, and the
// source of the node's ticks: the node ticks each time its LOCAL clock crosses
// a multiple of the tick interval, so a fast clock ticks (and times out)
// early, a slow one late, and a forward jump delivers a batch of ticks at once.
//
// local(g) = anchor_local + (g - anchor_global) * (1e6 + drift_ppm) / 1e6, with
// g the simulator's global time. Jumps and drift changes re-anchor. The Clock
// contract is monotonic, so a backward jump is a stall: NowMicros() holds at
// the value it reached until local time catches up (and no tick fires).
#ifndef RAFTLOG_MATRIX_SIM_CLOCK_H_
#define RAFTLOG_MATRIX_SIM_CLOCK_H_

#include <cstdint>

#include "versions/api/env.h"

namespace raftlog::sim {

class SimClock : public api::Clock {
 public:
  // `global_now_us` is the simulator's current time; it must outlive the clock.
  SimClock(const uint64_t* global_now_us, uint64_t tick_interval_us, int64_t drift_ppm = 0,
           uint64_t offset_us = 0);

  uint64_t NowMicros() override;  // local, monotonic

  // Local time at global time `g` (no monotonic clamp).
  uint64_t LocalAt(uint64_t g) const;
  // Jump by `delta_us` now (positive: forward; negative: the clock stalls).
  void Jump(int64_t delta_us);
  // Changes the rate from now on.
  void SetDrift(int64_t drift_ppm);
  int64_t drift_ppm() const { return drift_ppm_; }

  // Global time at which the next tick is due (may be <= now after a jump).
  uint64_t NextTickAt() const { return next_tick_global_; }
  // Ticks due at global time `g` (at most `max_batch`); marks them taken.
  uint64_t TakeTicks(uint64_t g, uint64_t max_batch);
  uint64_t ticks() const { return ticks_; }
  uint64_t jumps() const { return jumps_; }

 private:
  uint64_t GlobalFor(uint64_t local) const;  // earliest g with LocalAt(g) >= local
  void Reschedule();

  const uint64_t* now_;
  uint64_t interval_;
  int64_t drift_ppm_;
  uint64_t anchor_global_;
  uint64_t anchor_local_;
  uint64_t last_returned_ = 0;
  uint64_t ticks_ = 0;             // ticks delivered
  uint64_t tick_base_ = 0;         // local-time tick count when counting restarted
  uint64_t next_tick_global_ = 0;
  uint64_t jumps_ = 0;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_CLOCK_H_
