// Acceptance test over the shared corpus of real, published Defender for Cloud alerts.
//
//   corpus_acceptance <path-to-dftriage> <corpus-dir>
//
// Runs `dftriage show FILE -o json` on every corpus file and compares what it prints with
// the expectations below, which are our own facts taken from the corpus INDEX.md (never
// from dftriage's output). Exits 77 (ctest: skipped) when the corpus is absent.

#include "support/process.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int k_exit_ok = 0;
constexpr int k_exit_rejected = 3;
constexpr int k_exit_skip = 77;
constexpr int k_exit_usage = 2;

// Families named by dftriage's `family` field.
constexpr std::string_view k_keyvault = "keyvault";
constexpr std::string_view k_dns = "dns";
constexpr std::string_view k_resourcemanager = "resource-manager";
constexpr std::string_view k_other = "other";

// Every rejection message says the document is not a Defender (for Cloud) alert.
constexpr std::string_view k_rejection_text = "not a Defender";

// One alert dftriage must print for a file, in output order.
struct ExpectedAlert
{
  std::string_view alert_type; // exact alertType, SIMULATED_ prefix included
  bool has_resource_id;        // the document names the attacked Azure resource
  std::string_view family;     // playbook family
  int document = 1;            // 1-based document of the file the alert comes from
};

enum class DiagnosticKind {
  syntax,    // malformed JSON: `FILE:LINE:COL: message`
  rejection, // valid JSON, not a Defender alert: `FILE: document N: ... not a Defender ...`
};

// One line dftriage must print on standard error, in order.
struct ExpectedDiagnostic
{
  DiagnosticKind kind;
  int line;     // syntax: 1-based line
  int column;   // syntax: 1-based column
  int document; // rejection: 1-based document number
};

// What one corpus file must produce.
struct Expectation
{
  std::string_view file;
  std::vector<ExpectedAlert> alerts;
  std::vector<ExpectedDiagnostic> diagnostics; // empty: stderr must be empty, exit 0
};

// Maps a corpus file-name prefix to the `source.shape` its alerts must report.
struct ShapeByPrefix
{
  std::string_view prefix;
  std::string_view shape;
};

constexpr ShapeByPrefix k_shapes[] = {
    {"arm__", "arm"},
    {"export__", "export"},
    {"graph__", "graph"},
    {"sentinel__", "sentinel"},
};

// Returns the expectation for a JSON syntax error at `line`:`column`.
ExpectedDiagnostic syntax_error(int line, int column)
{
  return ExpectedDiagnostic{DiagnosticKind::syntax, line, column, 0};
}

// Returns the expectation for a rejected (non-alert) document number `document`.
ExpectedDiagnostic rejected(int document)
{
  return ExpectedDiagnostic{DiagnosticKind::rejection, 0, 0, document};
}

