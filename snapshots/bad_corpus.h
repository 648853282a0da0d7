// The checked-in bad-input corpus of the snapshot decoders
// (snapshots/testdata/bad/<decoder>/): one folder per decoder, each holding
// malformed inputs and an EXPECTED file, one line per input:
//   <file> <status code name> <a substring of the message>
// The substring names what is wrong and where (a field, an offset, a unit).
// Decoders: format1, format2, format3 (the file decoders, default limits)
// and install (a receiver's ChunkAssembler fed the transfer the file holds
// in install_fuzz.h's layout; the status is the first refused Add).
#ifndef RAFTLOG_SNAPSHOTS_BAD_CORPUS_H_
#define RAFTLOG_SNAPSHOTS_BAD_CORPUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace raftlog::snapshots {

// Runs `input` through `decoder`'s path; OK when it was accepted whole.
absl::Status RunBadCorpusInput(absl::string_view decoder, absl::string_view input);

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_BAD_CORPUS_H_
