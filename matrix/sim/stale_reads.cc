#include "matrix/sim/stale_reads.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"

namespace raftlog::sim {

std::string LastWrite(const std::string& value) {
  if (value.empty() || value.back() != ';') return "";
  const size_t prev = value.find_last_of(';', value.size() - 2);
  return prev == std::string::npos ? value : value.substr(prev + 1);
}

StaleReadReport CheckStaleReads(const std::vector<Observation>& observations) {
  using Kind = Observation::Kind;
  // Commit order of the acknowledged writes (their unique values).
  std::map<std::string, uint64_t> index_of;
  for (const Observation& o : observations) {
    if (o.kind == Kind::kWrite) index_of[o.written] = o.index;
  }
  StaleReadReport report;
  // (client, key) -> highest write index the client observed, and its value.
  std::map<std::pair<uint64_t, uint32_t>, std::pair<uint64_t, std::string>> seen;
  for (const Observation& o : observations) {
    auto& [high, high_value] = seen[{o.client, o.key}];
    std::string write = o.kind == Kind::kWrite ? o.written : (o.found ? LastWrite(o.value) : "");
    auto it = write.empty() ? index_of.end() : index_of.find(write);
    const bool known = it != index_of.end();
    const uint64_t at = known ? it->second : 0;
    const std::string who = absl::StrCat("client ", o.client, " key k", o.key, " stale read at n",
                                         o.node, " (applied index ", o.index, ")");
    if (o.kind == Kind::kStaleRead) {
      if (!o.found) {
        ++report.checked;
        if (high > 0) {
          report.violations.push_back(
              {o.time_us, absl::StrCat(who, " returned absent after the client saw '", high_value,
                                       "' (committed at ", high, ")")});
        }
      } else if (!known) {
        ++report.skipped;
      } else {
        ++report.checked;
        if (at < high) {
          report.violations.push_back(
              {o.time_us, absl::StrCat(who, " returned '", write, "' (committed at ", at,
                                       ") after the client saw '", high_value, "' (committed at ",
                                       high, "): older than what it already saw")});
        }
        if (at > o.index) {
          report.violations.push_back(
              {o.time_us, absl::StrCat(who, " returned '", write, "' committed at ", at,
                                       ", beyond the index it read from")});
        }
      }
    }
    if (known && at > high) {
      high = at;
      high_value = write;
    }
  }
  return report;
}

void StaleReadChecker::Finish(uint64_t time_us) {
  StaleReadReport r = CheckStaleReads(w_->observations());
  for (const StaleReadReport::Problem& p : r.violations) Report(p.time_us, p.message);
}

}  // namespace raftlog::sim
