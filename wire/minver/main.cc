// bazel run //wire/minver:minver -- --tag=v2 --log=FILE | --message=FILE | --snapshot=FILE
// See cli.h for the contract and exit codes.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "wire/minver/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  return raftlog::wire::minver::RunCli(args, wd == nullptr ? "" : wd, std::cout, std::cerr);
}
