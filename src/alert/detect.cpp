#include "dftriage/util/text.hpp"
#include "normalise.hpp"

namespace dftriage::alert::detail {

namespace {

bool has_ci(object obj, std::string_view key)
{
  return get_ci(obj, key).has_value();
}
bool has_exact(object obj, std::string_view key)
{
  return get_exact(obj, key).has_value();
}

std::optional<Shape> detect_enveloped(object obj, object properties)
{
  const std::string type = text_ci(obj, "type");
  // Resource Graph rows: lower-cased type, PascalCase properties, and the row's
  // own tenantId/subscriptionId/resourceGroup columns.
  const bool pascal = has_exact(properties, "AlertType") || has_exact(properties, "SystemAlertId");
  const bool graph_row = type == "microsoft.security/locations/alerts" &&
                         (has_exact(obj, "tenantId") || has_exact(obj, "resourceGroup"));
  if (pascal || graph_row) {
    return has_ci(properties, "alertType") ? std::optional<Shape>(Shape::arg) : std::nullopt;
  }
  if (has_ci(properties, "alertType") || has_ci(properties, "alertName")) {
    return Shape::arm;
  }
  return std::nullopt;
}

} // namespace

std::optional<Shape> detect_shape(object obj)
{
  if (const auto properties = get_ci(obj, "properties"); properties && properties->is_object()) {
    if (auto shape = detect_enveloped(obj, as_object(*properties))) {
      return shape;
    }
  }
  if (has_exact(obj, "alertType")) {
    return Shape::azcli;
  }
  if (has_ci(obj, "vendorInformation") || has_ci(obj, "serviceSource") ||
      (has_ci(obj, "detectorId") && has_ci(obj, "evidence"))) {
    return Shape::graph;
  }
  if (has_ci(obj, "AlertType")) {
    // SecurityAlert rows call the display name AlertName and the severity AlertSeverity.
    const bool sentinel = has_ci(obj, "AlertSeverity") ||
                          (has_ci(obj, "AlertName") && !has_ci(obj, "AlertDisplayName"));
    return sentinel ? Shape::sentinel : Shape::export_;
  }
  return std::nullopt;
}

} // namespace dftriage::alert::detail
