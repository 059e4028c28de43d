// End-to-end: training scenarios. Every shipped scenario walked on its lab with a model
// response (full marks) and a poor one (the points its rubric says are lost); the
// scenario loader's errors; the instructor's table; train start at a terminal in English
// and Chinese, to the scorecard.

#include "output_contract.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_training = k_source + "/tests/training/";
const std::map<std::string, std::string> k_training_terminal{
    {"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", ""}};

Json parse_file(const std::string& path)
{
  std::ifstream in(path);
  REQUIRE(in);
  return Json::parse(in);
}

std::string read_text(const std::string& path)
{
  std::ifstream in(path);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to)
{
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// Walks `scenario` (in the variant `seed` chooses) on its lab with `answers`, unattended,
// and returns its scorecard.
// A response's own arguments beside its answers (RESPONSE.args.json: an array, e.g.
// ["--yes-irreversible"] for a response that confirms what cannot be undone).
Json scorecard_of(const std::string& scenario, const std::string& answers,
                  const std::string& case_dir, const std::string& seed = "0")
{
  std::vector<std::string> args{
      k_bin,   "train",     "start", scenario, "--seed", seed,        "--non-interactive",
      "--yes", "--answers", answers, "--case", case_dir, "--trainee", "tester",
      "-o",    "json"};
  const std::string extra = answers.substr(0, answers.size() - 5) + ".args.json"; // .json
  if (std::filesystem::exists(extra)) {
    for (const auto& a : parse_file(extra)) {
      args.push_back(a.get<std::string>());
    }
  }
  const auto r = run_process(args, {}, {{"DFTRIAGE_CLOUD", ""}});
  INFO(r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 5)); // tasks a person checks off stay open
  return Json::parse(r.out);
}

} // namespace

TEST_CASE("every shipped scenario: a model response scores full marks, a poor one loses what "
          "its rubric says",
          "[e2e][training]")
{
  TempDir dir("training-all");
  const auto list = run_process({k_bin, "train", "list", "-o", "json"});
  REQUIRE(list.exit_code == 0);
  const auto scenarios = Json::parse(list.out);
  REQUIRE_FALSE(scenarios.empty());
  for (const auto& s : scenarios) {
    const std::string id = s["id"];
    DYNAMIC_SECTION(id)
    {
      const auto model = scorecard_of(id, k_training + id + ".model.json", dir / (id + "-model"));
      CHECK(model["score"] == s["fullMarks"]);
      CHECK(model["fullMarks"] == s["fullMarks"]);
      CHECK(model["harmful"] == 0);
      CHECK(model["trainee"] == "tester");
      for (const auto& item : model["items"]) {
        INFO(item.dump());
        CHECK((item["verdict"] == "earned" || item["verdict"] == "avoided"));
      }
      const auto expect = parse_file(k_training + id + ".poor.expect.json");
      const auto poor = scorecard_of(id, k_training + id + ".poor.json", dir / (id + "-poor"));
      CHECK(poor["score"] == expect["score"]);
      CHECK(poor["score"] < s["fullMarks"]);
      std::map<std::string, std::string> verdicts;
      for (const auto& item : poor["items"]) {
        verdicts[item["id"]] = item["verdict"];
      }
      CHECK(verdicts == expect["verdicts"].get<std::map<std::string, std::string>>());
      // The end state names the harms done, each a harmful verdict.
      std::size_t harms = 0;
      for (const auto& [item, verdict] : verdicts) {
        harms += verdict == "harmful" ? 1 : 0;
      }
      CHECK(poor["broken"].size() == harms);
      contract::check_shape("Scorecard", {model, poor}, false);
      // Scored again later, from the case alone (its lab rebuilt): the same verdicts.
      const auto again = run_process({k_bin, "train", "score", dir / (id + "-poor"), "-o", "json"},
                                     {}, {{"DFTRIAGE_CLOUD", ""}});
      REQUIRE(again.exit_code == 0);
      CHECK(Json::parse(again.out)["score"] == poor["score"]);
      // Every other variant: the model answers with that variant's values in place of the
      // first one's earn full marks too.
      const auto variants = parse_file(k_source + "/training/" + id + ".json")
                                .value("variants", Json::array({Json::object()}));
      for (std::size_t k = 1; k < variants.size(); ++k) {
        std::string answers = read_text(k_training + id + ".model.json");
        for (const auto& [name, value] : variants[0].items()) {
          answers = replace_all(answers, value, variants[k][name]);
        }
        const std::string file = dir / (id + "-variant-" + std::to_string(k) + ".json");
        std::ofstream(file) << answers;
        const auto other =
            scorecard_of(id, file, dir / (id + "-variant-" + std::to_string(k)), std::to_string(k));
        INFO("variant " << k);
        CHECK(other["score"] == s["fullMarks"]);
        CHECK(other["seed"] == k);
      }
    }
  }
}

