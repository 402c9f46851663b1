#pragma once
// Kaggle PANDA's train.csv: one row per slide, `image_id,data_provider,isup_grade,gleason_score`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pgd::data {

struct PandaRow {
  std::string image_id;       // slide file stem: <slides_dir>/<image_id>.tiff
  std::string data_provider;  // "karolinska" | "radboud" in the real data; "" if the column is absent
  int64_t isup_grade = 0;     // 0..5, the label
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

}  // namespace pgd::data
