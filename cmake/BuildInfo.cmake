# Run at build time (cmake -P): writes OUT, a source file with the commit of SOURCE_DIR
# ("unknown" outside a git checkout, "-dirty" when tracked files differ from it) and
# BUILD_TYPE, rewriting it only when that changed so that builds stay incremental.
set(commit "unknown")
find_program(GIT git)
if(GIT AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
    OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND NOT head STREQUAL "")
    set(commit "${head}")
    execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
      OUTPUT_VARIABLE changes ERROR_QUIET RESULT_VARIABLE rc)
    if(rc EQUAL 0 AND NOT changes STREQUAL "")
      set(commit "${commit}-dirty")
    endif()
  endif()
endif()
if(DEFINED ENV{DFTRIAGE_COMMIT})
  set(commit "$ENV{DFTRIAGE_COMMIT}") # a package build from a source tarball names it
endif()
set(content "// Written by cmake/BuildInfo.cmake at build time.
#include \"dftriage/version.hpp\"

namespace dftriage {
const char* const k_commit = \"${commit}\";
const char* const k_build_type = \"${BUILD_TYPE}\";
} // namespace dftriage
")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUT}" "${content}")
endif()