TEST_CASE("train list and brief: family and difficulty, never the kind, and a did-you-mean",
          "[e2e][training]")
{
  const auto table = run_process({k_bin, "train", "list", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("SCENARIO  ", 0) == 0);
  CHECK(table.out.find("true-positive") == std::string::npos);
  // Three per family: a true positive, a false positive and a trap.
  std::map<std::string, std::set<std::string>> kinds;
  for (const auto& entry : std::filesystem::directory_iterator(k_source + "/training")) {
    if (entry.path().extension() == ".json") {
      const auto s = parse_file(entry.path().string());
      kinds[s["family"]].insert(s["kind"]);
      CHECK(table.out.find(s["id"].get<std::string>()) != std::string::npos);
    }
  }
  const std::set<std::string> all_kinds{"true-positive", "false-positive", "trap"};
  CHECK(kinds == std::map<std::string, std::set<std::string>>{
                     {"keyvault", all_kinds}, {"dns", all_kinds}, {"resourcemanager", all_kinds}});
  const auto tsv = run_process({k_bin, "train", "list", "-o", "tsv"});
  CHECK(tsv.out.find("kv-tor-exfiltration\tkeyvault\tbasic\tSecrets read from a TOR exit node\n") !=
        std::string::npos);

  const auto brief =
      run_process({k_bin, "train", "brief", "kv-tor-exfiltration", "--lang", "zh-CN"});
  REQUIRE(brief.exit_code == 0);
  CHECK(brief.out.find("类别 keyvault") != std::string::npos);
  // No --seed: a variant chosen at random, and the command that starts that one.
  CHECK(brief.out.find("dftriage train start kv-tor-exfiltration --seed ") != std::string::npos);
  CHECK(brief.out.find(" --lang zh-CN --trainee NAME") != std::string::npos);
  CHECK(brief.out.find("developer's laptop") == std::string::npos); // the briefing waits
  const auto typo = run_process({k_bin, "train", "brief", "kv-tor-exfiltraton"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean \"kv-tor-exfiltration\"?") != std::string::npos);
}

TEST_CASE("a malformed scenario is refused with each problem at its JSON pointer",
          "[e2e][training]")
{
  TempDir dir("training-bad");
  auto bad = parse_file(k_source + "/training/kv-tor-exfiltration.json");
  bad["id"] = "broken";
  bad["difficulty"] = "easy";
  bad["title"].erase("zh-CN");
  bad["rubric"][0]["pionts"] = 3;
  bad["rubric"][1]["points"] = 0;
  bad["rubric"][2]["judge"] = {{"stepp", "x"}};
  bad["rubric"][3]["judge"] = {{"read", "keyvault.get"}, {"path", "properties"}};
  bad["variants"][1].erase("socRange");
  bad["variants"][2]["extra"] = "x";
  bad["summary"]["en"] = "from {{variant.socRnage}}";
  std::ofstream(dir / "broken.json") << bad.dump(2);
  const auto r = run_process({k_bin, "train", "list", "--scenarios", dir.path.string()});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  for (const std::string problem :
       {"broken.json: /difficulty: expected one of basic, intermediate, advanced, got \"easy\"",
        "broken.json: /title: missing required key \"zh-CN\"",
        "broken.json: /rubric/0/pionts: unknown key \"pionts\"; did you mean \"points\"?",
        "broken.json: /rubric/1/points: expected a whole number from 1 to 100, got 0",
        "broken.json: /rubric/2/judge: expected one of the keys all, any, not, step, before",
        "broken.json: /rubric/3/judge: expected one of \"equals\", \"contains\" and \"exists\"",
        "broken.json: /variants/1: missing \"socRange\", which variant 0 gives",
        "broken.json: /variants/2/extra: variant 0 does not give \"extra\"",
        "broken.json: /summary/en: {{variant.socRnage}}: no variant defines \"socRnage\"; did"}) {
    INFO(r.err);
    CHECK(r.err.find(problem) != std::string::npos);
  }
  std::ofstream(dir / "broken.json") << "{\"id\": \"x\",\n \"rubric\": [}";
  const auto syntax = run_process({k_bin, "train", "list", "--scenarios", dir.path.string()});
  CHECK(syntax.exit_code == 3);
  CHECK(syntax.err.find("broken.json:2:") != std::string::npos);
}

TEST_CASE("train score: the instructor's table over many cases, and a case that is not training",
          "[e2e][training]")
{
  TempDir dir("training-table");
  const std::string a = dir / "a";
  const std::string b = dir / "b";
  scorecard_of("kv-tor-exfiltration", k_training + "kv-tor-exfiltration.model.json", a);
  scorecard_of("kv-tor-exfiltration", k_training + "kv-tor-exfiltration.poor.json", b);
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", ""}};
  const auto table = run_process({k_bin, "train", "score", a, b, "-o", "table"}, {}, env);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("TRAINEE  SCENARIO", 0) == 0);
  CHECK(table.out.find("tester   kv-tor-exfiltration  90/90") != std::string::npos);
  CHECK(table.out.find("25/90") != std::string::npos);
  const auto md = run_process({k_bin, "train", "score", a, b, "-o", "md"}, {}, env);
  CHECK(md.out.rfind("| Trainee | Scenario | Score | Time to contain | Harmful | Case |", 0) == 0);
  const auto json = run_process({k_bin, "train", "score", a, b, "-o", "json"}, {}, env);
  REQUIRE(json.exit_code == 0);
  CHECK(Json::parse(json.out).size() == 2);
  // The case is what the score is computed from: altering its lab state is noticed.
  CHECK(run_process({k_bin, "case", "verify", a}, {}, env).exit_code == 0);
  std::ofstream(a + "/training-lab.json", std::ios::app) << " ";
  const auto altered = run_process({k_bin, "case", "verify", a}, {}, env);
  CHECK(altered.exit_code == 7);
  CHECK(altered.out.find("training-lab.json") != std::string::npos);
  const std::string plain = dir / "plain";
  REQUIRE(run_process({k_bin, "run", k_kv_alert, "--lab", "--yes", "--answers", k_kv_answers,
                       "--case", plain},
                      {}, env)
              .exit_code == 5);
  const auto refused = run_process({k_bin, "train", "score", plain}, {}, env);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("not a training case") != std::string::npos);
}

