// The matrix runner: see cli.h.
#include "matrix/runner/cli.h"

int main(int argc, char** argv) { return raftlog::runner::RunCli(argc, argv); }
