// Recorded choice sequences and their replay live in
// matrix/sim/choice_recording.h (the simulator replays them too:
// //matrix/sim:simulate --choices=FILE). These are the explorer's names.
#ifndef RAFTLOG_MATRIX_EXPLORE_RECORDING_H_
#define RAFTLOG_MATRIX_EXPLORE_RECORDING_H_

#include "matrix/explore/world.h"
#include "matrix/sim/choice_recording.h"

namespace raftlog::explore {

using sim::FormatRecording;
using sim::ParseRecording;
using sim::Recording;
using sim::Replay;
using sim::ReplayBounds;
using sim::ReplayResult;
using sim::SimulatorReport;

}  // namespace raftlog::explore

#endif  // RAFTLOG_MATRIX_EXPLORE_RECORDING_H_
