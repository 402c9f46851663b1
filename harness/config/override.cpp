#include "harness/config/override.h"

namespace pgd::config {

std::string override_prefix(OverrideKind kind) {
  switch (kind) {
    case OverrideKind::kSet: return "";
    case OverrideKind::kAdd: return "+";
    case OverrideKind::kForceAdd: return "++";
    case OverrideKind::kRemove: return "~";
  }
  return "";
}

std::vector<std::string> split_key(const std::string& dotted) {
  std::vector<std::string> parts(1);
  for (char c : dotted) {
    if (c == '.') parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

std::vector<Override> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<Override> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(parse_override(t));
  return out;
}

}  // namespace pgd::config
