#pragma once
// The page's style sheet and script, as text placed inline (the page is one self-contained file).
#include <string>

namespace pgd::results {

// Readable at 1280 px; under 700 px the facts stack, charts take the full width and wide
// tables scroll sideways inside their box instead of widening the page.
const std::string& report_css();
// Sorting (click a column header) and filtering (text box, status) of #runs-table; marks
// <html data-js="ready"> when it has run, which the browser test looks for.
const std::string& report_script();

}  // namespace pgd::results
