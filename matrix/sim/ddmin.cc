#include "matrix/sim/ddmin.h"

#include <algorithm>

namespace raftlog::sim {

std::vector<size_t> DdminComplements(std::vector<size_t> keep,
                                     const std::function<bool()>& budget_left,
                                     const std::function<bool(const std::vector<size_t>&)>& fails) {
  size_t n = 2;
  while (keep.size() >= 2 && budget_left()) {
    const size_t chunk = (keep.size() + n - 1) / n;
    bool reduced = false;
    for (size_t start = 0; start < keep.size() && budget_left(); start += chunk) {
      std::vector<size_t> complement;
      complement.reserve(keep.size());
      for (size_t j = 0; j < keep.size(); ++j) {
        if (j < start || j >= start + chunk) complement.push_back(keep[j]);
      }
      if (fails(complement)) {
        keep = std::move(complement);
        n = std::max<size_t>(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= keep.size()) break;
      n = std::min(2 * n, keep.size());
    }
  }
  return keep;
}

}  // namespace raftlog::sim
