// Benchmark (not a test): encode and decode of a large state in the newest
// snapshot format (3) against raw libzstd on the same bytes, in one run.
//
//   bazel run -c opt //snapshots/format3:format3_benchmark -- [--body_mib=256]
//       [--value_bytes=1024] [--reps=3] [--zstd_level=3] [--chunk_bytes=1048576]
//
// What is compared, all at the same zstd level, all producing fresh output
// memory, throughput in MB/s (10^6 bytes) of the uncompressed body:
//   ours encode     format3::Encode(state): serialize from the state, stream
//                   through zstd into chunk records, per-chunk CRC-32C, trailer
//   raw one-shot    ZSTD_compress2 on the serialized body (contiguous)
//   raw streaming   ZSTD_compressStream2 on the body in 128 KiB pieces, with
//                   the window log format 3 uses for these options
//   ours decode     format3::Decode(file): per-chunk CRC-32C, streaming
//                   decompression, parse into a SnapshotState (std::map)
//   raw one-shot    ZSTD_decompressDCtx of the raw frame into a body-sized buffer
//   raw streaming   ZSTD_decompressStream of the streaming frame into the same
// plus CRC-32C alone over the compressed bytes (the checksum cost the format
// adds). Each figure is the best of --reps interleaved repetitions, in wall
// and in CPU (process) time: on a shared machine the CPU figure is steadier.
//
// Peak memory, two ways:
//   - allocation tracking (alloc_tracker.h: every malloc, libzstd's included):
//     the peak of live bytes during the call, minus what was live before and
//     what the call returns (the decoded state; the encoded string's
//     allocation). Target: at most 2 x chunk_bytes beyond the state. Counting
//     is off during the timing runs (it costs a malloc_usable_size per call).
//   - RSS: each call once more in a forked child; getrusage(ru_maxrss) minus
//     the RSS after the call (resident pages only).
#include <sys/resource.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "snapshots/crc32c.h"
#include "snapshots/format2/internal/container.h"
#include "snapshots/format3/alloc_tracker.h"
#include "snapshots/format3/bench_state.h"
#include "snapshots/format3/format3.h"

ABSL_FLAG(uint64_t, body_mib, 256, "uncompressed body size of the state, MiB");
ABSL_FLAG(uint32_t, value_bytes, 1024, "mean value size, bytes");
ABSL_FLAG(int, reps, 3, "repetitions; the best of each is reported");
ABSL_FLAG(int, zstd_level, 3, "zstd level for every contender");
ABSL_FLAG(uint32_t, chunk_bytes, 1 << 20, "format 3 chunk size");
ABSL_FLAG(bool, rss, true, "also measure peak RSS in forked children");
ABSL_FLAG(int, profile_decode, 0,
          "if > 0: only encode once, then decode this many times (for a profiler), and exit");

namespace {

using raftlog::snapshots::SnapshotState;
namespace alloc = raftlog::snapshots::alloc_tracker;
namespace f3 = raftlog::snapshots::format3;

// Wall and CPU (process) seconds of one call. On a shared machine the CPU
// figure is the steadier one; both are reported.
struct Elapsed {
  double wall = 1e30;
  double cpu = 1e30;
  void KeepBest(const Elapsed& e) {
    wall = std::min(wall, e.wall);
    cpu = std::min(cpu, e.cpu);
  }
};

double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

template <typename F>
Elapsed Time(F&& f) {
  const double cpu0 = CpuNow();
  const auto start = std::chrono::steady_clock::now();
  f();
  Elapsed e;
  e.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  e.cpu = CpuNow() - cpu0;
  return e;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "format3_benchmark: %s\n", what.c_str());
  std::exit(1);
}

void CheckZstd(size_t r, const char* what) {
  if (ZSTD_isError(r)) Die(absl::StrFormat("%s: %s", what, ZSTD_getErrorName(r)));
}

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<char, FreeDeleter>;
Buffer Allocate(size_t n) {  // untouched: page faults happen inside the timing
  char* p = static_cast<char*>(std::malloc(n));
  if (p == nullptr) Die("out of memory");
  return Buffer(p);
}

