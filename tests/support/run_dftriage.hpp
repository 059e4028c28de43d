#pragma once

// Test support: the dftriage binary run as a user would, from the test's folder or
// another, and an environment in which it finds no credential.

#include "support/paths.hpp"
#include "support/process.hpp"

#include <map>
#include <string>
#include <vector>

namespace dftriage::test {

// Runs dftriage with `args`, feeding `input`, with `env` applied as in run_process.
inline ProcessResult run_dftriage(std::vector<std::string> args, const std::string& input = {},
                                  const std::map<std::string, std::string>& env = {})
{
  args.insert(args.begin(), k_bin);
  return run_process(args, input, env);
}

// Runs dftriage with `args` in the folder `cwd` (where cases/ is made and looked for).
inline ProcessResult run_dftriage_in(const std::string& cwd, const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env = {})
{
  std::vector<std::string> argv{"/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"",
                                "sh",      cwd,  k_bin};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {}, env);
}

// An environment in which no credential can be found: none of the test's own Azure
// variables, no az on PATH, and IMDS on a loopback port where nothing listens (never
// 169.254.169.254).
inline std::map<std::string, std::string> no_credential_env()
{
  std::map<std::string, std::string> env;
  for (const char* name : {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
                           "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
                           "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
                           "AZURE_AUTHORITY_HOST", "DFTRIAGE_CLOUD"}) {
    env[name] = "";
  }
  env["PATH"] = "/nonexistent";
  env["DFTRIAGE_IMDS_ENDPOINT"] = "http://127.0.0.1:1";
  return env;
}

} // namespace dftriage::test
