#pragma once
// The PANDA sample table: Kaggle's train.csv (one row per slide,
// `image_id,data_provider,isup_grade,gleason_score`) and its stratified k-fold split.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pgd::data {

struct PandaRow {
  std::string image_id;  // slide file stem: <slides_dir>/<image_id>.tiff
  std::string
      data_provider;       // "karolinska" | "radboud" in the real data; "" if the column is absent
  int64_t isup_grade = 0;  // 0..5, the label
  std::string gleason_score;  // kept as text ("3+4", "negative"); "" if the column is absent
  int64_t line = 0;           // 1-based line of the row in the file, for error messages
};

inline constexpr int64_t kPandaNumGrades = 6;

// Parses the CSV text: RFC 4180 quoting ("a,b", "" for a quote, newlines inside quotes), LF or
// CRLF line ends, an optional UTF-8 byte-order mark, blank lines skipped. The header names the
// columns in any order; image_id and isup_grade are required, the other two optional, extra
// columns ignored. `source` names the file in errors. Throws DataError "<source>:<line>: ..."
// for a missing required header column, a row with another field count than the header, an
// empty or path-unsafe image_id, a grade that is not an integer in 0..5, a duplicate image_id
// (naming both lines), an unterminated quote, or a file with no rows.
std::vector<PandaRow> parse_panda_csv(const std::string& text, const std::string& source);

// Reads and parses the file; DataError names it if it cannot be read.
std::vector<PandaRow> read_panda_csv(const std::filesystem::path& path);

// grades: one label per row, each in 0..num_classes-1. Returns a fold in 0..folds-1 per row.
// Rows of each grade (grades in increasing order) are shuffled with a Fisher-Yates pass driven by
// std::mt19937_64(seed) and dealt round-robin; the dealer's position carries over from one
// grade to the next, so each fold's count of every grade, and each fold's total, differ by at
// most 1 between folds. (std::shuffle and std::uniform_int_distribution are not specified
// bit-for-bit by the standard, so the shuffle is written out to keep splits portable.)
// Throws std::invalid_argument for folds < 1 or a grade out of range.
std::vector<int64_t> stratified_folds(const std::vector<int64_t>& grades, int64_t num_classes,
                                      int64_t folds, uint64_t seed);

}  // namespace pgd::data