TEST_CASE("train start at a terminal: the walk, then the scorecard and the briefing, in English "
          "and Chinese",
          "[e2e][training]")
{
  TempDir dir("training-tty");
  for (const std::string lang : {"en", "zh-CN"}) {
    DYNAMIC_SECTION(lang)
    {
      const bool zh = lang == "zh-CN";
      PtySession pty({k_bin, "train", "start", "kv-tor-exfiltration", "--seed", "0", "--lang", lang,
                      "--answers", k_training + "kv-tor-exfiltration.model.json", "--trainee",
                      "alice", "--case", dir / lang},
                     k_training_terminal);
      const std::vector<std::string> prompts =
          zh ? std::vector<
                   std::string>{"执行这项更改吗？ [y]是 / [n]否 / [v]完整显示 / b / q / ? > ",
                                "理由（记入案例；b 返回 · q 停止） > ",
                                "完成情况？ [d]已完成 / [n]未完成 / [a]不适用 / b / q / ? > ",
                                "给案例记录的备注（回车：无 · b 返回 · q 停止） > ",
                                "q：停止 · ? > ",
                                "· b · q · ? > ",
                                "评分："}
             : std::vector<std::string>{
                   "Carry out this change? [y]es / [n]o / [v]iew in full / b / q / ? > ",
                   "Reason, for the case record (b back · q stop) > ",
                   "Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > ",
                   "Note for the case record (Enter: none · b back · q stop) > ",
                   "q: stop · ? > ",
                   "· b · q · ? > ",
                   "Scorecard: "};
      const std::vector<std::string> keys{"y", "training", "d", "", "", ""};
      int changes = 0;
      while (true) {
        const int seen = pty.expect_any(prompts);
        INFO(pty.transcript().substr(pty.transcript().size() > 2000 ? pty.transcript().size() - 2000
                                                                    : 0));
        REQUIRE(seen >= 0);
        if (seen == 6) {
          break;
        }
        changes += seen == 0 ? 1 : 0;
        pty.send_line(keys[static_cast<std::size_t>(seen)]);
      }
      CHECK(changes >= 4);
      REQUIRE(pty.expect(zh ? "学员：alice" : "Trainee: alice"));
      REQUIRE(pty.expect(zh ? "得分：90 / 90" : "Score: 90 / 90"));
      REQUIRE(pty.expect(zh ? "首次遏制用时：" : "Time to first containment: "));
      REQUIRE(pty.expect(zh ? "事件真相" : "What really happened"));
      REQUIRE(pty.expect(zh ? "一名开发人员的笔记本电脑被攻陷" : "A developer's laptop"));
      CHECK(pty.finish() == 0);
    }
  }
}

