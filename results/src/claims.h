#pragma once
// The paper's claims as data (results/claims.yaml, format in results/README.md), each judged
// from the database: reproduced, contradicted or inconclusive, with the numbers and the 95 %
// interval it rests on. A verdict is never drawn from a single seed: a side with fewer than two
// finished runs, or an interval that allows either answer, is inconclusive.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/store/result_store.h"
#include "results/src/table_template.h"

namespace pgd::results {

enum class Verdict { reproduced, contradicted, inconclusive };
std::string verdict_name(Verdict v);

// How a claim compares its runs.
enum class ClaimTest {
  difference,  // mean(a) − mean(b), Welch interval; expect "a > b" or "a < b" (with a margin)
  ratio,       // mean(log a) − mean(log b) → a / b (geometric), Welch; expect "a/b <= bound"
  slope,       // slope of log(value) on log(x) for a minus that for b; expect "a < b" or "a > b"
  trend,  // slope of value on x (log x with log_x) over runs `a`; expect "increasing"/"decreasing"
};

// Runs whose config has these canonical values at these dotted keys.
using RunFilter = std::vector<std::pair<std::string, std::string>>;

// A precondition on the runs of one side, e.g. that the cap binds GD: every finished run's
// measurement is at most `at_most` (runs that ran out of memory count as bound).
struct ClaimPrecondition {
  std::string side;  // a | b
  std::string measurement;
  double at_most = 0;
  std::string text;  // what it means, for the report
};

struct ClaimSpec {
  std::string id;
  std::string claim;   // the sentence
  std::string source;  // where the paper says it
  std::string sweep;   // the `table` field of the sweeps whose runs it reads
  ValueSpec value;
  ClaimTest test = ClaimTest::difference;
  RunFilter a, b;  // b is unused by trend
  std::string a_label = "a", b_label = "b";
  // difference/slope: "a > b" or "a < b"; ratio: "a/b <= X"; trend: increasing | decreasing
  std::string expect;
  double margin = 0;   // difference: "a > b" holds when a − b > −margin (in raw units)
  double bound = 0;    // ratio
  std::string x;       // slope / trend: the config key on the x axis
  bool log_x = false;  // trend
  std::optional<ClaimPrecondition> precondition;
  // difference/ratio: each side keeps only its best setting (the variant, config but seed, with
  // the best mean), as "each method at its best setting" claims need; `setting` says what the
  // chosen variant used, in the evidence.
  bool best_variant = false;
  std::vector<SettingItem> setting;
};

struct ClaimResult {
  ClaimSpec spec;
  std::string scale;  // of the runs it read ("" when none)
  Verdict verdict = Verdict::inconclusive;
  double estimate = 0, low = 0, high = 0;  // in the test's units (ratio: a/b; slope: exponent)
  bool has_interval = false;
  int n_a = 0, n_b = 0;  // finished runs (trend/slope: points) on each side
  std::string evidence;  // the numbers, e.g. "PatchGD 91.2 ± 1.0 (n=3) vs GD 80.1 ± 2.2 (n=3)"
  std::string a_setting, b_setting;  // best_variant: the chosen settings ("" otherwise)
  std::string reason;                // why it came out so
};

std::filesystem::path default_claims_file();  // PATCHGD_SOURCE_DIR/results/claims.yaml

// Throws std::runtime_error naming the file and the key at fault.
std::vector<ClaimSpec> load_claims(const std::filesystem::path& file);

// Each claim judged on the runs of the newest sweeps feeding it at `scale` ("" = the scale of
// the newest such sweep).
std::vector<ClaimResult> evaluate_claims(const store::ResultStore& db,
                                         const std::vector<ClaimSpec>& claims,
                                         const std::string& scale);

// The estimate with its interval in the claim's units, e.g. "+7.2 [+5.2, +9.1] points",
// "4.86× [4.50, 5.25]"; "—" when there are no runs.
std::string claim_estimate_text(const ClaimResult& result);

// A Markdown report: one table row per claim (verdict, estimate with interval, evidence).
std::string claims_markdown(const std::vector<ClaimResult>& results, const std::string& db_path);

}  // namespace pgd::results