uint64_t CurrentRssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Runs f in a forked child; returns its peak RSS minus its RSS after f
// (what f needed beyond what it left behind), in bytes; 0 if unavailable.
uint64_t TransientRssInChild(const std::function<void()>& f) {
  int fds[2];
  if (pipe(fds) != 0) return 0;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    f();
    const uint64_t after = CurrentRssBytes();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const uint64_t peak = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
    const uint64_t transient = peak > after ? peak - after : 0;
    if (write(fds[1], &transient, sizeof(transient)) != sizeof(transient)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  uint64_t transient = 0;
  if (read(fds[0], &transient, sizeof(transient)) != sizeof(transient)) transient = 0;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return transient;
}

std::string Mib(uint64_t bytes) { return absl::StrFormat("%.2f MiB", bytes / 1048576.0); }

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const uint64_t target = absl::GetFlag(FLAGS_body_mib) << 20;
  const int level = absl::GetFlag(FLAGS_zstd_level);
  const int reps = std::max(1, absl::GetFlag(FLAGS_reps));
  f3::EncodeOptions options;
  options.zstd_level = level;
  options.chunk_bytes = absl::GetFlag(FLAGS_chunk_bytes);
  options.max_body_bytes = target + (64 << 20);
  f3::DecodeLimits limits;
  limits.max_body_bytes = options.max_body_bytes;

  alloc::SetCounting(false);  // timing runs: no per-malloc bookkeeping
  SnapshotState state;
  const Elapsed gen = Time([&] {
    state = f3::testing::BenchState(target, absl::GetFlag(FLAGS_value_bytes), 1);
  });
  const std::string body = raftlog::snapshots::format2::internal::SerializeBody(state);
  const double mb = body.size() / 1e6;
  const int window_log =
      raftlog::snapshots::format2::internal::WriterWindowLog(level, body.size(), options.chunk_bytes);
  std::printf("state: %zu KV pairs, %zu sessions, body %zu bytes (%s), generated in %.1f s\n",
              state.kv.size(), state.sessions.size(), body.size(), Mib(body.size()).c_str(),
              gen.wall);
  std::printf("zstd %s, level %d, format 3 chunk_bytes %u (window log %d), best of %d reps\n\n",
              ZSTD_versionString(), level, options.chunk_bytes, window_log, reps);

  if (absl::GetFlag(FLAGS_profile_decode) > 0) {
    absl::StatusOr<std::string> f = f3::Encode(state, options);
    if (!f.ok()) Die(f.status().ToString());
    for (int i = 0; i < absl::GetFlag(FLAGS_profile_decode); ++i) {
      absl::StatusOr<SnapshotState> st = f3::Decode(*f, limits);
      if (!st.ok()) Die(st.status().ToString());
    }
    return 0;
  }

  Elapsed enc, raw_c, raw_cs, dec, raw_d, raw_ds, crc;
  std::string file;
  size_t raw_size = 0, raw_stream_size = 0;
  std::string raw_frame, raw_stream_frame;
  const size_t bound = ZSTD_compressBound(body.size());
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();

  // --- Throughput: interleaved repetitions, best of each ----------------------
  for (int rep = 0; rep < reps; ++rep) {
    file.clear();
    file.shrink_to_fit();
    {
      absl::StatusOr<std::string> out;
      enc.KeepBest(Time([&] { out = f3::Encode(state, options); }));
      if (!out.ok()) Die(out.status().ToString());
      file = *std::move(out);
    }
    {
      Buffer dst = Allocate(bound);
      raw_c.KeepBest(Time([&] {
        ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
        CheckZstd(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level), "level");
        raw_size = ZSTD_compress2(cctx, dst.get(), bound, body.data(), body.size());
        CheckZstd(raw_size, "ZSTD_compress2");
      }));
      raw_frame.assign(dst.get(), raw_size);
    }
    {
      Buffer dst = Allocate(bound);
      raw_cs.KeepBest(Time([&] {
        ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
        CheckZstd(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level), "level");
        CheckZstd(ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log), "window");
        CheckZstd(ZSTD_CCtx_setPledgedSrcSize(cctx, body.size()), "pledged");
        ZSTD_outBuffer ob{dst.get(), bound, 0};
        for (size_t at = 0; at < body.size(); at += 128 << 10) {
          const size_t n = std::min<size_t>(128 << 10, body.size() - at);
          ZSTD_inBuffer ib{body.data() + at, n, 0};
          while (ib.pos < ib.size) {
            CheckZstd(ZSTD_compressStream2(cctx, &ob, &ib, ZSTD_e_continue), "stream");
          }
        }
        ZSTD_inBuffer empty{nullptr, 0, 0};
        size_t left;
        do {
          left = ZSTD_compressStream2(cctx, &ob, &empty, ZSTD_e_end);
          CheckZstd(left, "stream end");
        } while (left != 0);
        raw_stream_size = ob.pos;
      }));
      raw_stream_frame.assign(dst.get(), raw_stream_size);
    }
    {
      absl::StatusOr<SnapshotState> st;
      dec.KeepBest(Time([&] { st = f3::Decode(file, limits); }));
      if (!st.ok()) Die(st.status().ToString());
      if (rep == 0 && !(*st == state)) Die("decoded state differs");
    }
    {
      Buffer dst = Allocate(body.size());
      raw_d.KeepBest(Time([&] {
        const size_t n =
            ZSTD_decompressDCtx(dctx, dst.get(), body.size(), raw_frame.data(), raw_frame.size());
        CheckZstd(n, "ZSTD_decompressDCtx");
        if (n != body.size()) Die("raw size");
      }));
      if (rep == 0 && std::memcmp(dst.get(), body.data(), body.size()) != 0) Die("raw differs");
    }
    {
      Buffer dst = Allocate(body.size());
      raw_ds.KeepBest(Time([&] {
        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
        ZSTD_inBuffer ib{raw_stream_frame.data(), raw_stream_frame.size(), 0};
        ZSTD_outBuffer ob{dst.get(), body.size(), 0};
        size_t r;
        do {
          r = ZSTD_decompressStream(dctx, &ob, &ib);
          CheckZstd(r, "ZSTD_decompressStream");
        } while (r != 0 && (ib.pos < ib.size || ob.pos < ob.size));
        if (ob.pos != body.size()) Die("raw stream size");
      }));
    }
    crc.KeepBest(Time([&] {
      volatile uint32_t sink = raftlog::Crc32c(file);
      (void)sink;
    }));
  }
  ZSTD_freeCCtx(cctx);
  ZSTD_freeDCtx(dctx);

  std::printf("%-34s %9s %9s %9s %9s %10s %10s\n", "", "wall s", "cpu s", "wall MB/s",
              "cpu MB/s", "ours/raw", "ours/raw");
  std::printf("%-34s %9s %9s %9s %9s %10s %10s\n", "", "", "", "", "", "(cpu)", "(wall)");
  auto line = [mb](const char* name, const Elapsed& e, const Elapsed* ours) {
    std::printf("%-34s %9.3f %9.3f %9.1f %9.1f", name, e.wall, e.cpu, mb / e.wall, mb / e.cpu);
    if (ours != nullptr) {
      std::printf(" %9.1f%% %9.1f%%", 100 * e.cpu / ours->cpu, 100 * e.wall / ours->wall);
    }
    std::printf("\n");
  };
  line("encode  format3::Encode", enc, nullptr);
  line("encode  raw ZSTD_compress2", raw_c, &enc);
  line("encode  raw ZSTD_compressStream2", raw_cs, &enc);
  line("decode  format3::Decode", dec, nullptr);
  line("decode  raw ZSTD_decompressDCtx", raw_d, &dec);
  line("decode  raw ZSTD_decompressStream", raw_ds, &dec);
  line("CRC-32C alone over the file", crc, nullptr);
  std::printf("  (MB/s of the uncompressed body; \"ours/raw\" = raw time / our time, the\n"
              "   fraction of raw libzstd's throughput we reach; the CRC line is the\n"
              "   per-chunk checksum cost alone: %.1f MB/s of compressed bytes)\n",
              file.size() / 1e6 / crc.cpu);
  std::printf("\nsizes: body %s; format 3 file %s (ratio %.2f, %u chunks); raw frame %s; "
              "raw stream frame %s\n",
              Mib(body.size()).c_str(), Mib(file.size()).c_str(),
              static_cast<double>(body.size()) / file.size(),
              raftlog::snapshots::format2::internal::LoadU32(
                  file.data() + raftlog::snapshots::format2::kOffsetChunkCount),
              Mib(raw_size).c_str(), Mib(raw_stream_size).c_str());

  // --- Peak memory ------------------------------------------------------------
  const uint64_t target_mem = 2 * uint64_t{options.chunk_bytes};
  std::printf("\npeak memory beyond input and result (target <= 2 x chunk_bytes = %s):\n",
              Mib(target_mem).c_str());
  if (alloc::Enabled()) {
    alloc::SetCounting(true);
    uint64_t enc_transient = 0, enc_capacity = 0;
    {
      const uint64_t live0 = alloc::LiveBytes();
      alloc::ResetPeak();
      absl::StatusOr<std::string> out = f3::Encode(state, options);
      const uint64_t peak = alloc::PeakBytes();
      const uint64_t result = alloc::LiveBytes() - live0;
      enc_capacity = out->capacity();
      enc_transient = peak - live0 - result;
    }
    uint64_t dec_transient = 0, dec_state = 0;
    {
      const uint64_t live0 = alloc::LiveBytes();
      alloc::ResetPeak();
      absl::StatusOr<SnapshotState> st = f3::Decode(file, limits);
      const uint64_t live1 = alloc::LiveBytes();
      dec_state = live1 - live0;
      dec_transient = alloc::PeakBytes() - live1;
    }
    alloc::SetCounting(false);
    std::printf("  decode, allocations: %s beyond the decoded state (which takes %s)  %s\n",
                Mib(dec_transient).c_str(), Mib(dec_state).c_str(),
                dec_transient <= target_mem ? "MEETS target" : "MISSES target");
    std::printf("  encode, allocations: %s beyond the state and the output string  %s\n"
                "    (the output's allocation is %s for a %s file: reserved for the\n"
                "     compressed worst case; pages beyond the file are never touched)\n",
                Mib(enc_transient).c_str(),
                enc_transient <= target_mem ? "MEETS target" : "MISSES target",
                Mib(enc_capacity).c_str(), Mib(file.size()).c_str());
  } else {
    std::printf("  allocation tracking unavailable in this build (sanitizer)\n");
  }
  if (absl::GetFlag(FLAGS_rss)) {
    const uint64_t dec_rss = TransientRssInChild([&] {
      // Kept alive past f, so that "RSS after" includes the state.
      static absl::StatusOr<SnapshotState> keep;
      keep = f3::Decode(file, limits);
      if (!keep.ok()) _exit(1);
    });
    const uint64_t enc_rss = TransientRssInChild([&] {
      static absl::StatusOr<std::string> keep;
      keep = f3::Encode(state, options);
    });
    std::printf("  decode, RSS: peak minus RSS after (state alive): %s\n", Mib(dec_rss).c_str());
    std::printf("  encode, RSS: peak minus RSS after (file alive): %s\n", Mib(enc_rss).c_str());
  }
  return 0;
}
