#include "versions/api/mem_env.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace raftlog::api {

absl::Status MemFileSystem::Write(absl::string_view path, absl::string_view data) {
  File& f = files_[std::string(path)];
  f.current.assign(data.data(), data.size());
  f.appended_since_sync = false;
  bytes_written_ += data.size();
  return absl::OkStatus();
}

absl::Status MemFileSystem::Append(absl::string_view path, absl::string_view data) {
  File& f = files_[std::string(path)];
  f.current.append(data.data(), data.size());
  bytes_written_ += data.size();
  return absl::OkStatus();
}

absl::Status MemFileSystem::Sync(absl::string_view path) {
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("sync: no file ", path));
  it->second.durable = it->second.current;
  it->second.ever_synced = true;
  it->second.appended_since_sync = true;
  ++sync_count_;
  return absl::OkStatus();
}

absl::Status MemFileSystem::Rename(absl::string_view from, absl::string_view to) {
  auto it = files_.find(from);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("rename: no file ", from));
  File moved = std::move(it->second);
  files_.erase(it);
  // The rename itself is durable; what was not synced in the file stays
  // volatile. A never-synced file renamed into place is durable but empty.
  moved.ever_synced = true;
  files_[std::string(to)] = std::move(moved);
  return absl::OkStatus();
}

absl::Status MemFileSystem::Delete(absl::string_view path) {
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("delete: no file ", path));
  files_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<std::string> MemFileSystem::Read(absl::string_view path) {
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("read: no file ", path));
  return it->second.current;
}

absl::StatusOr<std::vector<std::string>> MemFileSystem::List(absl::string_view prefix) {
  std::vector<std::string> names;
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (!absl::StartsWith(it->first, prefix)) break;
    names.push_back(it->first);
  }
  return names;
}

void MemFileSystem::Crash(Random* random, bool tear) {
  for (auto it = files_.begin(); it != files_.end();) {
    File& f = it->second;
    if (!f.ever_synced) {
      it = files_.erase(it);
      continue;
    }
    std::string survived = f.durable;
    if (tear && random != nullptr && f.appended_since_sync &&
        f.current.size() > f.durable.size() &&
        f.current.compare(0, f.durable.size(), f.durable) == 0) {
      size_t extra = f.current.size() - f.durable.size();
      survived = f.current.substr(0, f.durable.size() + random->Uniform(extra + 1));
    }
    f.current = survived;
    f.durable = survived;
    f.appended_since_sync = true;
    ++it;
  }
}

void MemFileSystem::ForEachFile(
    bool after_crash,
    const std::function<void(absl::string_view, absl::string_view)>& fn) const {
  for (const auto& [path, f] : files_) {
    if (!after_crash) {
      fn(path, f.current);
    } else if (f.ever_synced) {
      fn(path, f.durable);
    }
  }
}

void MemFileSystem::Overwrite(const std::string& path, std::string data) {
  File& f = files_[path];
  f.current = data;
  f.durable = std::move(data);
  f.ever_synced = true;
  f.appended_since_sync = true;
}

}  // namespace raftlog::api
