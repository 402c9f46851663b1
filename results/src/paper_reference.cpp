// Reading the published-values file, and the CSV quoting the table renderer shares with it.
#include "results/src/paper_reference.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pgd::results {
namespace fs = std::filesystem;

std::vector<std::vector<std::string>> parse_csv(const std::string& text, const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  int line = 1;
  auto end_field = [&] {
    row.push_back(field);
    field.clear();
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r') {
      // CRLF files (edited on Windows) read the same.
    } else if (c == '\n') {
      end_field();
      rows.push_back(std::move(row));
      row.clear();
      ++line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted)
    throw std::runtime_error(file.string() + ":" + std::to_string(line) + ": unterminated quote");
  if (field_started || !row.empty()) {
    end_field();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string q = "\"";
  for (char c : field) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string s;
  for (std::size_t i = 0; i < fields.size(); ++i) s += (i ? "," : "") + csv_field(fields[i]);
  return s + "\n";
}

std::vector<ReferenceEntry> read_paper_reference(const fs::path& csv) {
  std::ifstream in(csv, std::ios::binary);
  if (!in) throw std::runtime_error("paper reference " + csv.string() + ": cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  const auto rows = parse_csv(buf.str(), csv);
  static const std::vector<std::string> header = {"table",  "row",   "column",
                                                  "metric", "value", "source"};
  if (rows.empty() || rows[0] != header)
    throw std::runtime_error("paper reference " + csv.string() +
                             ":1: the header must be table,row,column,metric,value,source");
  std::vector<ReferenceEntry> entries;
  // Line numbers count rows; quoted line breaks are not expected in this file.
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.size() == 1 && r[0].empty()) continue;  // blank line
    if (r.size() != header.size())
      throw std::runtime_error("paper reference " + csv.string() + ":" + std::to_string(i + 1) +
                               ": " + std::to_string(r.size()) + " fields, expected 6");
    ReferenceEntry e{r[0], r[1], r[2], r[3], r[4], r[5], static_cast<int>(i + 1)};
    if (e.table.empty() || e.row.empty() || e.metric.empty())
      throw std::runtime_error("paper reference " + csv.string() + ":" + std::to_string(i + 1) +
                               ": table, row and metric must not be empty");
    if (!e.value.empty() && e.source.empty())
      throw std::runtime_error("paper reference " + csv.string() + ":" + std::to_string(i + 1) +
                               ": a value needs its source (paper table or figure)");
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace pgd::results
