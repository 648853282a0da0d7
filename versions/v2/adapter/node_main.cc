// The process-mode node server of release v2 (matrix/process/PROTOCOL.md).
#include "versions/process/server.h"
#include "versions/v2/adapter/adapter.h"

int main(int argc, char** argv) {
  static const raftlog::api::ReleaseInfo release = raftlog::v2::adapter::Release();
  return raftlog::process::ServerMain(argc, argv, release);
}