// Returns the table of expectations, one row per corpus file (facts from INDEX.md).
std::vector<Expectation> expectations()
{
  return {
      // Key Vault (in scope): four REST sample alerts from the azure-cli cassette, one export.
      {"arm__azcli-recording-kv-listget-sample.json",
       {{"SIMULATED_KV_ListGetAnomaly", true, k_keyvault}},
       {}},
      {"arm__azcli-recording-kv-operationvolume-sample.json",
       {{"SIMULATED_KV_OperationVolumeAnomaly", true, k_keyvault}},
       {}},
      {"arm__azcli-recording-kv-putget-sample.json",
       {{"SIMULATED_KV_PutGetAnomaly", true, k_keyvault}},
       {}},
      {"arm__azcli-recording-kv-toraccess-sample.json",
       {{"SIMULATED_KV_TORAccess", true, k_keyvault}},
       {}},
      {"export__eventhub-kv-listget-sample-alert.json",
       {{"SIMULATED_KV_ListGetAnomaly", true, k_keyvault}},
       {}},

      // Resource Manager (in scope): the MicroBurst sample is subscription-level, its
      // resource is /SUBSCRIPTIONS/{sub}; the other two point at a VM.
      {"arm__azcli-recording-arm-microburst-storagekeys-sample-sublevel.json",
       {{"SIMULATED_ARM_MicroBurst.AZStorageKeysREST", true, k_resourcemanager}},
       {}},
      {"arm__azcli-recording-arm-amrealtimeprotectiondisabled-sample.json",
       {{"SIMULATED_ARM_AmRealtimeProtectionDisabled", true, k_resourcemanager}},
       {}},
      {"arm__azcli-recording-arm-customscriptextension-sample.json",
       {{"SIMULATED_ARM_CustomScriptExtensionSuspiciousCmd", true, k_resourcemanager}},
       {}},
      {"export__eventhub-arm-anomalousserviceop-credaccess-sample.json",
       {{"ARM_AnomalousServiceOperation.CredentialAccess", true, k_resourcemanager}},
       {}},

      // DNS (in scope): resource identifiers point at the querying VM.
      {"arm__azcli-recording-dns-darkweb-sample.json",
       {{"SIMULATED_AzureDNS_DarkWeb", true, k_dns}},
       {}},
      {"arm__azcli-recording-dns-dataexfiltration-sample.json",
       {{"SIMULATED_AzureDNS_DataExfiltration", true, k_dns}},
       {}},
      {"arm__azcli-recording-dns-phishingdomain-sample.json",
       {{"SIMULATED_AzureDNS_PhishingDomain", true, k_dns}},
       {}},

      // Out of scope but valid alerts: read, routed to no in-scope family.
      {"arm__azcli-recording-network-unrecommendedip-inprogress.json",
       {{"Network_TrafficFromUnrecommendedIP", true, k_other}},
       {}},
      {"arm__spec-2022-01-01-get-alert-vm-eicar.json", {{"VM_EICAR", true, k_other}}, {}},
      {"arm__spec-2022-01-01-list-alerts-subscription.json",
       {{"VM_EICAR", true, k_other}, {"VM_SuspiciousScreenSaver", true, k_other}},
       {}},
      {"arm__spec-2020-01-01-get-alert-vm-eicar.json", {{"VM_EICAR", true, k_other}}, {}},
      // Legacy 2015-06-01-preview shape: the type is in `alertName`, the resource in
      // `associatedResource`.
      {"arm__spec-2015-06-01-preview-get-alert-threatintel.json",
       {{"ThreatIntelligence", true, k_other}},
       {}},
      {"arm__legacy2015-sqlvm-bruteforce-sample.json",
       {{"SIMULATED_SQL.VM_BruteForce", true, k_other}},
       {}},
      {"arm__legacy2015-storage-dataexfil-sample.json",
       {{"SIMULATED_Storage.Blob_DataExfiltration.AmountOfDataAnomaly", true, k_other}},
       {}},
      // Graph legacy: the type is in `category`, the resource in `securityResources[]`.
      {"graph__legacy-alert-asc-network-unrecommendedip-ibm-soar.json",
       {{"Network_TrafficFromUnrecommendedIP", true, k_other}},
       {}},
      {"graph__legacy-alert-asc-storage-geoanomaly-cli-m365.json",
       {{"Storage.Blob_GeoAnomaly", true, k_other}},
       {}},

      // Negative cases.
      // Docs samples that are invalid JSON as published (INDEX.md gives the positions).
      {"export__docs-workflow-automation-suspect-svchost-invalidjson.json",
       {},
       {syntax_error(27, 13)}},
      {"export__docs-2020-01-workflow-sentinel-suspect-svchost-invalidjson.json",
       {},
       {syntax_error(33, 4)}},
      // Event Hub stream: four non-alert records (assessments etc.), then the ARM alert.
      {"export__eventhub-mixed-stream-elastic.ndjson",
       {{"ARM_AnomalousServiceOperation.CredentialAccess", true, k_resourcemanager, 5}},
       {rejected(1), rejected(2), rejected(3), rejected(4)}},
      // Three SecurityAlert rows of product "Azure Sentinel", not Defender for Cloud.
      {"sentinel__la-query-api-securityalert-rows-not-mdc.json",
       {},
       {rejected(1), rejected(1), rejected(1)}},
      // Activity Log event for an alert: no alertType at all.
      {"activitylog__docs-k8s-clusteradmin-binding.json", {}, {rejected(1)}},
  };
}

// Returns true if `text` starts with `prefix`.
bool starts_with(std::string_view text, std::string_view prefix)
{
  return text.substr(0, prefix.size()) == prefix;
}

