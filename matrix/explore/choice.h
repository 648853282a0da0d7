// The explorer's choices. The vocabulary itself (kinds, text form, parsing)
// lives in matrix/sim/choice.h, below the explorer, so that the simulator
// replays the explorer's recordings (//matrix/sim:simulate --choices=FILE);
// what only the search needs (which choices commute) is here.
#ifndef RAFTLOG_MATRIX_EXPLORE_CHOICE_H_
#define RAFTLOG_MATRIX_EXPLORE_CHOICE_H_

#include "matrix/sim/choice.h"

namespace raftlog::explore {

using sim::Choice;
using sim::ChoiceKey;
using sim::ChoiceKind;
using sim::ChoiceString;
using sim::ParseChoice;
using sim::ParseChoices;

// Two choices commute when each touches one node's state only (a delivery
// touches its receiver, a tick its node) and the nodes differ: applying them
// in either order reaches the same state (the basis of the sleep sets).
bool Independent(const Choice& a, const Choice& b);

}  // namespace raftlog::explore

#endif  // RAFTLOG_MATRIX_EXPLORE_CHOICE_H_
