// The explored system is sim::ChoiceWorld (matrix/sim/choice_world.h): it
// lives below the explorer so that the simulator replays the explorer's
// recordings (//matrix/sim:simulate --choices=FILE). These are the
// explorer's names for it.
#ifndef RAFTLOG_MATRIX_EXPLORE_WORLD_H_
#define RAFTLOG_MATRIX_EXPLORE_WORLD_H_

#include "matrix/explore/choice.h"
#include "matrix/sim/choice_world.h"

namespace raftlog::explore {

using World = sim::ChoiceWorld;
using Bounds = sim::ChoiceBounds;
using Spent = sim::ChoiceSpent;
using InFlight = sim::InFlightMessage;
using sim::FindAnyRelease;
using sim::NextTag;

}  // namespace raftlog::explore

#endif  // RAFTLOG_MATRIX_EXPLORE_WORLD_H_
