#include "matrix/check/config_agreement.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace raftlog::check {
namespace {

std::optional<api::EntryId> Visible(const NodeStep& step, uint64_t index) {
  const api::ProtocolState& s = *step.state;
  if (index == 0 || index < s.first_index || index > s.last_index) return std::nullopt;
  return step.log->EntryAt(index);
}

std::string Who(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  return absl::StrCat("node ", step.id, " (", step.tag, ", ", api::RoleName(s.role), ", term ",
                      s.term, ", commit ", s.commit_index, ", applied ", s.applied_index,
                      ", snapshot ", s.snapshot_index, ")");
}

}  // namespace

void ConfigAgreement::ReportOnce(const NodeStep& step, uint64_t index, std::string message) {
  if (reports_ >= kMaxReports || !reported_.insert({step.id, index}).second) return;
  ++reports_;
  Report(step.time_us, std::move(message));
}

void ConfigAgreement::RecordCommitted(uint64_t index, const Known& k, const NodeStep& step) {
  auto [it, inserted] = committed_.try_emplace(index, k);
  if (inserted || it->second.config == k.config) return;
  ReportOnce(step, index,
             absl::StrCat(Who(step), " reports ", api::ConfigString(k.config),
                          " for the committed configuration entry at index ", index, ", but node ",
                          it->second.node, " (", it->second.tag, ") reported ",
                          api::ConfigString(it->second.config), " for it at ",
                          it->second.time_us, "us"));
}

void ConfigAgreement::RecordPending(uint64_t index, const api::EntryId& entry, const Known& k,
                                    const NodeStep& step) {
  std::vector<std::pair<api::EntryId, Known>>& slot = pending_[index];
  for (const auto& [e, known] : slot) {
    if (!(e == entry)) continue;
    if (!(known.config == k.config)) {
      ReportOnce(step, index,
                 absl::StrCat(Who(step), " reads the configuration entry at index ", index, " ",
                              EntryString(entry), " as ", api::ConfigString(k.config),
                              ", but node ", known.node, " (", known.tag, ") read the same entry as ",
                              api::ConfigString(known.config)));
    }
    return;
  }
  slot.emplace_back(entry, k);
  if (pending_.size() > kMaxPending) pending_.erase(pending_.begin());
}

void ConfigAgreement::Promote(const NodeStep& step, uint64_t from, uint64_t to) {
  // Pending configurations at indexes this step newly committed: the one
  // whose entry the node holds there is the committed one.
  for (auto it = pending_.upper_bound(from); it != pending_.end() && it->first <= to;) {
    std::optional<api::EntryId> mine = Visible(step, it->first);
    if (!mine) {
      ++it;
      continue;
    }
    for (const auto& [e, known] : it->second) {
      if (e == *mine) RecordCommitted(it->first, known, step);
    }
    it = pending_.erase(it);
  }
}

void ConfigAgreement::CheckNotStale(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  const uint64_t reach = std::max(s.applied_index, s.snapshot_index);
  auto it = committed_.upper_bound(reach);
  if (it == committed_.begin()) return;
  --it;
  if (it->first <= s.config_index) return;
  ReportOnce(step, it->first,
             absl::StrCat(Who(step), " reports the configuration of index ", s.config_index, " (",
                          api::ConfigString(s.config), ") although it holds the committed ",
                          "configuration entry at index ", it->first, " (",
                          api::ConfigString(it->second.config), ", reported by node ",
                          it->second.node, ")"));
}

void ConfigAgreement::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  const uint64_t reach = std::max(s.applied_index, s.snapshot_index);
  auto [it, inserted] = nodes_.try_emplace(step.id);
  Seen& seen = it->second;
  if (!inserted && seen.config_index == s.config_index && seen.commit == s.commit_index &&
      seen.reach == reach && seen.committed_known == committed_.size() &&
      seen.config == s.config) {
    return;
  }
  if (s.commit_index > seen.commit) Promote(step, seen.commit, s.commit_index);
  const uint64_t ci = s.config_index;
  if (ci > 0) {
    Known k{s.config, step.id, std::string(step.tag), step.time_us};
    if (ci <= s.commit_index) {
      RecordCommitted(ci, k, step);
    } else if (std::optional<api::EntryId> e = Visible(step, ci)) {
      RecordPending(ci, *e, k, step);
    }
  }
  CheckNotStale(step);
  seen.config_index = ci;
  seen.commit = s.commit_index;
  seen.reach = reach;
  seen.committed_known = committed_.size();
  if (!(seen.config == s.config)) seen.config = s.config;
}

}  // namespace raftlog::check
