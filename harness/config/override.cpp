#include "harness/config/override.h"

namespace pgd::config {

std::string override_prefix(OverrideKind kind) {
  switch (kind) {
    case OverrideKind::kSet:
      return "";
    case OverrideKind::kAdd:
      return "+";
    case OverrideKind::kForceAdd:
      return "++";
    case OverrideKind::kRemove:
      return "~";
  }
  return "";
}

std::vector<std::string> split_key(const std::string& dotted) {
  std::vector<std::string> parts(1);
  for (char c : dotted) {
    if (c == '.')
      parts.emplace_back();
    else
      parts.back() += c;
  }
  return parts;
}

}  // namespace pgd::config
