#pragma once
// The few pieces the HTML report is built from: escaping, safe ids and elements. Every text that
// comes from the database (config values, error texts, labels) goes through html_escape, so a
// config value such as "<script>" is shown, never run.
#include <string>
#include <string_view>

namespace pgd::results {

// & < > " ' as entities: safe in element content and in quoted attribute values (HTML and the
// inline SVG alike).
std::string html_escape(std::string_view text);

// An id (and URL fragment) from any text: letters, digits, '-' and '_' kept, runs of anything
// else become one '-'. Never empty ("x" for a text with nothing to keep).
std::string html_id(std::string_view text);

// ` name="value"` with the value escaped, for building an element's attribute list.
std::string attr(std::string_view name, std::string_view value);

// <name attrs>inner</name>; `attrs` is built with attr(), `inner` is HTML already.
std::string element(std::string_view name, std::string_view attrs, std::string_view inner);
// The same with escaped text as content.
std::string text_element(std::string_view name, std::string_view attrs, std::string_view text);

}  // namespace pgd::results
