#include "matrix/sim/disk.h"

#include <algorithm>

namespace raftlog::sim {

absl::Status SimDisk::Write(absl::string_view path, absl::string_view data) {
  ++stats_.writes;
  return mem_.Write(path, data);
}

absl::Status SimDisk::Append(absl::string_view path, absl::string_view data) {
  ++stats_.writes;
  return mem_.Append(path, data);
}

absl::Status SimDisk::Sync(absl::string_view path) {
  if (armed_ && crash_image_ == nullptr) {
    armed_ = false;
    crash_image_ = std::make_unique<api::MemFileSystem>(mem_);
    crash_image_->Crash(&random_, armed_tear_);
  }
  absl::Status s = mem_.Sync(path);
  if (!s.ok()) return s;
  ++stats_.syncs;
  uint64_t l = Between(random_, faults_.sync_min_us,
                       std::max(faults_.sync_min_us, faults_.sync_max_us));
  if (faults_.slow_sync > 0 && Chance(random_, faults_.slow_sync)) {
    ++stats_.slow_syncs;
    l += random_.Uniform(faults_.slow_sync_us + 1);
  }
  stats_.sync_latency_us += l;
  pending_latency_us_ += l;
  return s;
}

absl::Status SimDisk::Rename(absl::string_view from, absl::string_view to) {
  return mem_.Rename(from, to);
}

absl::Status SimDisk::Delete(absl::string_view path) { return mem_.Delete(path); }

absl::StatusOr<std::string> SimDisk::Read(absl::string_view path) {
  ++stats_.reads;
  absl::StatusOr<std::string> r = mem_.Read(path);
  if (!r.ok() || r->empty() || faults_.read_bit_flip == 0) return r;
  if (Chance(random_, faults_.read_bit_flip)) {
    uint64_t bit = random_.Uniform(r->size() * 8);
    (*r)[bit / 8] = static_cast<char>((*r)[bit / 8] ^ (1u << (bit % 8)));
    ++stats_.bit_flips;
  }
  return r;
}

absl::StatusOr<std::vector<std::string>> SimDisk::List(absl::string_view prefix) {
  return mem_.List(prefix);
}

void SimDisk::FinishCrashInStep() {
  if (crash_image_ == nullptr) return;
  ++stats_.crashes;
  ++stats_.crashes_in_sync;
  pending_latency_us_ = 0;
  mem_ = std::move(*crash_image_);
  crash_image_.reset();
}

void SimDisk::Crash(bool tear) {
  armed_ = false;
  crash_image_.reset();
  ++stats_.crashes;
  pending_latency_us_ = 0;
  mem_.Crash(&random_, tear);
}

}  // namespace raftlog::sim
