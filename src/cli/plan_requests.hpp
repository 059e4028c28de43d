#pragma once

// Internal to src/cli (plan_text.cpp): the requests of one step of a plan's JSON as text.

#include "dftriage/azure/request.hpp"
#include "plan_text.hpp"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace dftriage::cli {

// Returns a word of the plan's JSON (a status, a purpose, ...) in `lang`: its Chinese in
// `words` for zh-CN; the word itself in English or when `words` lacks it.
std::string plan_word(const std::string& word, playbook::Lang lang,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> words);

// Returns a request of a plan's JSON (azure::Request::to_json) as a request.
azure::Request request_from_json(const nlohmann::ordered_json& r);

// Returns the comment lines saying where each token of the plan's requests comes from
// (PlanTextOptions::curl), indented two columns; "" otherwise.
std::string plan_token_text(const nlohmann::ordered_json& plan, const PlanTextOptions& options);

// Returns the requests of `step` (one of the plan's "steps") indented four columns:
// pre-image reads first; a change as what it changes when its target was captured (and
// whole too with full_bodies), else its body once.
std::string plan_requests_text(const nlohmann::ordered_json& step, const PlanTextOptions& options);

} // namespace dftriage::cli