TEST_CASE("train list, start and score: every advertised -o value gives well-formed output",
          "[e2e][training][output]")
{
  TempDir dir("training-output");
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", ""}};
  for (const auto& format : contract::advertised({"train", "list"})) {
    const auto r = run_process({k_bin, "train", "list", "-o", format}, {}, env);
    INFO("train list -o " << format << "\n" << r.err);
    CHECK(r.exit_code == 0);
    contract::check_format(format, r.out);
  }
  std::vector<std::string> cases;
  for (const auto& format : contract::advertised({"train", "start"})) {
    cases.push_back(dir / ("case-" + format));
    const auto r = run_process(
        {k_bin, "train", "start", "kv-new-batch-service", "--non-interactive", "--yes", "--answers",
         k_training + "kv-new-batch-service.model.json", "--case", cases.back(), "-o", format},
        {}, env);
    INFO("train start -o " << format << "\n" << r.err);
    CHECK(r.exit_code == 0); // this one's walk ends at the dismissal: completed
    contract::check_format(format, r.out);
  }
  REQUIRE(cases.size() >= 2);
  for (const auto& format : contract::advertised({"train", "score"})) {
    for (const auto& given : {std::vector<std::string>{cases[0]}, cases}) {
      std::vector<std::string> args{k_bin, "train", "score", "-o", format};
      args.insert(args.end(), given.begin(), given.end());
      const auto r = run_process(args, {}, env);
      INFO("train score -o " << format << " (" << given.size() << " case(s))\n" << r.err);
      CHECK(r.exit_code == 0);
      contract::check_format(format, r.out);
    }
  }
}

TEST_CASE(
    "train start --dry-run scores the decisions alone, and --hints says what the rubric looks "
    "for",
    "[e2e][training]")
{
  TempDir dir("training-dry");
  const auto dry = run_process({k_bin, "train", "start", "kv-tor-exfiltration", "--seed", "0",
                                "--dry-run", "--yes", "--answers",
                                k_training + "kv-tor-exfiltration.poor.json", "-o", "json"},
                               {}, {{"DFTRIAGE_CLOUD", ""}});
  INFO(dry.err);
  REQUIRE(dry.exit_code == 0);
  const auto card = Json::parse(dry.out);
  std::map<std::string, std::string> verdicts;
  for (const auto& item : card["items"]) {
    verdicts[item["id"]] = item["verdict"];
  }
  CHECK(verdicts["treated-as-malicious"] == "earned");
  CHECK(verdicts["firewall-on"] == "needs-lab"); // the vault's state: only a lab can say
  CHECK(verdicts["attacker-policy-removed"] == "needs-lab");
  CHECK(verdicts["exposed-version-disabled"] == "missed");
  CHECK(verdicts["secret-deleted"] == "harmful");
  CHECK(card["fullMarks"] == 30); // of the items a dry run can judge
  CHECK(card["score"] == 0);      // 15 earned, 20 lost
  const auto refused = run_process(
      {k_bin, "train", "start", "kv-tor-exfiltration", "--dry-run", "--case", dir / "c"});
  CHECK(refused.exit_code == 2);

  const auto hinted = run_process({k_bin, "train", "start", "kv-tor-exfiltration", "--seed", "0",
                                   "--hints", "--non-interactive", "--yes", "--answers",
                                   k_training + "kv-tor-exfiltration.model.json", "--case",
                                   dir / "hinted", "-o", "json"},
                                  {}, {{"DFTRIAGE_CLOUD", ""}});
  CHECK(hinted.err.find("Hints:\n  - Treated the TOR access as malicious") != std::string::npos);
  CHECK(Json::parse(hinted.out)["score"] == 90); // stdout: the scorecard alone
}

