// The command line as data (src/cli/command_tree.cpp) and the values the completion
// scripts store for it (completion.cpp).

#include "cli/command_tree.hpp"
#include "cli/completion_scripts.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::cli;

namespace {

using WordList = std::vector<std::string>;

} // namespace

TEST_CASE("a type name says what a value may be", "[cli][completion]")
{
  SECTION("a | list gives its words")
  {
    const auto spec = read_value_spec("text|json|ndjson", "output");
    CHECK(spec.words == WordList{"text", "json", "ndjson"});
    CHECK_FALSE(spec.files);
    CHECK(read_value_spec("en|zh-CN", "lang").words == WordList{"en", "zh-CN"});
  }
  SECTION("placeholders name where to look")
  {
    CHECK(read_value_spec("FILE", "").files);
    CHECK(read_value_spec("DIR", "playbooks").dirs);
    CHECK(read_value_spec("ID", "").playbooks);
    CHECK(read_value_spec("ID=VALUE", "set").answers);
    CHECK(read_value_spec("COMMAND", "").commands);
    CHECK(read_value_spec("ID=VALUE", "set").words.empty());
  }
  SECTION("--cloud's NAME is a cloud's name; NAME elsewhere is nothing known")
  {
    const auto cloud = read_value_spec("NAME|FILE", "cloud");
    CHECK(cloud.clouds);
    CHECK(cloud.files);
    CHECK(cloud.words.empty());
    const auto other = read_value_spec("NAME|FILE", "other");
    CHECK_FALSE(other.clouds);
    CHECK(other.files);
  }
  SECTION("a single lower-case type name is not a list of one word")
  {
    CHECK(read_value_spec("text", "x").words.empty());
    const auto free = read_value_spec("TEXT", "reason");
    CHECK(free.words.empty());
    CHECK_FALSE((free.files || free.dirs || free.playbooks || free.answers || free.commands));
  }
}

TEST_CASE("describe reads the CLI11 tree: paths, options, globals last, positionals",
          "[cli][completion]")
{
  CLI::App app("dftriage: a tool", "dftriage");
  std::string output, dir, hidden, cloud;
  std::vector<std::string> files;
  int port = 0;
  bool flag = false;
  auto* group = app.add_subcommand("case", "Cases");
  auto* verify = group->add_subcommand("verify", "Verify a case");
  verify->add_option("--cloud", cloud, "The cloud")
      ->type_name("NAME|FILE")
      ->group("Global options");
  verify->add_option("DIR", dir, "The case folder")->required();
  verify->add_option("-o,--output", output, "Output format")->type_name("text|json");
  verify->add_flag("--quick", flag, "Skip the evidence");
  verify->add_option("--secret", hidden, "Not shown")->group("");
  verify->add_option("--port", port, "A port")->check(CLI::Range(0, 60));
  auto* show = app.add_subcommand("show", "Show alerts");
  show->add_option("FILE", files, "Alert files")->type_name("FILE");

  const auto root = describe(app);
  CHECK(root.path.empty());
  CHECK(root.summary == "dftriage: a tool");
  REQUIRE(root.subcommands.size() == 2);
  const auto& case_doc = root.subcommands[0];
  CHECK(case_doc.path == WordList{"case"});
  REQUIRE(case_doc.subcommands.size() == 1);
  const auto& verify_doc = case_doc.subcommands[0];
  CHECK(verify_doc.path == WordList{"case", "verify"});
  CHECK(command_line(verify_doc.path) == "dftriage case verify");
  CHECK(verify_doc.summary == "Verify a case");

  REQUIRE(verify_doc.positionals.size() == 1);
  CHECK(verify_doc.positionals[0].names == WordList{"DIR"});
  CHECK(verify_doc.positionals[0].value == "DIR"); // named for what it is, not TEXT
  CHECK(verify_doc.positionals[0].kind.dirs);
  CHECK(verify_doc.positionals[0].required);
  CHECK_FALSE(verify_doc.positionals[0].repeatable);

  std::vector<std::string> names;
  for (const auto& option : verify_doc.options) {
    names.push_back(option.names.back());
  }
  // --help (CLI11's), the command's own in order, the global one last; hidden skipped.
  CHECK(names == WordList{"--help", "--output", "--quick", "--port", "--cloud"});
  CHECK(verify_doc.options[1].names == WordList{"-o", "--output"});
  CHECK(verify_doc.options[1].value == "text|json");
  CHECK(verify_doc.options[2].value.empty());  // a flag
  CHECK(verify_doc.options[3].value == "INT"); // not "INT:INT in [0 - 60]"
  CHECK(verify_doc.options[4].global);
  CHECK(verify_doc.options[4].kind.clouds);

  const auto& show_doc = root.subcommands[1];
  REQUIRE(show_doc.positionals.size() == 1);
  CHECK(show_doc.positionals[0].repeatable);
  CHECK(show_doc.positionals[0].kind.files);

  std::vector<std::string> order;
  for (const auto* command : flatten(root)) {
    order.push_back(command_line(command->path));
  }
  CHECK(order == WordList{"dftriage", "dftriage case", "dftriage case verify", "dftriage show"});
}

TEST_CASE("the completion scripts store a value as words and sources", "[cli][completion]")
{
  CompletionData data;
  data.clouds = {"AzureCloud", "AzureChinaCloud"};
  OptionDoc flag;
  CHECK(value_field(flag, data) == "-");

  OptionDoc output;
  output.value = "text|json";
  output.kind = read_value_spec(output.value, "output");
  CHECK(value_field(output, data) == "text json");

  OptionDoc cloud;
  cloud.value = "NAME|FILE";
  cloud.kind = read_value_spec(cloud.value, "cloud");
  CHECK(value_field(cloud, data) == "AzureCloud AzureChinaCloud @files");

  OptionDoc reason;
  reason.value = "TEXT";
  CHECK(value_field(reason, data) == "@value");

  CHECK(one_line("two\nlines\tand a tab") == "two lines and a tab");
}

TEST_CASE("the completion data knows the built-in playbooks' questions", "[cli][completion]")
{
  const auto data = completion_data();
  const auto find = [&](const std::string& id) -> const WordList* {
    for (const auto& [answer_id, values] : data.answers) {
      if (answer_id == id) {
        return &values;
      }
    }
    return nullptr;
  };
  REQUIRE(find("origin_verified") != nullptr);
  CHECK(*find("origin_verified") == WordList{"no", "yes"});
  REQUIRE(find("response") != nullptr);
  CHECK(*find("response") == WordList{"keep", "remove", "restrict"});
  REQUIRE(find("subscription") != nullptr);
  CHECK(find("subscription")->empty()); // free text: the ID only
  CHECK(std::is_sorted(data.answers.begin(), data.answers.end()));
  CHECK(data.clouds == WordList{"AzureCloud", "AzureChinaCloud", "AzureUSGovernment"});
}
