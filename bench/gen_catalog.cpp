// Alert types and texts for the synthetic generator. Type names, display names and
// severities follow the public Defender for Cloud alert reference; the prose is our own.

#include "gen_catalog.hpp"

namespace dftriage::bench {

const std::vector<AlertKind>& alert_kinds()
{
  static const std::vector<AlertKind> k_kinds = {
      {"KV_SuspiciousIPAccess", "Access from a suspicious IP address to a key vault", "Medium",
       "CredentialAccess", Family::key_vault},
      {"KV_TORAccess", "Access from a TOR exit node to a key vault", "Medium", "CredentialAccess",
       Family::key_vault},
      {"KV_OperationVolumeAnomaly", "High volume of operations in a key vault", "Medium",
       "CredentialAccess", Family::key_vault},
      {"KV_PutGetAnomaly", "Suspicious policy change and secret query in a key vault", "Medium",
       "CredentialAccess", Family::key_vault},
      {"KV_ListGetAnomaly", "Suspicious secret listing and query in a key vault", "Medium",
       "CredentialAccess", Family::key_vault},
      {"KV_AccountVolumeAccessDeniedAnomaly",
       "Unusual access denied - User accessing high volume of key vaults denied", "Low",
       "Discovery", Family::key_vault},
      {"KV_UserAccessDeniedAnomaly",
       "Unusual access denied - Unusual user accessing key vault denied", "Low", "InitialAccess",
       Family::key_vault},
      {"KV_AppAnomaly", "Unusual application accessed a key vault", "Medium", "CredentialAccess",
       Family::key_vault},
      {"KV_OperationPatternAnomaly", "Unusual operation pattern in a key vault", "Medium",
       "CredentialAccess", Family::key_vault},
      {"KV_UserAnomaly", "Unusual user accessed a key vault", "Medium", "CredentialAccess",
       Family::key_vault},
      {"KV_UserAppAnomaly", "Unusual user-application pair accessed a key vault", "Medium",
       "CredentialAccess", Family::key_vault},
      {"KV_AccountVolumeAnomaly", "User accessed high volume of key vaults", "Medium",
       "CredentialAccess", Family::key_vault},
      {"KV_SuspiciousIPAccessDenied", "Denied access from a suspicious IP to a key vault", "Low",
       "CredentialAccess", Family::key_vault},
      {"AzureDNS_DarkWeb", "Anonymity network activity", "Low", "Exfiltration", Family::dns},
      {"AzureDNS_DarkWebProxy", "Anonymity network activity using web proxy", "Low", "Exfiltration",
       Family::dns},
      {"AzureDNS_SinkholedDomain", "Attempted communication with suspicious sinkholed domain",
       "Medium", "Exfiltration", Family::dns},
      {"AzureDNS_PhishingDomain", "Communication with possible phishing domain", "Informational",
       "Exfiltration", Family::dns},
      {"AzureDNS_DomainGenerationAlgorithm",
       "Communication with suspicious algorithmically generated domain", "Informational",
       "Exfiltration", Family::dns},
      {"AzureDNS_ThreatIntelSuspectDomain",
       "Communication with suspicious domain identified by threat intelligence", "Medium",
       "InitialAccess", Family::dns},
      {"AzureDNS_RandomizedDomain", "Communication with suspicious random domain name",
       "Informational", "Exfiltration", Family::dns},
      {"AzureDNS_CurrencyMining", "Digital currency mining activity", "Low", "Exfiltration",
       Family::dns},
      {"AzureDNS_DataInfiltration", "Possible data download via DNS tunnel", "Low", "Exfiltration",
       Family::dns},
      {"AzureDNS_DataExfiltration", "Possible data exfiltration via DNS tunnel", "Low",
       "Exfiltration", Family::dns},
      {"AzureDNS_DataObfuscation", "Possible data transfer via DNS tunnel", "Low", "Exfiltration",
       Family::dns},
      {"ARM_OperationFromSuspiciousIP",
       "Azure Resource Manager operation from suspicious IP address", "Medium", "Execution",
       Family::resource_manager},
      {"ARM_OperationFromSuspiciousProxyIP",
       "Azure Resource Manager operation from suspicious proxy IP address", "Medium",
       "DefenseEvasion", Family::resource_manager},
      {"ARM_MicroBurst.AzDomainInfo",
       "MicroBurst exploitation toolkit used to enumerate resources in your subscriptions", "Low",
       "Discovery", Family::resource_manager},
      {"ARM_MicroBurst.AzVMBulkCMD",
       "MicroBurst exploitation toolkit used to execute code on your virtual machine", "High",
       "Execution", Family::resource_manager},
      {"ARM_MicroBurst.AzKeyVaultKeysREST",
       "MicroBurst exploitation toolkit used to extract keys from your Azure key vaults", "High",
       "Collection", Family::resource_manager},
      {"ARM_MicroBurst.AZStorageKeysREST",
       "MicroBurst exploitation toolkit used to extract keys to your storage accounts", "Low",
       "Collection", Family::resource_manager},
      {"ARM_PowerZure.GetAzureTargets",
       "PowerZure exploitation toolkit used to enumerate resources", "High", "Collection",
       Family::resource_manager},
      {"ARM_Azurite", "PREVIEW - Azurite toolkit run detected", "High", "Collection",
       Family::resource_manager},
      {"ARM_AnomalousServiceOperation.CredentialAccess",
       "PREVIEW - Suspicious invocation of a high-risk 'Credential Access' operation by a service "
       "principal detected",
       "Medium", "CredentialAccess", Family::resource_manager},
      {"ARM_PrivilegedRoleDefinitionCreation",
       "Privileged custom role created for your subscription in a suspicious way (Preview)",
       "Informational", "PrivilegeEscalation", Family::resource_manager},
      {"ARM_AnomalousOperation.Execution",
       "Suspicious invocation of a high-risk 'Execution' operation detected (Preview)", "Medium",
       "Execution", Family::resource_manager},
  };
  return k_kinds;
}

const std::vector<std::string>& family_descriptions(Family family)
{
  static const std::vector<std::string> k_key_vault = {
      "Defender for Key Vault noticed that the vault was reached in a way its history does not "
      "explain: the caller, the address it came from or the mix of operations it ran differ from "
      "the vault's usual traffic. This can be an administrator trying something new, but it is "
      "also how a stolen credential is used to read secrets, keys and certificates before the "
      "owner notices. Compare the operations below with the vault's normal workload.",
      "An identity that rarely or never works with this key vault performed a burst of read and "
      "list operations on its secrets. Attackers who obtain a token for one application often "
      "enumerate every vault it can reach and copy what they find, so the activity deserves a "
      "look even when the caller is a known service principal. The operation counts and the "
      "caller's address are in the extended properties.",
      "Requests to the key vault arrived from an address that threat intelligence associates "
      "with anonymising services or earlier malicious activity. Hiding the source of a request "
      "is typical of someone testing stolen credentials; legitimate automation normally runs "
      "from stable, known addresses. Review who owns the identity and whether the vault's "
      "network rules should allow public access at all.",
  };
  static const std::vector<std::string> k_dns = {
      "Analysis of the DNS queries sent by a resource in the subscription found lookups that "
      "match a pattern seen in attacks. While a user may have caused them by browsing, queries "
      "like these often come from malware contacting its operators, from tools that tunnel data "
      "through DNS, or from miners and proxies installed after a compromise. The queried domain "
      "and the answers received are listed in the extended properties.",
      "A machine resolved a domain name that is flagged as suspicious: it was generated by an "
      "algorithm, appears in threat intelligence feeds, or is a sinkhole run by researchers for "
      "a known botnet. Legitimate software rarely queries such names, so the machine that asked "
      "should be checked for unwanted software and its recent connections reviewed.",
  };
  static const std::vector<std::string> k_arm = {
      "Defender for Resource Manager saw management operations on the subscription that match "
      "the behaviour of a public offensive toolkit. Such toolkits are used after an attacker "
      "gets hold of a credential, to map the subscription, pull storage and key vault keys, or "
      "run commands on virtual machines through the control plane. The operations came from the "
      "principal and address listed below; confirm with its owner whether they were intended.",
      "A principal invoked high-risk Azure Resource Manager operations that it has not used "
      "before, from an address with a poor reputation. The same sequence is commonly used to "
      "gain persistence or to escalate privileges, for example by creating roles or role "
      "assignments. If the activity was not planned, treat the principal as compromised.",
  };
  switch (family) {
  case Family::key_vault:
    return k_key_vault;
  case Family::dns:
    return k_dns;
  case Family::resource_manager:
    break;
  }
  return k_arm;
}

const std::vector<std::string>& family_remediation(Family family)
{
  static const std::vector<std::string> k_key_vault = {
      "Check the vault's activity and diagnostic logs for the caller, address and operations "
      "named in this alert, and decide whether they were expected.",
      "If they were not, remove the caller's access policies or role assignments on the vault, "
      "then rotate every secret, key and certificate it could read.",
      "Consider restricting the vault's firewall to known networks and enabling soft delete and "
      "purge protection.",
  };
  static const std::vector<std::string> k_dns = {
      "Ask the owner of the machine whether the lookups were expected.",
      "If not, isolate the machine from the network to stop any lateral movement.",
      "Run a full antimalware scan and follow the remediation it suggests.",
      "Review the software installed and running on the machine and remove anything unknown.",
      "Restore the machine to a known good state if the scan cannot clean it, reinstalling the "
      "operating system where needed.",
      "Apply the open Defender for Cloud recommendations for the machine.",
  };
  static const std::vector<std::string> k_arm = {
      "1. Contact the owner of the principal to find out whether the activity was intended \u2013 "
      "if it was, dismiss the alert.\n2. Otherwise treat the principal and the subscription as "
      "compromised: reset or remove the credential, review its role assignments and revoke any "
      "it should not hold.\n3. Use the activity log to list every operation the principal ran "
      "and revert those that changed resources.\n4. Review other alerts on the subscription for "
      "related activity.",
  };
  switch (family) {
  case Family::key_vault:
    return k_key_vault;
  case Family::dns:
    return k_dns;
  case Family::resource_manager:
    break;
  }
  return k_arm;
}

std::string family_component(Family family)
{
  switch (family) {
  case Family::key_vault:
    return "KeyVault";
  case Family::dns:
    return "DNS";
  case Family::resource_manager:
    break;
  }
  return "ARM";
}

} // namespace dftriage::bench
