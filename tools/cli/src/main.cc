#include <iostream>

#include "reviewtrail/cli/run_cli.h"

int main(int argc, char** argv) {
  return reviewtrail::cli::RunCli(argc, argv, std::cout, std::cerr);
}