TEST_CASE("a scenario states what its VMs print: the collector shows its own jobs, not the lab's "
          "miner",
          "[e2e][training]")
{
  TempDir dir("training-vm-output");
  const std::string case_dir = dir / "case";
  scorecard_of("dns-darkweb-cti-collector", k_training + "dns-darkweb-cti-collector.poor.json",
               case_dir);
  std::string processes;
  std::string vm;
  for (const auto& f : std::filesystem::directory_iterator(case_dir + "/evidence")) {
    const std::string name = f.path().filename().string();
    std::ifstream in(f.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (name.find("running-processes-linux-result") != std::string::npos) {
      processes = text;
    } else if (name.find("vm-details") != std::string::npos) {
      vm = text;
    }
  }
  CHECK(processes.find("/usr/bin/cron -f") != std::string::npos);
  CHECK(processes.find(".kworker") == std::string::npos);
  REQUIRE_FALSE(vm.empty());
  CHECK(vm.find("labRunCommand") == std::string::npos); // lab-only: never served
}

TEST_CASE("train start --dry-run at a terminal: the walk sends nothing, then the decisions are "
          "scored",
          "[e2e][training]")
{
  PtySession pty({k_bin, "train", "start", "kv-tor-exfiltration", "--seed", "0", "--dry-run"},
                 k_training_terminal);
  REQUIRE(pty.expect("Your SOC reaches Azure from 203.0.113.0/24")); // the summary comes first
  int changes = 0;
  while (true) {
    const int seen = pty.expect_any(
        {"Carry out this change? (dry run: nothing is sent) [y]es / [n]o / b / q / ? > ",
         "Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > ",
         "Note for the case record (Enter: none · b back · q stop) > ", "q: stop · ? > ",
         "· b · q · ? > ", "Scorecard: "});
    INFO(pty.transcript().substr(pty.transcript().size() > 2000 ? pty.transcript().size() - 2000
                                                                : 0));
    REQUIRE(seen >= 0);
    if (seen == 5) {
      break;
    }
    changes += seen == 0 ? 1 : 0;
    pty.send_line(seen == 0 ? "y" : seen == 1 ? "d" : "");
  }
  CHECK(changes >= 2);
  REQUIRE(pty.expect("Trainee: - · (dry run: no case) · walk completed"));
  REQUIRE(pty.expect("+10\tright  Treated the TOR access as malicious"));
  REQUIRE(pty.expect("?\tneeds the lab  Turned the vault's firewall on"));
  CHECK(pty.finish() == 0);
  CHECK(pty.transcript().find("https://127.0.0.1") == std::string::npos); // no lab was started
}

TEST_CASE("a training case stopped half-way resumes with train start --case, in its own language",
          "[e2e][training]")
{
  TempDir dir("training-resume");
  const std::string case_dir = dir / "case";
  {
    PtySession pty({k_bin, "train", "start", "kv-tor-exfiltration", "--seed", "3", "--lang",
                    "zh-CN", "--case", case_dir},
                   k_training_terminal);
    REQUIRE(pty.expect("回车：下一步 · b：返回 · v：查看完整结果 · q：停止 · ? > "));
    pty.send("\x03"); // Ctrl-C: the case is kept, and says how to go on
    REQUIRE(pty.expect("dftriage train start kv-tor-exfiltration --case " + case_dir));
    CHECK(pty.finish() == 130);
    CHECK(pty.transcript().find("评分：") == std::string::npos); // nothing to score yet
  }
  const auto resumed = run_process({k_bin, "train", "start", "kv-tor-exfiltration", "--case",
                                    case_dir, "--non-interactive", "--yes", "--answers",
                                    k_training + "kv-tor-exfiltration.model.json", "-o", "text"},
                                   {}, {{"DFTRIAGE_CLOUD", ""}});
  INFO(resumed.err);
  CHECK(resumed.out.find("得分：90 / 90") != std::string::npos); // the case's language
  CHECK(run_process({k_bin, "train", "score", case_dir, "-o", "text"}, {}, {{"DFTRIAGE_CLOUD", ""}})
            .out.find("得分：90 / 90") != std::string::npos);
  const auto other = run_process(
      {k_bin, "train", "start", "kv-new-batch-service", "--case", case_dir, "--non-interactive"},
      {}, {{"DFTRIAGE_CLOUD", ""}});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("not a training case of kv-new-batch-service") != std::string::npos);
  const auto reseeded = run_process(
      {k_bin, "train", "start", "kv-tor-exfiltration", "--case", case_dir, "--seed", "1"}, {},
      {{"DFTRIAGE_CLOUD", ""}});
  CHECK(reseeded.exit_code == 2); // it resumes in the variant it was started in (seed 3)
  CHECK(reseeded.err.find("started with --seed 3") != std::string::npos);
}

