#include "matrix/compaction/crash_fs.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "snapshots/preamble.h"

namespace raftlog::compaction {
namespace {

absl::string_view Magic() {
  return absl::string_view(snapshots::kSnapshotMagic, snapshots::kSnapshotMagicBytes);
}

}  // namespace

bool StartsWithSnapshotMagic(absl::string_view bytes) {
  return bytes.substr(0, Magic().size()) == Magic();
}

bool ContainsSnapshotMagic(absl::string_view bytes) {
  return bytes.find(Magic()) != absl::string_view::npos;
}

const char* FsOpName(FsOp op) {
  switch (op) {
    case FsOp::kWrite: return "write";
    case FsOp::kAppend: return "append";
    case FsOp::kSync: return "sync";
    case FsOp::kRename: return "rename";
    case FsOp::kDelete: return "delete";
    case FsOp::kRead: return "read";
    case FsOp::kList: return "list";
  }
  return "?";
}

std::string FsOpRecord::Describe() const {
  std::string s = absl::StrCat("#", seq, " ", FsOpName(op), " ", path);
  if (op == FsOp::kRename) absl::StrAppend(&s, " -> ", to);
  if (op == FsOp::kWrite || op == FsOp::kAppend) absl::StrAppend(&s, " (", bytes, " bytes)");
  if (snapshot_data) absl::StrAppend(&s, " [snapshot data]");
  if (publishes_snapshot) absl::StrAppend(&s, " [publishes a snapshot]");
  if (!ok) absl::StrAppend(&s, " [failed]");
  return s;
}

absl::Status CrashFs::Dead() const {
  return absl::UnavailableError(
      absl::StrCat("simulated crash after ", crash_point_.Describe()));
}

void CrashFs::Revive() {
  crashed_ = false;
  crash_after_ = 0;
}

void CrashFs::Done(FsOpRecord r) {
  r.seq = ++seq_;
  if (observer_) observer_(r);
  if (crash_after_ != 0 && r.seq == crash_after_) {
    crashed_ = true;
    crash_point_ = std::move(r);
  }
}

absl::Status CrashFs::Write(absl::string_view path, absl::string_view data) {
  if (crashed_) return Dead();
  absl::Status s = base_->Write(path, data);
  FsOpRecord r;
  r.op = FsOp::kWrite;
  r.path = std::string(path);
  r.bytes = data.size();
  r.snapshot_data = StartsWithSnapshotMagic(data);
  r.ok = s.ok();
  Done(std::move(r));
  return s;
}

absl::Status CrashFs::Append(absl::string_view path, absl::string_view data) {
  if (crashed_) return Dead();
  // An append continues a file: it carries a snapshot's start when the file
  // was empty before and the data begins with the magic.
  absl::StatusOr<std::string> before = base_->Read(path);
  absl::Status s = base_->Append(path, data);
  FsOpRecord r;
  r.op = FsOp::kAppend;
  r.path = std::string(path);
  r.bytes = data.size();
  r.snapshot_data = (!before.ok() || before->empty()) && StartsWithSnapshotMagic(data);
  r.ok = s.ok();
  Done(std::move(r));
  return s;
}

absl::Status CrashFs::Sync(absl::string_view path) {
  if (crashed_) return Dead();
  absl::Status s = lying_sync_ ? base_->Read(path).status() : base_->Sync(path);
  FsOpRecord r;
  r.op = FsOp::kSync;
  r.path = std::string(path);
  r.ok = s.ok();
  Done(std::move(r));
  return s;
}

absl::Status CrashFs::Rename(absl::string_view from, absl::string_view to) {
  if (crashed_) return Dead();
  absl::StatusOr<std::string> content = base_->Read(from);
  absl::Status s = base_->Rename(from, to);
  FsOpRecord r;
  r.op = FsOp::kRename;
  r.path = std::string(from);
  r.to = std::string(to);
  r.publishes_snapshot = s.ok() && content.ok() && StartsWithSnapshotMagic(*content);
  r.ok = s.ok();
  Done(std::move(r));
  return s;
}

absl::Status CrashFs::Delete(absl::string_view path) {
  if (crashed_) return Dead();
  absl::Status s = base_->Delete(path);
  FsOpRecord r;
  r.op = FsOp::kDelete;
  r.path = std::string(path);
  r.ok = s.ok();
  Done(std::move(r));
  return s;
}

absl::StatusOr<std::string> CrashFs::Read(absl::string_view path) {
  if (crashed_) return Dead();
  absl::StatusOr<std::string> s = base_->Read(path);
  FsOpRecord r;
  r.op = FsOp::kRead;
  r.path = std::string(path);
  r.ok = s.ok();
  Done(std::move(r));
  return s;
}

absl::StatusOr<std::vector<std::string>> CrashFs::List(absl::string_view prefix) {
  if (crashed_) return Dead();
  absl::StatusOr<std::vector<std::string>> s = base_->List(prefix);
  FsOpRecord r;
  r.op = FsOp::kList;
  r.path = std::string(prefix);
  r.ok = s.ok();
  Done(std::move(r));
  return s;
}

}  // namespace raftlog::compaction