// Returns true if `text` starts with `prefix`, ignoring ASCII case.
bool istarts_with(std::string_view text, std::string_view prefix)
{
  if (text.size() < prefix.size()) {
    return false;
  }
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

// Returns the non-empty lines of `text`.
std::vector<std::string> split_lines(const std::string& text)
{
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return lines;
}

// Returns the `source.shape` expected for a corpus file name, or "" when its format has no
// alert shape of its own (then the shape is not checked).
std::string_view shape_for(std::string_view file)
{
  for (const auto& entry : k_shapes) {
    if (starts_with(file, entry.prefix)) {
      return entry.shape;
    }
  }
  return {};
}

// Returns `value` as a string for messages: strings unquoted, anything else as JSON.
std::string describe(const json& value)
{
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

// Returns the string member `key` of `object`, or "" when absent or not a string.
std::string string_member(const json& object, const char* key)
{
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return {};
  }
  return it->get<std::string>();
}

// Checks one printed alert against its expectation; appends problems to `problems`.
void check_alert(const json& alert, const ExpectedAlert& expected, std::size_t position,
                 const std::string& path, std::string_view shape,
                 std::vector<std::string>& problems)
{
  const std::string where = "alert " + std::to_string(position + 1);
  if (!alert.is_object()) {
    problems.push_back(where + " is not a JSON object");
    return;
  }
  const std::string resource_id = string_member(alert, "resourceId");
  if (expected.has_resource_id) {
    if (resource_id.empty()) {
      problems.push_back(where + " (" + std::string(expected.alert_type) +
                         "): resourceId is empty but the document names the resource");
    } else if (!istarts_with(resource_id, "/subscriptions/")) {
      problems.push_back(where + ": resourceId \"" + resource_id +
                         "\" is not an Azure resource ID");
    }
  }
  const std::string family = string_member(alert, "family");
  if (family != expected.family) {
    problems.push_back(where + " (" + std::string(expected.alert_type) + "): family \"" + family +
                       "\", expected \"" + std::string(expected.family) + "\"");
  }
  const auto source = alert.find("source");
  if (source == alert.end() || !source->is_object()) {
    problems.push_back(where + ": no source object");
    return;
  }
  const std::string actual_shape = string_member(*source, "shape");
  if (!shape.empty() && actual_shape != shape) {
    problems.push_back(where + ": source.shape \"" + actual_shape + "\", expected \"" +
                       std::string(shape) + "\"");
  }
  const std::string file = string_member(*source, "file");
  if (file != path) {
    problems.push_back(where + ": source.file \"" + file + "\", expected \"" + path + "\"");
  }
  const auto document = source->find("document");
  if (document == source->end() || !document->is_number_integer() ||
      document->get<int>() != expected.document) {
    problems.push_back(where + ": source.document " +
                       (document == source->end() ? std::string("missing") : describe(*document)) +
                       ", expected " + std::to_string(expected.document));
  }
}

// Checks the alert array printed on standard output; appends problems to `problems`.
void check_alerts(const std::string& out, const Expectation& expectation, const std::string& path,
                  std::vector<std::string>& problems)
{
  json alerts;
  try {
    alerts = json::parse(out);
  } catch (const json::exception& e) {
    problems.push_back(std::string("stdout is not JSON: ") + e.what());
    return;
  }
  if (!alerts.is_array()) {
    problems.push_back("stdout is JSON but not an array");
    return;
  }
  std::vector<std::string> actual_types;
  for (const auto& alert : alerts) {
    actual_types.push_back(alert.is_object() ? describe(alert.value("alertType", json()))
                                             : alert.dump());
  }
  std::vector<std::string> expected_types;
  for (const auto& alert : expectation.alerts) {
    expected_types.emplace_back(alert.alert_type);
  }
  if (actual_types != expected_types) {
    const auto join = [](const std::vector<std::string>& items) {
      std::string text = "[";
      for (std::size_t i = 0; i < items.size(); ++i) {
        text += (i == 0 ? "" : ", ") + items[i];
      }
      return text + "]";
    };
    problems.push_back("alert types " + join(actual_types) + ", expected " + join(expected_types));
    return;
  }
  const std::string_view shape = shape_for(expectation.file);
  for (std::size_t i = 0; i < expectation.alerts.size(); ++i) {
    check_alert(alerts[i], expectation.alerts[i], i, path, shape, problems);
  }
}

// Returns true if the stderr `line` is the diagnostic `expected` for the file at `path`.
bool matches(const std::string& line, const ExpectedDiagnostic& expected, const std::string& path)
{
  if (expected.kind == DiagnosticKind::syntax) {
    return starts_with(line, path + ":" + std::to_string(expected.line) + ":" +
                                 std::to_string(expected.column) + ": ");
  }
  return starts_with(line, path + ": document " + std::to_string(expected.document) + ": ") &&
         line.find(k_rejection_text) != std::string::npos;
}

// Returns a readable form of the diagnostic `expected` for messages.
std::string describe(const ExpectedDiagnostic& expected)
{
  if (expected.kind == DiagnosticKind::syntax) {
    return "a JSON syntax error at line " + std::to_string(expected.line) + " column " +
           std::to_string(expected.column);
  }
  return "document " + std::to_string(expected.document) + " rejected as not a Defender alert";
}

// Checks standard error line by line against the expected diagnostics, in order.
void check_diagnostics(const std::string& err, const Expectation& expectation,
                       const std::string& path, std::vector<std::string>& problems)
{
  const std::vector<std::string> lines = split_lines(err);
  const std::vector<ExpectedDiagnostic>& expected = expectation.diagnostics;
  for (std::size_t i = 0; i < std::max(lines.size(), expected.size()); ++i) {
    if (i >= lines.size()) {
      problems.push_back("stderr lacks " + describe(expected[i]));
    } else if (i >= expected.size()) {
      problems.push_back("unexpected stderr line \"" + lines[i] + "\"");
    } else if (!matches(lines[i], expected[i], path)) {
      problems.push_back("stderr line " + std::to_string(i + 1) + " \"" + lines[i] +
                         "\", expected " + describe(expected[i]));
    }
  }
}

// Runs dftriage on one corpus file and returns every way its result differs from
// `expectation` (empty when it passes).
std::vector<std::string> check_file(const std::string& dftriage, const fs::path& corpus_dir,
                                    const Expectation& expectation)
{
  const std::string path = (corpus_dir / std::string(expectation.file)).string();
  const dftriage::test::ProcessResult result =
      dftriage::test::run_process({dftriage, "show", path, "-o", "json"}, {}, {{"NO_COLOR", "1"}});

  std::vector<std::string> problems;
  if (result.exit_code > 128) {
    problems.push_back("crashed: killed by signal " + std::to_string(result.exit_code - 128));
    return problems;
  }
  if (result.exit_code != k_exit_ok && result.exit_code != k_exit_rejected) {
    problems.push_back("exit code " + std::to_string(result.exit_code) +
                       " is neither 0 nor 3; stderr: " + result.err);
    return problems;
  }
  const int expected_exit = expectation.diagnostics.empty() ? k_exit_ok : k_exit_rejected;
  if (result.exit_code != expected_exit) {
    problems.push_back("exit code " + std::to_string(result.exit_code) + ", expected " +
                       std::to_string(expected_exit));
  }
  check_alerts(result.out, expectation, path, problems);
  check_diagnostics(result.err, expectation, path, problems);
  return problems;
}

// Returns the names of the .json and .ndjson files in `dir`, sorted.
std::vector<std::string> corpus_files(const fs::path& dir)
{
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string extension = entry.path().extension().string();
    if (entry.is_regular_file(error) && (extension == ".json" || extension == ".ndjson")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Prints the verdict line for one file and counts it.
void report(const std::string& file, const std::vector<std::string>& problems, int& passed,
            int& failed)
{
  if (problems.empty()) {
    std::cout << "ok " << file << '\n';
    ++passed;
    return;
  }
  std::cout << "FAIL " << file << ": ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    std::cout << (i == 0 ? "" : "; ") << problems[i];
  }
  std::cout << '\n';
  ++failed;
}

// Checks every expectation against the corpus and every corpus file against the table.
int run(const std::string& dftriage, const fs::path& corpus_dir)
{
  std::error_code error;
  if (!fs::is_directory(corpus_dir, error)) {
    std::cout << "corpus_acceptance: skipped: corpus directory " << corpus_dir.string()
              << " not found\n";
    return k_exit_skip;
  }
  const std::vector<std::string> present = corpus_files(corpus_dir);
  if (present.empty()) {
    std::cout << "corpus_acceptance: skipped: no .json or .ndjson files in " << corpus_dir.string()
              << '\n';
    return k_exit_skip;
  }

  const std::vector<Expectation> table = expectations();
  std::map<std::string, const Expectation*> by_file;
  for (const auto& expectation : table) {
    by_file.emplace(std::string(expectation.file), &expectation);
  }
  const std::set<std::string> present_set(present.begin(), present.end());

  int passed = 0;
  int failed = 0;
  for (const auto& file : present) {
    const auto it = by_file.find(file);
    if (it == by_file.end()) {
      report(file,
             {"no expectation in tests/corpus/acceptance.cpp for this corpus file; add a row "
              "from INDEX.md"},
             passed, failed);
      continue;
    }
    report(file, check_file(dftriage, corpus_dir, *it->second), passed, failed);
  }
  for (const auto& [file, expectation] : by_file) {
    if (present_set.count(file) == 0) {
      report(file, {"listed in the expectation table but missing from the corpus directory"},
             passed, failed);
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

} // namespace

// Entry point: corpus_acceptance <path-to-dftriage> <corpus-dir>.
int main(int argc, char** argv)
{
  if (argc != 3) {
    std::cerr << "usage: corpus_acceptance <path-to-dftriage> <corpus-dir>\n";
    return k_exit_usage;
  }
  try {
    return run(argv[1], fs::path(argv[2]));
  } catch (const std::exception& e) {
    std::cout << "FAIL corpus_acceptance: " << e.what() << '\n';
    return 1;
  }
}
