// The simulator's event queues (the network's deliveries, the workload's
// client events): a min-queue of payloads ordered by (time_us, seq).
//
// Every payload carries its own `time_us` and a `seq` unique within the queue
// (the caller numbers them), so the order is total and deterministic whatever
// the heap does. The heap holds only 24-byte keys; payloads stay in a slab
// whose slots are reused, so a push or a pop moves a payload once instead of
// O(log n) times (a delivery holds the message bytes, a client event a whole
// request and reply).
#ifndef RAFTLOG_MATRIX_SIM_TIMED_QUEUE_H_
#define RAFTLOG_MATRIX_SIM_TIMED_QUEUE_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace raftlog::sim {

template <typename T>
class TimedQueue {
 public:
  // REQUIRES: value.seq differs from every queued payload's.
  void Push(T value) {
    uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(std::move(value));
    } else {
      slot = free_.back();
      free_.pop_back();
      slots_[slot] = std::move(value);
    }
    heap_.push_back(Key{slots_[slot].time_us, slots_[slot].seq, slot});
    std::push_heap(heap_.begin(), heap_.end(), Later());
  }

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // The earliest payload. REQUIRES: !empty().
  const T& top() const { return slots_[heap_.front().slot]; }

  // Removes and returns the earliest payload. REQUIRES: !empty().
  T Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later());
    const uint32_t slot = heap_.back().slot;
    heap_.pop_back();
    free_.push_back(slot);
    return std::move(slots_[slot]);
  }

 private:
  struct Key {
    uint64_t time_us;
    uint64_t seq;
    uint32_t slot;
  };
  // std::*_heap keep the greatest first: "greater" is the earlier key.
  struct Later {
    bool operator()(const Key& a, const Key& b) const {
      return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
    }
  };
  std::vector<Key> heap_;
  std::vector<T> slots_;
  std::vector<uint32_t> free_;
};

}  // namespace raftlog::sim

#endif  // RAFTLOG_MATRIX_SIM_TIMED_QUEUE_H_
