#include "versions/process/posix_env.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace raftlog::process {
namespace {

absl::Status ErrnoStatus(absl::string_view what, const std::string& path, int err) {
  std::string message = absl::StrCat(what, " ", path, ": ", strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EIO) return absl::DataLossError(message);
  return absl::InternalError(message);
}

std::string Dirname(const std::string& full) {
  size_t slash = full.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return full.substr(0, slash);
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

uint64_t MonotonicMicros() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

uint64_t MonotonicClock::NowMicros() { return MonotonicMicros(); }

uint64_t Splitmix64::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

absl::StatusOr<std::unique_ptr<PosixFileSystem>> PosixFileSystem::Open(const std::string& root) {
  if (root.empty()) return absl::InvalidArgumentError("empty data directory");
  std::string clean = root;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  std::unique_ptr<PosixFileSystem> fs(new PosixFileSystem(clean));
  // The root's own entry must be durable too: create it like a parent.
  absl::Status s = fs->MakeParents(clean + "/.");
  if (!s.ok()) return s;
  s = fs->SyncDirsOf(clean + "/.");
  if (!s.ok()) return s;
  return fs;
}

absl::StatusOr<std::string> PosixFileSystem::Resolve(absl::string_view path) const {
  if (path.empty() || path.front() == '/' || path.back() == '/') {
    return absl::InvalidArgumentError(absl::StrCat("bad file name \"", path, "\""));
  }
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(absl::StrCat("bad file name \"", path, "\""));
    }
  }
  return absl::StrCat(root_, "/", path);
}

absl::Status PosixFileSystem::MakeParents(const std::string& full) {
  std::string dir = Dirname(full);
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return absl::InternalError(absl::StrCat(dir, " is not a directory"));
    return absl::OkStatus();
  }
  absl::Status s = MakeParents(dir);
  if (!s.ok()) return s;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoStatus("mkdir", dir, errno);
  dirty_dirs_.insert(Dirname(dir));  // the new entry lives in dir's parent
  dirty_dirs_.insert(dir);
  return absl::OkStatus();
}

absl::Status PosixFileSystem::FsyncPath(const std::string& full, bool directory) {
  int fd = ::open(full.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open for fsync", full, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  ++fsyncs_;
  if (rc != 0) return ErrnoStatus("fsync", full, err);
  return absl::OkStatus();
}

absl::Status PosixFileSystem::SyncDirsOf(const std::string& full) {
  // Deepest first: a directory's entry is made durable in its parent after
  // the directory's own content.
  std::vector<std::string> dirs;
  for (const std::string& d : dirty_dirs_) {
    if (d == "/" || d == "." || absl::StartsWith(full, d + "/")) dirs.push_back(d);
  }
  std::sort(dirs.begin(), dirs.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& d : dirs) {
    absl::Status s = FsyncPath(d, /*directory=*/true);
    if (!s.ok()) return s;
    dirty_dirs_.erase(d);
  }
  return absl::OkStatus();
}

absl::Status PosixFileSystem::WriteFile(absl::string_view path, absl::string_view data,
                                        bool append) {
  absl::StatusOr<std::string> full = Resolve(path);
  if (!full.ok()) return full.status();
  absl::Status s = MakeParents(*full);
  if (!s.ok()) return s;
  struct stat st;
  const bool existed = ::stat(full->c_str(), &st) == 0;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  int fd = ::open(full->c_str(), flags, 0644);
  if (fd < 0) return ErrnoStatus("open", *full, errno);
  s = WriteAll(fd, data, *full);
  ::close(fd);
  if (!existed) dirty_dirs_.insert(Dirname(*full));
  return s;
}

absl::Status PosixFileSystem::Write(absl::string_view path, absl::string_view data) {
  return WriteFile(path, data, /*append=*/false);
}

absl::Status PosixFileSystem::Append(absl::string_view path, absl::string_view data) {
  return WriteFile(path, data, /*append=*/true);
}

absl::Status PosixFileSystem::Sync(absl::string_view path) {
  absl::StatusOr<std::string> full = Resolve(path);
  if (!full.ok()) return full.status();
  absl::Status s = FsyncPath(*full, /*directory=*/false);
  if (!s.ok()) return s;
  return SyncDirsOf(*full);
}

absl::Status PosixFileSystem::Rename(absl::string_view from, absl::string_view to) {
  absl::StatusOr<std::string> src = Resolve(from);
  if (!src.ok()) return src.status();
  absl::StatusOr<std::string> dst = Resolve(to);
  if (!dst.ok()) return dst.status();
  absl::Status s = MakeParents(*dst);
  if (!s.ok()) return s;
  if (::rename(src->c_str(), dst->c_str()) != 0) return ErrnoStatus("rename", *src, errno);
  dirty_dirs_.insert(Dirname(*src));
  dirty_dirs_.insert(Dirname(*dst));
  s = SyncDirsOf(*src);
  if (!s.ok()) return s;
  return SyncDirsOf(*dst);
}

absl::Status PosixFileSystem::Delete(absl::string_view path) {
  absl::StatusOr<std::string> full = Resolve(path);
  if (!full.ok()) return full.status();
  if (::unlink(full->c_str()) != 0) return ErrnoStatus("unlink", *full, errno);
  dirty_dirs_.insert(Dirname(*full));
  return SyncDirsOf(*full);
}

absl::StatusOr<std::string> PosixFileSystem::Read(absl::string_view path) {
  absl::StatusOr<std::string> full = Resolve(path);
  if (!full.ok()) return full.status();
  int fd = ::open(full->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open", *full, errno);
  std::string out;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoStatus("read", *full, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

absl::StatusOr<std::vector<std::string>> PosixFileSystem::List(absl::string_view prefix) {
  std::vector<std::string> out;
  // Walks the tree below root; names are relative with '/' separators.
  std::function<absl::Status(const std::string&, const std::string&)> walk =
      [&](const std::string& dir, const std::string& rel) -> absl::Status {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus("opendir", dir, errno);
    std::vector<std::pair<std::string, bool>> entries;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      struct stat st;
      std::string full = dir + "/" + name;
      if (::lstat(full.c_str(), &st) != 0) continue;
      entries.emplace_back(name, S_ISDIR(st.st_mode));
    }
    ::closedir(d);
    for (const auto& [name, is_dir] : entries) {
      std::string child = rel.empty() ? name : rel + "/" + name;
      if (is_dir) {
        // Only descend where a match is still possible.
        if (absl::StartsWith(prefix, child + "/") || absl::StartsWith(child + "/", prefix)) {
          absl::Status s = walk(dir + "/" + name, child);
          if (!s.ok()) return s;
        }
      } else if (absl::StartsWith(child, prefix)) {
        out.push_back(child);
      }
    }
    return absl::OkStatus();
  };
  absl::Status s = walk(root_, "");
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace raftlog::process
