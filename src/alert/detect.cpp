#include "normalise.hpp"

namespace dftriage::alert::detail {

namespace {

std::optional<Shape> detect_enveloped(const Members& obj, const Members& properties)
{
  const std::string type = obj.text("type");
  // Resource Graph rows: lower-cased type, PascalCase properties, and the row's
  // own tenantId/subscriptionId/resourceGroup columns.
  const bool pascal = properties.has_exact("AlertType") || properties.has_exact("SystemAlertId");
  const bool graph_row = type == "microsoft.security/locations/alerts" &&
                         (obj.has_exact("tenantId") || obj.has_exact("resourceGroup"));
  if (pascal || graph_row) {
    return properties.has("alertType") ? std::optional<Shape>(Shape::arg) : std::nullopt;
  }
  if (properties.has("alertType") || properties.has("alertName")) {
    return Shape::arm;
  }
  return std::nullopt;
}

} // namespace

std::optional<Shape> detect_shape(object top)
{
  const Members obj(top);
  if (const auto properties = obj.get("properties"); properties && properties->is_object()) {
    if (auto shape = detect_enveloped(obj, Members(as_object(*properties)))) {
      return shape;
    }
  }
  if (obj.has_exact("alertType")) {
    return Shape::azcli;
  }
  if (obj.has("vendorInformation") || obj.has("serviceSource") ||
      (obj.has("detectorId") && obj.has("evidence"))) {
    return Shape::graph;
  }
  if (obj.has("AlertType")) {
    // SecurityAlert rows call the display name AlertName and the severity AlertSeverity.
    const bool sentinel =
        obj.has("AlertSeverity") || (obj.has("AlertName") && !obj.has("AlertDisplayName"));
    return sentinel ? Shape::sentinel : Shape::export_;
  }
  return std::nullopt;
}

} // namespace dftriage::alert::detail
