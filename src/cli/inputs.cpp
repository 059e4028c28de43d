#include "inputs.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dftriage::cli {

namespace {

void print_diagnostics(std::vector<Diagnostic>& diagnostics, std::size_t& errors)
{
  for (const auto& d : diagnostics) {
    if (d.level == Diagnostic::Level::error) {
      ++errors;
    }
    std::fprintf(stderr, "%s\n", terminal::sanitize(d.to_string()).c_str());
  }
  diagnostics.clear();
}

// Opens `path` ("-" is standard input); returns -1 after reporting when it cannot.
int open_input(const std::string& path, std::size_t& errors)
{
  if (path == "-") {
    return STDIN_FILENO;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "dftriage: error: %s: cannot open: %s\n", terminal::sanitize(path).c_str(),
                 std::strerror(errno));
    ++errors;
    return fd;
  }
  struct stat info = {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    std::fprintf(stderr, "dftriage: error: %s: is a directory, not an alert file\n",
                 terminal::sanitize(path).c_str());
    ::close(fd);
    ++errors;
    return -1;
  }
  return fd;
}

} // namespace

alert::ReadOptions read_options_for(const std::string& format)
{
  alert::ReadOptions options;
  if (format.empty()) {
    return options;
  }
  options.shape = alert::shape_from_string(format);
  if (!options.shape) {
    std::string all;
    for (const auto& name : alert::shape_names()) {
      all += (all.empty() ? "" : ", ") + name;
    }
    throw UsageError("unknown alert format " + text::quote(format) + "; expected one of " + all +
                     text::did_you_mean(format, alert::shape_names()));
  }
  return options;
}

CLI::Option* add_shape_option(CLI::App& command, std::string& shape)
{
  return command
      .add_option("--format", shape, "Read every document as this shape instead of detecting it")
      ->type_name(text::join(alert::shape_names(), "|"));
}

std::size_t for_each_alert(const std::vector<std::string>& files, const alert::ReadOptions& options,
                           const std::function<void(alert::Alert&, bool live)>& on_alert)
{
  std::size_t errors = 0;
  std::vector<Diagnostic> diagnostics;
  for (const auto& path : files) {
    const int fd = open_input(path, errors);
    if (fd < 0) {
      continue;
    }
    spdlog::debug("reading {}", terminal::sanitize(path));
    // Alerts that trickle in through a pipe are passed on as they come.
    struct stat info = {};
    const bool live = ::fstat(fd, &info) == 0 && !S_ISREG(info.st_mode);
    auto source = make_fd_source(fd, path);
    alert::ReadOptions file_options = options;
    if (spdlog::should_log(spdlog::level::debug)) {
      file_options.max_diagnostics = 0; // -v: every problem, not the first 20
    }
    alert::AlertReader reader(*source, path, file_options);
    alert::Alert alert;
    try {
      for (;;) {
        const auto event = reader.read(alert, diagnostics);
        print_diagnostics(diagnostics, errors);
        if (signals::interrupted()) {
          throw Interrupted();
        }
        if (event == alert::ReadEvent::end) {
          break;
        }
        if (event == alert::ReadEvent::alert) {
          on_alert(alert, live);
        }
      }
    } catch (const InputError& e) {
      print_diagnostics(diagnostics, errors);
      std::fprintf(stderr, "dftriage: error: %s\n", terminal::sanitize(e.what()).c_str());
      ++errors;
    }
    if (fd != STDIN_FILENO) {
      ::close(fd);
    }
  }
  return errors;
}

} // namespace dftriage::cli
