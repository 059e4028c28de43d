#include "dftriage/cli/app.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv)
{
  try {
    return dftriage::cli::run(argc, argv);
  } catch (const dftriage::Error& e) {
    std::fprintf(stderr, "dftriage: error: %s\n", dftriage::terminal::sanitize(e.what()).c_str());
    return dftriage::to_int(e.status());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dftriage: internal error: %s\n",
                 dftriage::terminal::sanitize(e.what()).c_str());
    return dftriage::to_int(dftriage::ExitStatus::failure);
  }
}
