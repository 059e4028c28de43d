// dftriage(1) (src/cli/man_page.cpp): made from the command table, the exit-status table
// and the environment block of --help, with everything escaped for roff.
// (tests/package/ renders the built page with man and checks groff's warnings.)

#include "cli/command.hpp"
#include "dftriage/cli/docs.hpp"
#include "dftriage/util/exit_status.hpp"
#include "dftriage/version.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <sstream>

using namespace dftriage::cli;

namespace {

const std::string& page()
{
  static const std::string text = man_page("2025-01-31");
  return text;
}

// `s` as the page writes code: every hyphen as \-, backslashes as \e.
std::string as_code(std::string_view s)
{
  std::string out;
  for (const char c : s) {
    out += c == '-' ? std::string("\\-") : c == '\\' ? std::string("\\e") : std::string(1, c);
  }
  return out;
}

std::size_t position_of(const std::string& what)
{
  const auto where = page().find(what);
  INFO(what);
  CHECK(where != std::string::npos);
  return where;
}

} // namespace

TEST_CASE("the man page has its header and sections in order", "[cli][man]")
{
  CHECK(page().rfind(".\\\" dftriage(1)", 0) == 0);
  CHECK_THAT(page(), Catch::Contains(std::string(".TH DFTRIAGE 1 \"2025-01-31\" \"dftriage ") +
                                     dftriage::k_version + "\" \"User Commands\"\n"));
  std::size_t last = 0;
  for (const auto* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "GLOBAL OPTIONS",
                              "EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"}) {
    const auto where = position_of(std::string(".SH ") + section + "\n");
    CHECK(where > last);
    last = where;
  }
  CHECK_THAT(page(), Catch::Contains(".SH NAME\ndftriage \\- triage Microsoft Defender"));
  CHECK_THAT(page(), Catch::EndsWith(".SH SEE ALSO\n.BR az (1),\n.BR jq (1)\n"));
}

TEST_CASE("the man page describes every command of the table", "[cli][man]")
{
  for (const auto& spec : commands()) {
    const std::string name(spec.name);
    const auto section = position_of(".SS \"dftriage " + name + "\"\n");
    INFO(name);
    for (const auto example : spec.examples) {
      CHECK(page().find(as_code(example) + "\n", section) != std::string::npos);
    }
    std::string codes;
    for (const auto status : spec.exits) {
      codes += (codes.empty() ? "" : ", ") + std::to_string(dftriage::to_int(status));
    }
    CHECK(page().find("Exit status: " + codes + " (see \\fBEXIT STATUS\\fR).", section) !=
          std::string::npos);
  }
  for (const auto* nested : {"case list", "case show", "case verify", "playbooks list",
                             "playbooks show", "auth status", "lab serve"}) {
    position_of(std::string(".SS \"dftriage ") + nested + "\"\n");
  }
  // Options under their command, names escaped, the value in italics.
  const auto show = position_of(".SS \"dftriage show\"\n");
  CHECK(page().find(".TP\n\\fB\\-o\\fR, \\fB\\-\\-output\\fR \\fI", show) <
        page().find(".SS \"dftriage match\""));
  CHECK_THAT(page(), Catch::Contains("\\fBdftriage show\\fR [\\fIoptions\\fR] \\fIFILE\\fR..."));
  CHECK_THAT(page(), Catch::Contains(".TP\n\\fB\\-\\-set\\fR \\fIID=VALUE\\fR\n"));
}

TEST_CASE("the man page lists the global options once, in their own section", "[cli][man]")
{
  const auto global = position_of(".SH GLOBAL OPTIONS\n");
  const auto next = position_of(".SH EXIT STATUS\n");
  for (const auto* tag :
       {"\\fB\\-v\\fR, \\fB\\-\\-verbose\\fR\n", "\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\n",
        "\\fB\\-\\-cloud\\fR \\fINAME|FILE\\fR\n", "\\fB\\-\\-version\\fR\n"}) {
    INFO(tag);
    const auto first = page().find(std::string(".TP\n") + tag);
    CHECK(first > global);
    CHECK(first < next);
  }
}

TEST_CASE("the man page has every exit status and environment variable", "[cli][man]")
{
  const auto exits = position_of(".SH EXIT STATUS\n");
  for (const auto& row : dftriage::exit_status_table()) {
    CHECK(page().find(".TP\n\\fB" + std::to_string(row.code) + "\\fR\n", exits) !=
          std::string::npos);
  }
  // Markdown code spans become bold.
  CHECK_THAT(page(), Catch::Contains("usage error (bad command line, an unknown question ID, a "
                                     "bad \\fB\\-\\-set\\fR value)"));
  const auto environment = position_of(".SH ENVIRONMENT\n");
  CHECK(page().find(".TP\n\\fBNO_COLOR\\fR\nset to anything to turn colour off\n", environment) !=
        std::string::npos);
  CHECK(page().find(".TP\n\\fBDFTRIAGE_RESPONDER_ADDRESSES\\fR\nyour public egress addresses",
                    environment) != std::string::npos);
  CHECK(page().find(".TP\n\\fBAZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET,",
                    environment) != std::string::npos);
  CHECK(page().find("IDENTITY_HEADER, AZURE_AUTHORITY_HOST\\fR\ncredentials, as for",
                    environment) != std::string::npos);
  for (const auto* name : {"DFTRIAGE_CLOUD", "DFTRIAGE_NOW", "AZURE_FEDERATED_TOKEN_FILE"}) {
    CHECK(page().find(name, environment) < page().find(".SH FILES"));
  }
}

TEST_CASE("the man page is escaped for roff", "[cli][man]")
{
  // Every option's hyphens are \- (groff would print - as a hyphen, and copies of the
  // page would break the option).
  CHECK(page().find(" --") == std::string::npos);
  CHECK(page().find(" -o ") == std::string::npos);
  // Every line that starts a request is one of the macros the page uses; no text line
  // starts with . or ' (the first character of a text line is escaped with \&).
  const std::set<std::string> requests = {".\\\"", ".TH", ".SH", ".SS", ".TP", ".PP", ".RS", ".RE",
                                          ".nf",   ".fi", ".br", ".I",  ".B",  ".BR", ".ad", ".nh"};
  std::istringstream in(page());
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || (line[0] != '.' && line[0] != '\'')) {
      continue;
    }
    INFO(line);
    CHECK(requests.count(line.substr(0, line.find(' '))) == 1);
  }
}
