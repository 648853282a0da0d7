// bazel run //wire:compat -- OLD.binpb NEW.binpb [--format=text|json] [--except RULE...]
// See cli.h for the contract and exit codes.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "wire/compat/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  return raftlog::wire::compat::RunCli(args, wd == nullptr ? "" : wd, std::cout, std::cerr);
}
