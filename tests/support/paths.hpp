#pragma once

// Test support: where the tests find the dftriage binary under test and the source
// tree's example alerts, answer files and playbooks (DFTRIAGE_BINARY and
// DFTRIAGE_SOURCE_DIR, set by tests/CMakeLists.txt). Every test names them from here.

#include <string>

namespace dftriage::test {

// The built dftriage binary.
inline const std::string k_bin = DFTRIAGE_BINARY;
// The source tree (no trailing '/').
inline const std::string k_source = DFTRIAGE_SOURCE_DIR;
// The folders of the example alerts, their answer files and the shipped playbooks (each
// with a trailing '/').
inline const std::string k_alerts = k_source + "/examples/alerts/";
inline const std::string k_answers = k_source + "/examples/answers/";
inline const std::string k_playbooks = k_source + "/playbooks/";

// The example alerts of the three families, and the answers that walk each to the end.
inline const std::string k_kv_alert = k_alerts + "keyvault-tor.json";
inline const std::string k_kv_answers = k_answers + "keyvault-tor.json";
inline const std::string k_dns_alert = k_alerts + "dns-darkweb.json";
inline const std::string k_dns_answers = k_answers + "dns-darkweb.json";
inline const std::string k_rm_alert = k_alerts + "arm-microburst-export.json";
inline const std::string k_rm_answers = k_answers + "arm-microburst-export.json";

} // namespace dftriage::test
