#include "matrix/explore/choice.h"

namespace raftlog::explore {

bool Independent(const Choice& a, const Choice& b) {
  auto local = [](const Choice& c) {
    return c.kind == ChoiceKind::kDeliver || c.kind == ChoiceKind::kTick;
  };
  if (!local(a) || !local(b) || a.node == b.node) return false;
  // Ticks draw on one shared budget of timeouts, so one tick may disable
  // another: only a delivery commutes with anything local elsewhere.
  return a.kind == ChoiceKind::kDeliver || b.kind == ChoiceKind::kDeliver;
}

}  // namespace raftlog::explore
