#pragma once
// Small text helpers shared by the config code: joining word lists, "did you mean" ranking,
// splitting override values at top-level commas, and a stable float format used both for
// hashing and for writing YAML (so a value prints the same way everywhere).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgd::config {

std::string join(const std::vector<std::string>& words, const std::string& sep = ", ");
std::string trim(std::string_view text);

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
// neighbours each cost 1, so "epcohs" is one edit from "epochs".
size_t edit_distance(std::string_view a, std::string_view b);

// `candidates` sorted by edit distance to `typed` (ties alphabetically).
std::vector<std::string> nearest_first(const std::string& typed,
                                       std::vector<std::string> candidates);

// The nearest candidate when it is close enough to be a likely typo, else "".
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates);

// The separator between an error's subject and its list of valid choices: "; did you mean
// '<prefix><nearest>'? " when there is a likely typo, else "; ".
std::string did_you_mean_clause(const std::string& typed,
                                const std::vector<std::string>& candidates,
                                const std::string& prefix = "");

// Splits at commas outside (), [], {} and quotes; elements are trimmed. Throws ConfigError
// (naming `what`) on unbalanced brackets or quotes.
std::vector<std::string> split_top_level(std::string_view text, const std::string& what);

// True when `text` has a comma outside (), [], {} and quotes.
bool has_top_level_comma(std::string_view text);

// `v` as "%.*e" with the fewest significant digits that read back exactly ("1.5e-03"), the
// digits Python's repr picks; *digits (if given) is how many significant digits that is.
std::string shortest_scientific(double v, int* digits = nullptr);

// Shortest text that parses back to exactly `v` (round-trip), always with a '.' or an
// exponent so it reads back as a float; exponents without '+' or leading zeros ("1e-05" ->
// "1e-5"); non-finite values as YAML writes them (.inf, -.inf, .nan).
std::string format_double(double v);

}  // namespace pgd::config
