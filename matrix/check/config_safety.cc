#include "matrix/check/config_safety.h"

#include "absl/strings/str_cat.h"

namespace raftlog::check {

void ConfigSafety::OnStep(const NodeStep& step) {
  const api::ProtocolState& s = *step.state;
  auto [it, inserted] = nodes_.try_emplace(step.id);
  Seen& seen = it->second;
  if (!inserted && s.config_index == seen.config_index) return;
  std::optional<api::EntryId> entry;
  if (s.config_index >= s.first_index && s.config_index <= s.last_index) {
    entry = step.log->EntryAt(s.config_index);
  }
  if (!inserted && s.config_index > seen.config_index && seen.config_index > 0) {
    ++changes_seen_;
    uint64_t c1 = seen.config_index;
    bool c1_uncommitted = c1 > s.commit_index;
    bool c1_still_there = false;
    if (seen.entry && c1 >= s.first_index && c1 <= s.last_index) {
      auto now = step.log->EntryAt(c1);
      c1_still_there = now && *now == *seen.entry;
    }
    if (c1_uncommitted && c1_still_there && !seen.reported) {
      seen.reported = true;
      Report(step.time_us,
             absl::StrCat("node ", step.id, " (", step.tag, ", ", api::RoleName(s.role),
                          ", term ", s.term, ") has two configuration changes in flight: index ",
                          c1, " (", api::ConfigString(seen.config), ") is uncommitted (commit ",
                          s.commit_index, ") and index ", s.config_index, " (",
                          api::ConfigString(s.config), ") follows it"));
    }
  }
  seen.config_index = s.config_index;
  seen.entry = entry;
  seen.config = s.config;
}

}  // namespace raftlog::check
