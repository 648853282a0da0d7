// An in-memory Env with exactly the durability model env.h documents.
//
// MemFileSystem keeps, per file, its current content and its content at the
// last Sync. Crash() reverts every file to its synced content (a file never
// synced disappears); with tearing on, a random prefix of the last unsynced
// append survives, as on a real disk. Deterministic: the only randomness is the
// Random passed to Crash(). Used by unit tests of every release and as the
// base of the simulator's disk.
#ifndef RAFTLOG_VERSIONS_API_MEM_ENV_H_
#define RAFTLOG_VERSIONS_API_MEM_ENV_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "versions/api/env.h"

namespace raftlog::api {

class MemFileSystem : public FileSystem {
 public:
  absl::Status Write(absl::string_view path, absl::string_view data) override;
  absl::Status Append(absl::string_view path, absl::string_view data) override;
  absl::Status Sync(absl::string_view path) override;
  absl::Status Rename(absl::string_view from, absl::string_view to) override;
  absl::Status Delete(absl::string_view path) override;
  absl::StatusOr<std::string> Read(absl::string_view path) override;
  absl::StatusOr<std::vector<std::string>> List(absl::string_view prefix) override;

  // Loses everything not synced. When `tear` is set (and `random` given), a
  // file whose unsynced change was a pure append keeps a random prefix of that
  // append.
  void Crash(Random* random = nullptr, bool tear = false);

  // Direct access for tests that corrupt or inspect files. Replaces both the
  // current and the durable content.
  void Overwrite(const std::string& path, std::string data);
  // Calls fn(path, content) for every file in path order, without copying:
  // its content now, or (`after_crash`) what Crash() without tearing would
  // leave (synced files only, at their synced content).
  void ForEachFile(bool after_crash,
                   const std::function<void(absl::string_view, absl::string_view)>& fn) const;
  uint64_t sync_count() const { return sync_count_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  struct File {
    std::string current;
    std::string durable;
    bool ever_synced = false;
    bool appended_since_sync = true;  // false once a Write replaced the content
  };
  std::map<std::string, File, std::less<>> files_;
  uint64_t sync_count_ = 0;
  uint64_t bytes_written_ = 0;
};

class ManualClock : public Clock {
 public:
  uint64_t NowMicros() override { return now_micros_; }
  void Advance(uint64_t micros) { now_micros_ += micros; }
  void Set(uint64_t micros) { now_micros_ = micros; }

 private:
  uint64_t now_micros_ = 0;
};

// splitmix64: tiny, fast, statistically fine for simulation, and identical on
// every platform (unlike std:: distributions).
class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() override {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Owns one of each, for tests.
struct MemEnv {
  explicit MemEnv(uint64_t seed) : random(seed) {}
  MemFileSystem fs;
  ManualClock clock;
  SeededRandom random;
  Env env() { return Env{&fs, &clock, &random}; }
};

}  // namespace raftlog::api

#endif  // RAFTLOG_VERSIONS_API_MEM_ENV_H_
