#include "dftriage/util/json_path.hpp"

namespace dftriage::json_path {

namespace {

bool is_key_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == ' ';
}

nlohmann::ordered_json evaluate_from(const nlohmann::ordered_json& node,
                                     const std::vector<Token>& path, std::size_t at)
{
  if (at == path.size()) {
    return node;
  }
  const Token& t = path[at];
  switch (t.kind) {
  case Token::Kind::key: {
    if (!node.is_object()) {
      return nullptr;
    }
    const auto it = node.find(t.key);
    return it == node.end() ? nlohmann::ordered_json(nullptr) : evaluate_from(*it, path, at + 1);
  }
  case Token::Kind::index:
    if (!node.is_array() || t.index >= node.size()) {
      return nullptr;
    }
    return evaluate_from(node[t.index], path, at + 1);
  case Token::Kind::each: {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    if (!node.is_array()) {
      return out;
    }
    for (const auto& item : node) {
      auto value = evaluate_from(item, path, at + 1);
      if (!value.is_null()) {
        out.push_back(std::move(value));
      }
    }
    return out;
  }
  }
  return nullptr;
}

} // namespace

std::optional<std::vector<Token>> parse(std::string_view path)
{
  std::vector<Token> out;
  std::size_t i = 0;
  bool expect_key = true;
  while (i < path.size()) {
    if (expect_key && i == 0 && path.compare(0, 2, "['") == 0) {
      expect_key = false; // a path may start with a quoted key; the loop below reads it
    }
    if (expect_key) {
      const std::size_t start = i;
      while (i < path.size() && is_key_char(path[i])) {
        ++i;
      }
      if (i == start) {
        return std::nullopt;
      }
      out.push_back(Token{Token::Kind::key, std::string(path.substr(start, i - start)), 0});
      expect_key = false;
      continue;
    }
    if (path[i] == '.') {
      expect_key = true;
      ++i;
      continue;
    }
    if (path[i] != '[') {
      return std::nullopt;
    }
    const std::size_t close = path.find(']', i);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    if (path.compare(i, 2, "['") == 0) {
      // A quoted key for names with other characters ("['@odata.type']"): anything but
      // a quote or a control character, up to "']".
      const std::size_t end = path.find("']", i + 2);
      if (end == std::string_view::npos || end == i + 2) {
        return std::nullopt;
      }
      const std::string_view key = path.substr(i + 2, end - i - 2);
      for (const char c : key) {
        if (c == '\'' || static_cast<unsigned char>(c) < 0x20) {
          return std::nullopt;
        }
      }
      out.push_back(Token{Token::Kind::key, std::string(key), 0});
      i = end + 2;
      continue;
    }
    const std::string_view inside = path.substr(i + 1, close - i - 1);
    if (inside == "*") {
      out.push_back(Token{Token::Kind::each, {}, 0});
    } else {
      if (inside.empty() || inside.size() > 6 ||
          inside.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
      }
      out.push_back(
          Token{Token::Kind::index, {}, static_cast<std::size_t>(std::stoul(std::string(inside)))});
    }
    i = close + 1;
  }
  if (expect_key) {
    return std::nullopt; // empty, or ends with '.'
  }
  return out;
}

nlohmann::ordered_json evaluate(const nlohmann::ordered_json& root, const std::vector<Token>& path)
{
  return evaluate_from(root, path, 0);
}

} // namespace dftriage::json_path
