// mvt: the entry point. Everything happens in run_command_line (cli/command.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/malloc_tuning.hpp"

int main(int argc, char** argv) {
  mvt::cli::tune_malloc_for_runserver(argc, argv);
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  int status = mvt::cli::run_command_line(args, std::cout, std::cerr);
  std::cout.flush();
  return status;
}
