#include "wire/minver/testdata/evolved_entries.h"

#include "wire/minver/testdata/evolved.pb.h"

namespace raftlog::minver_testdata {

std::string EvolvedPutEntry(uint64_t index, uint64_t ttl_ms) {
  v2::Command cmd;
  cmd.set_op(v2::COMMAND_OP_PUT);
  cmd.set_key("k");
  cmd.set_ttl_ms(ttl_ms);
  v2::Entry e;
  e.set_index(index);
  e.set_type(v2::ENTRY_TYPE_COMMAND);
  e.set_data(cmd.SerializeAsString());
  return e.SerializeAsString();
}

}  // namespace raftlog::minver_testdata
