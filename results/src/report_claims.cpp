// The claims as a table of verdicts, each with the numbers it rests on (claims.h computes them;
// this file only shows them).
#include <map>

#include "results/src/html_writer.h"
#include "results/src/report_sections.h"

namespace pgd::results {
namespace {

std::string verdict_badge(Verdict v) {
  const std::string name = verdict_name(v);
  return text_element("span", attr("class", "verdict verdict-" + name), name);
}

// Each cell names its column (data-label): on a phone the rows become cards that show it.
std::string cell(const std::string& label, const std::string& cls, const std::string& inner) {
  return element("td", attr("data-label", label) + (cls.empty() ? "" : attr("class", cls)), inner);
}

std::string claim_row(const ClaimResult& r) {
  const ClaimSpec& c = r.spec;
  std::string claim = html_escape(c.claim);
  if (!c.source.empty()) claim += "<br>" + text_element("small", "", c.source);
  std::string row = cell("Claim", "", claim);
  row += cell("Verdict", "", verdict_badge(r.verdict));
  row += cell("Estimate", "num", html_escape(claim_estimate_text(r)));
  row += cell("Evidence", "", html_escape(r.evidence.empty() ? "—" : r.evidence));
  row += cell("Why", "", html_escape(r.reason));
  row += cell("Scale", "", html_escape(r.scale.empty() ? "—" : r.scale));
  return element("tr", attr("id", "claim-" + html_id(c.id)), row);
}

std::string verdict_counts(const std::vector<ClaimResult>& claims) {
  std::map<std::string, int> counts;
  for (const auto& r : claims) ++counts[verdict_name(r.verdict)];
  std::string out;
  for (const auto& [name, n] : counts)
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  return out;
}

}  // namespace

std::string claims_section(const std::vector<ClaimResult>& claims) {
  std::string out = "<h2>Claims</h2>";
  if (claims.empty())
    return element("section", attr("id", "claims"),
                   out + "<p class=\"empty\">No claims to judge.</p>");
  out += text_element("p", attr("id", "claims-summary"), verdict_counts(claims) + ".");
  out +=
      "<p class=\"note\">Each verdict is computed from the database (results/claims.yaml says "
      "what each claim compares). <b>reproduced</b>: the 95 % interval lies wholly on the "
      "claimed side; <b>contradicted</b>: wholly on the other side; <b>inconclusive</b>: it "
      "allows either, there are fewer than two finished runs on a side, or a precondition "
      "does not hold.</p>";
  std::string head;
  for (const char* h : {"Claim", "Verdict", "Estimate [95 % CI]", "Evidence", "Why", "Scale"})
    head += text_element("th", attr("scope", "col"), h);
  std::string body;
  for (const auto& r : claims) body += claim_row(r);
  out +=
      element("div", attr("class", "scroll"),
              element("table", attr("class", "claims"),
                      element("thead", "", element("tr", "", head)) + element("tbody", "", body)));
  return element("section", attr("id", "claims"), out);
}

}  // namespace pgd::results
