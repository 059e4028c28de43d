// `dftriage show FILE…`: parse alerts from any supported export and print them.

#include "command.hpp"
#include "dftriage/alert/reader.hpp"
#include "dftriage/cli/alert_text.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dftriage::cli {

namespace {

struct ShowOptions
{
  std::vector<std::string> files;
  std::string output;
  std::string format;
};

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
    std::fprintf(stderr, "%s: cannot open: %s\n", terminal::sanitize(path).c_str(),
                 std::strerror(errno));
    ++errors;
  }
  return fd;
}

ExitStatus run_show(const ShowOptions& options)
{
  const auto format =
    options.output.empty()
      ? default_output_format(stdout, OutputFormat::json)
      : parse_output_format(options.output,
                            {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson});
  alert::ReadOptions read_options;
  if (!options.format.empty()) {
    read_options.shape = alert::shape_from_string(options.format);
    if (!read_options.shape) {
      std::string all;
      for (const auto& name : alert::shape_names()) {
        all += (all.empty() ? "" : ", ") + name;
      }
      const std::string near = text::closest(options.format, alert::shape_names());
      throw UsageError("unknown alert format " + text::quote(options.format) + "; expected one of "
                       + all + (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
    }
  }

  Writer writer(stdout);
  JsonStream json(writer, format);
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  std::size_t errors = 0;
  std::size_t count = 0;
  std::vector<Diagnostic> diagnostics;
  for (const auto& path : options.files) {
    const int fd = open_input(path, errors);
    if (fd < 0) {
      continue;
    }
    spdlog::debug("reading {}", terminal::sanitize(path));
    // Alerts that trickle in through a pipe are passed on as they come.
    struct stat info = {};
    const bool live = ::fstat(fd, &info) == 0 && !S_ISREG(info.st_mode);
    auto source = make_fd_source(fd, path);
    alert::AlertReader reader(*source, path, read_options);
    alert::Alert alert;
    try {
      while (reader.next(alert, diagnostics)) {
        print_diagnostics(diagnostics, errors);
        if (signals::interrupted()) {
          throw Interrupted();
        }
        if (format == OutputFormat::text) {
          writer.write(count == 0 ? "" : "\n");
          writer.write(render_alert_text(alert, colour));
        } else {
          json.add(alert::to_json(alert));
        }
        ++count;
        if (live) {
          writer.flush();
        }
      }
      print_diagnostics(diagnostics, errors);
    } catch (const InputError& e) {
      print_diagnostics(diagnostics, errors);
      std::fprintf(stderr, "%s\n", terminal::sanitize(e.what()).c_str());
      ++errors;
    }
    if (fd != STDIN_FILENO) {
      ::close(fd);
    }
    writer.flush();
  }
  json.finish();
  writer.flush();
  spdlog::info("{} alert(s) shown, {} problem(s)", count, errors);
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_show(CLI::App& app, Invocation& invocation)
{
  auto options = std::make_shared<ShowOptions>();
  auto* sub = app.add_subcommand("show", "Parse alerts from any Defender export and print them");
  sub->add_option("FILE", options->files, "Alert files (JSON, NDJSON); - for standard input")
    ->required();
  sub->add_option("-o,--output", options->output,
                  "Output format: text, json, ndjson (default: text on a terminal, else json)");
  sub->add_option("--format", options->format,
                  "Read every document as this shape instead of detecting it: "
                  "arm, azcli, export, sentinel, graph, arg");
  sub->callback([options, &invocation] {
    invocation.action = [options] { return run_show(*options); };
  });
}

} // namespace dftriage::cli
