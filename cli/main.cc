#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) {
  return faultline::cli::runMain(argc, argv, std::cout, std::cerr);
}
