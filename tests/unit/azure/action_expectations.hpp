#pragma once

// The table of what each catalogued action must send, shared by test_actions.cpp and the
// per-family tables in expected_*.cpp (so each family's rows live beside its own tests).

#include "dftriage/azure/actions.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::azure::testing {

// One action call and the request it must produce.
struct Expected
{
  const char* action;
  const char* args; // JSON with placeholders
  const char* method;
  const char* url;
  const char* body;      // JSON, or "" for none
  const char* pre_image; // the first pre-image URL, or "" for none
  Reversibility effect;
  const char* permission; // of the action's request
};

// Replaces the {placeholders} of a table row ({kv}, {vm}, {sub}, {arm}, {graph}, {oid} …)
// with the IDs and hosts they stand for.
std::string expand(std::string s);

// Rows kept beside each family's tests; test_actions.cpp checks every table.
extern const std::vector<Expected> k_expected_core;     // the first rows of each family
extern const std::vector<Expected> k_expected_compute;  // compute and network additions
extern const std::vector<Expected> k_expected_keyvault; // Key Vault and Log Analytics additions
extern const std::vector<Expected>
    k_expected_identity; // Graph, authorization, automation additions

// The catalogued action `name` (the test fails when there is none).
inline const ActionSpec& spec_of(const std::string& name)
{
  const auto* spec = find_action(name);
  REQUIRE(spec != nullptr);
  return *spec;
}

// Checks `args` (with {placeholders}) against `name`'s parameters.
inline ActionArgs args_of(const std::string& name, const std::string& args)
{
  return check_args(spec_of(name), nlohmann::ordered_json::parse(expand(args)));
}
inline ActionArgs args_of(const std::string& name, const char* args)
{
  return args_of(name, std::string(args));
}
// Checks `args` (placeholders already expanded) against `name`'s parameters.
inline ActionArgs args_of(const std::string& name, const nlohmann::ordered_json& args)
{
  return check_args(spec_of(name), args);
}

// Checks `args` (with {placeholders}) against `name` and builds its requests.
inline ActionRequests build(const std::string& name, const std::string& args)
{
  return spec_of(name).build(args_of(name, args), public_cloud());
}
inline ActionRequests build(const std::string& name, const char* args)
{
  return build(name, std::string(args));
}
// Checks `args` (placeholders already expanded) against `name` and builds its requests.
inline ActionRequests build(const std::string& name, const nlohmann::ordered_json& args)
{
  return spec_of(name).build(args_of(name, args), public_cloud());
}

// Every row of every table.
std::vector<const Expected*> all_expected();

} // namespace dftriage::azure::testing
