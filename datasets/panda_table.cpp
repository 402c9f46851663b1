#include "datasets/panda_table.h"

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "datasets/dataset.h"

namespace pgd::data {
namespace {

struct Record {
  std::vector<std::string> fields;
  int64_t line = 0;  // line where the record starts
};

[[noreturn]] void fail(const std::string& source, int64_t line, const std::string& what) {
  throw DataError(source + ":" + std::to_string(line) + ": " + what);
}

std::string trim(const std::string& s) {
  const char* ws = " \t\r";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Splits the text into records of fields. Quotes are honoured only at the start of a field
// (as in RFC 4180); a quote inside an unquoted field is kept as text.
std::vector<Record> split_records(const std::string& text, const std::string& source) {
  std::vector<Record> records;
  size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // Excel writes a BOM
  int64_t line = 1;
  const size_t n = text.size();
  while (i < n) {
    Record rec;
    rec.line = line;
    std::string field;
    bool quoted_field = false;
    bool end_of_record = false;
    while (!end_of_record) {
      if (i >= n) {
        end_of_record = true;
        break;
      }
      char c = text[i];
      if (field.empty() && !quoted_field && c == '"') {
        quoted_field = true;
        ++i;
        for (;;) {
          if (i >= n) fail(source, rec.line, "unterminated quoted field");
          char q = text[i++];
          if (q == '"') {
            if (i < n && text[i] == '"') {
              field += '"';
              ++i;
            } else {
              break;
            }
          } else {
            if (q == '\n') ++line;
            field += q;
          }
        }
        continue;
      }
      if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
        quoted_field = false;
        ++i;
      } else if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
        i += 2;
        ++line;
        end_of_record = true;
      } else if (c == '\n') {
        ++i;
        ++line;
        end_of_record = true;
      } else {
        if (quoted_field) fail(source, rec.line, "text after a closing quote");
        field += c;
        ++i;
      }
    }
    rec.fields.push_back(std::move(field));
    const bool blank = rec.fields.size() == 1 && trim(rec.fields[0]).empty() && !quoted_field;
    if (!blank) records.push_back(std::move(rec));
  }
  return records;
}

// image_id becomes a file name, so it may not climb out of slides_dir or hide as a dot file.
bool safe_id(const std::string& id) {
  if (id.empty() || id[0] == '.') return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool parse_grade(const std::string& s, int64_t* grade) {
  if (s.empty() || s.size() > 3) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v >= kPandaNumGrades) return false;
  *grade = v;
  return true;
}

// Uniform in 0..bound-1 by rejection, so the draw sequence is fixed by mt19937_64 alone.
uint64_t draw_below(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t r;
  do {
    r = rng();
  } while (r >= limit);
  return r % bound;
}

}  // namespace

std::vector<PandaRow> parse_panda_csv(const std::string& text, const std::string& source) {
  const std::vector<Record> records = split_records(text, source);
  if (records.empty()) throw DataError(source + ": empty file; expected a header and rows");

  const Record& header = records[0];
  std::unordered_map<std::string, size_t> column;
  for (size_t c = 0; c < header.fields.size(); ++c) column.emplace(trim(header.fields[c]), c);
  auto required = [&](const char* name) {
    auto it = column.find(name);
    if (it == column.end())
      fail(source, header.line,
           std::string("header lacks the column '") + name +
               "' (expected image_id,data_provider,isup_grade,gleason_score)");
    return it->second;
  };
  auto optional = [&](const char* name) {
    auto it = column.find(name);
    return it == column.end() ? std::string::npos : it->second;
  };
  const size_t c_id = required("image_id");
  const size_t c_grade = required("isup_grade");
  const size_t c_provider = optional("data_provider");
  const size_t c_gleason = optional("gleason_score");

  std::vector<PandaRow> rows;
  rows.reserve(records.size() - 1);
  std::unordered_map<std::string, int64_t> seen;  // image_id -> line
  for (size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.fields.size() != header.fields.size())
      fail(source, rec.line,
           "expected " + std::to_string(header.fields.size()) + " columns (" +
               "as the header), found " + std::to_string(rec.fields.size()));
    PandaRow row;
    row.line = rec.line;
    row.image_id = trim(rec.fields[c_id]);
    if (!safe_id(row.image_id))
      fail(source, rec.line,
           "image_id '" + row.image_id +
               "' is empty or has characters other than letters, digits, '_', '-', '.'");
    const std::string grade = trim(rec.fields[c_grade]);
    if (!parse_grade(grade, &row.isup_grade))
      fail(source, rec.line,
           "isup_grade '" + grade + "' of '" + row.image_id + "' is not an integer in 0..5");
    if (c_provider != std::string::npos) row.data_provider = trim(rec.fields[c_provider]);
    if (c_gleason != std::string::npos) row.gleason_score = trim(rec.fields[c_gleason]);
    auto [it, fresh] = seen.emplace(row.image_id, rec.line);
    if (!fresh)
      fail(source, rec.line,
           "duplicate image_id '" + row.image_id + "' (first on line " +
               std::to_string(it->second) + ")");
    rows.push_back(std::move(row));
  }
  if (rows.empty()) fail(source, header.line, "header but no rows");
  return rows;
}

std::vector<PandaRow> read_panda_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path.string() + ": cannot open the PANDA csv");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw DataError(path.string() + ": read error");
  return parse_panda_csv(ss.str(), path.string());
}

std::vector<int64_t> stratified_folds(const std::vector<int64_t>& grades, int64_t num_classes,
                                      int64_t folds, uint64_t seed) {
  if (folds < 1) throw std::invalid_argument("stratified_folds: folds must be >= 1");
  std::vector<std::vector<size_t>> by_grade(static_cast<size_t>(num_classes));
  for (size_t i = 0; i < grades.size(); ++i) {
    if (grades[i] < 0 || grades[i] >= num_classes)
      throw std::invalid_argument("stratified_folds: grade " + std::to_string(grades[i]) +
                                  " of row " + std::to_string(i) + " is outside 0.." +
                                  std::to_string(num_classes - 1));
    by_grade[static_cast<size_t>(grades[i])].push_back(i);
  }
  std::mt19937_64 rng(seed);
  std::vector<int64_t> fold_of(grades.size(), 0);
  int64_t dealer = 0;
  for (auto& rows : by_grade) {
    for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[draw_below(rng, i)]);
    for (size_t row : rows) {
      fold_of[row] = dealer;
      dealer = (dealer + 1) % folds;
    }
  }
  return fold_of;
}

}  // namespace pgd::data