TEST_CASE("a scenario's variants: the seed chooses the attacker's address and the SOC's range, "
          "through the alert, the lab and the rubric",
          "[e2e][training]")
{
  TempDir dir("training-variants");
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", ""}};
  const auto brief =
      run_process({k_bin, "train", "brief", "kv-tor-exfiltration", "--seed", "4"}, {}, env);
  CHECK(brief.out.find("Variant 2 of 3 (seed 4") != std::string::npos); // 4 % 3
  CHECK(brief.out.find("Your SOC reaches Azure from 198.51.100.0/24") != std::string::npos);
  CHECK(brief.out.find("--seed 4 --trainee NAME") != std::string::npos);
  // Variant 0's answers in variant 1: the firewall keeps the wrong range, and says so.
  const std::string wrong = dir / "wrong";
  const auto r = run_process(
      {k_bin, "train", "start", "kv-tor-exfiltration", "--seed", "1", "--non-interactive", "--yes",
       "--answers", k_training + "kv-tor-exfiltration.model.json", "--case", wrong, "-o", "json"},
      {}, env);
  INFO(r.err);
  const auto card = Json::parse(r.out);
  CHECK(card["seed"] == 1);
  std::map<std::string, std::string> verdicts;
  for (const auto& item : card["items"]) {
    verdicts[item["id"]] = item["verdict"];
  }
  CHECK(verdicts["soc-range-kept"] == "missed");
  CHECK(verdicts["firewall-on"] == "earned");
  std::ifstream alert(wrong + "/alert.json");
  const std::string alert_text{std::istreambuf_iterator<char>(alert), {}};
  CHECK(alert_text.find("171.25.193.78") != std::string::npos);
  CHECK(alert_text.find("185.220.101.47") == std::string::npos);
  // With the variant's range: full marks, and score reads the seed from the case.
  auto answers = parse_file(k_training + "kv-tor-exfiltration.model.json");
  answers["allowed_ranges"] = {"198.51.100.0/24", "127.0.0.1"};
  std::ofstream(dir / "answers.json") << answers.dump();
  const std::string right = dir / "right";
  const auto walked = run_process({k_bin, "train", "start", "kv-tor-exfiltration", "--seed", "1",
                                   "--non-interactive", "--yes", "--answers", dir / "answers.json",
                                   "--case", right, "-o", "json"},
                                  {}, env);
  CHECK((walked.exit_code == 0 || walked.exit_code == 5)); // a checklist may stay open
  const auto scored =
      Json::parse(run_process({k_bin, "train", "score", right, "-o", "json"}, {}, env).out);
  CHECK(scored["score"] == 90);
  CHECK(scored["seed"] == 1);
}
