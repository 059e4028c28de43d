// dftriage_gen_docs OUTDIR DATE: writes OUTDIR/dftriage.1 and the completion scripts
// OUTDIR/completions/{dftriage,_dftriage,dftriage.fish}, all made from the command
// table, for the build to install. Not installed itself.

#include "dftriage/cli/docs.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

bool write(const std::filesystem::path& path, const std::string& content)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    std::fprintf(stderr, "dftriage_gen_docs: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char** argv)
{
  if (argc != 3) {
    std::fprintf(stderr, "usage: dftriage_gen_docs OUTDIR DATE\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code error;
  std::filesystem::create_directories(dir / "completions", error);
  if (error) {
    std::fprintf(stderr, "dftriage_gen_docs: cannot create %s: %s\n", dir.c_str(),
                 error.message().c_str());
    return 1;
  }
  using dftriage::cli::completion_script;
  const bool ok = write(dir / "dftriage.1", dftriage::cli::man_page(argv[2])) &&
                  write(dir / "completions" / "dftriage", completion_script("bash")) &&
                  write(dir / "completions" / "_dftriage", completion_script("zsh")) &&
                  write(dir / "completions" / "dftriage.fish", completion_script("fish"));
  return ok ? 0 : 1;
}
