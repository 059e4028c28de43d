// The case's scope: the subscriptions a step may touch.

#include "dftriage/exec/executor.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::exec {

namespace {

std::string subscription_in(std::string_view text)
{
  const auto pos = text::to_lower(text).find("/subscriptions/");
  if (pos == std::string::npos) {
    return {};
  }
  const auto start = pos + std::string_view("/subscriptions/").size();
  const auto end = text.find_first_of("/?#", start);
  return text::to_lower(
      text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

} // namespace

std::string scope_problem(const engine::PlannedStep& step,
                          const std::vector<std::string>& subscriptions)
{
  if (subscriptions.empty()) {
    return {};
  }
  auto outside = [&](const std::string& sub) {
    return !sub.empty() &&
           std::find(subscriptions.begin(), subscriptions.end(), sub) == subscriptions.end();
  };
  std::vector<const azure::Request*> all;
  for (const auto& r : step.requests.pre_image) {
    all.push_back(&r);
  }
  for (const auto& r : step.requests.requests) {
    all.push_back(&r);
  }
  for (const auto* r : all) {
    const auto sub = subscription_in(r->url);
    if (outside(sub)) {
      return "it would touch subscription " + sub + ", outside this case's scope (" +
             text::join(subscriptions) + "); widen it with --subscription if that is intended";
    }
  }
  for (const auto& [name, value] : step.params.items()) {
    if (value.is_string()) {
      const auto sub = subscription_in(value.get<std::string>());
      if (outside(sub)) {
        return "parameter " + name + " names subscription " + sub +
               ", outside this case's scope (" + text::join(subscriptions) +
               "); widen it with --subscription if that is intended";
      }
    }
  }
  return {};
}

std::string Executor::scope_problem(const engine::PlannedStep& step) const
{
  return exec::scope_problem(step, m_settings.subscriptions);
}

} // namespace dftriage::exec
