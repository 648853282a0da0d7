// The main of each format's write_sample tool: `write_sample KIND OUT_FILE`
// writes the fixed sample file of that kind (for the inspector's tests and as
// fuzzer seeds). Exit 0 written, 1 OUT_FILE cannot be written, 2 usage or an
// unknown kind.
#ifndef RAFTLOG_SNAPSHOTS_SAMPLE_WRITER_H_
#define RAFTLOG_SNAPSHOTS_SAMPLE_WRITER_H_

#include <functional>
#include <map>
#include <string>

namespace raftlog::snapshots {

// `samples`: kind -> the bytes of its file.
int WriteSampleMain(int argc, char** argv,
                    const std::map<std::string, std::function<std::string()>>& samples);

}  // namespace raftlog::snapshots

#endif  // RAFTLOG_SNAPSHOTS_SAMPLE_WRITER_H_
