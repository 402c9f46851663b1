#include "results/src/html_writer.h"

namespace pgd::results {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_id(std::string_view text) {
  std::string out;
  bool gap = false;
  for (const char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    if (!keep) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += '-';
    gap = false;
    out += c;
  }
  return out.empty() ? "x" : out;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + html_escape(value) + "\"";
}

std::string element(std::string_view name, std::string_view attrs, std::string_view inner) {
  std::string out = "<" + std::string(name) + std::string(attrs) + ">";
  out += inner;
  return out + "</" + std::string(name) + ">";
}

std::string text_element(std::string_view name, std::string_view attrs, std::string_view text) {
  return element(name, attrs, html_escape(text));
}

}  // namespace pgd::results
