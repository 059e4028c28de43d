# Compiler settings shared by every target: warnings, sanitizers, hardening, clang-tidy.
# Targets link the INTERFACE library dftriage_settings instead of setting flags themselves.

add_library(dftriage_settings INTERFACE)

target_compile_options(dftriage_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wformat=2 -Wimplicit-fallthrough)
if(DFTRIAGE_WERROR)
  target_compile_options(dftriage_settings INTERFACE -Werror)
endif()

if(DFTRIAGE_SANITIZE)
  target_compile_options(dftriage_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(dftriage_settings INTERFACE -fsanitize=address,undefined)
else()
  # Hardening for the release binary of a security tool (Debian's defaults and more).
  target_compile_options(dftriage_settings INTERFACE
    -fstack-protector-strong -fstack-clash-protection -fcf-protection
    $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
  target_link_options(dftriage_settings INTERFACE -Wl,-z,relro,-z,now)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
endif()

if(DFTRIAGE_CLANG_TIDY)
  find_program(CLANG_TIDY_EXE NAMES clang-tidy REQUIRED)
  set(CMAKE_CXX_CLANG_TIDY "${CLANG_TIDY_EXE}")
endif()
