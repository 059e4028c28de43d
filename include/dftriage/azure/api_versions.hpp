#pragma once

// Every api-version dftriage sends, in one place, each from Microsoft's published specs
// (see ../shared/corpus/rest/CONTRACTS.md §0 for the spec file of each).

namespace dftriage::azure::api_version {

inline constexpr const char* k_keyvault = "2026-02-01";      // Microsoft.KeyVault management
inline constexpr const char* k_keyvault_data = "2025-07-01"; // Key Vault data plane
inline constexpr const char* k_network = "2025-09-01";       // NSGs, NICs
inline constexpr const char* k_compute = "2025-04-01";       // VMs, run command, extensions
inline constexpr const char* k_compute_disks = "2025-01-02"; // managed disks, snapshots (DiskRP)
inline constexpr const char* k_authorization = "2022-04-01"; // role assignments
inline constexpr const char* k_monitor_activity_log = "2015-04-01";
inline constexpr const char* k_security_alerts = "2022-01-01"; // Microsoft.Security alerts
inline constexpr const char* k_security_assessments = "2020-01-01";
inline constexpr const char* k_automation = "2024-10-23"; // runbooks
inline constexpr const char* k_resources = "2025-04-01";  // resources, resource groups, tags
inline constexpr const char* k_graph = "v1.0";            // Microsoft Graph (path segment)
inline constexpr const char* k_log_analytics = "v1";      // Log Analytics query (path segment)

} // namespace dftriage::azure::api_version
