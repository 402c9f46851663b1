#include "harness/store/provenance.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>

namespace pgd::store {
namespace {

// Wraps `s` in single quotes for /bin/sh, so any folder name reaches git intact.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `command` and returns its standard output, or nullopt if it failed. Its standard error
// goes to /dev/null: nothing below the CLI prints.
std::optional<std::string> capture(const std::string& command) {
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  const int status = pclose(pipe);
  if (status != 0) return std::nullopt;
  return out;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "";
  return name.data();
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, fallback;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "model name" && !value.empty()) return value;
    if ((key == "Processor" || key == "Hardware") && fallback.empty()) fallback = value;
  }
  return fallback;
}

std::string process_owner() { return host_name() + ":" + std::to_string(getpid()); }

Provenance collect_provenance(const std::filesystem::path& source_dir) {
  Provenance p;
  const std::string git = "git -C " + shell_quote(source_dir.string());
  if (auto head = capture(git + " rev-parse HEAD")) {
    p.git_commit = trim(*head);
    // Untracked files count: a new source file changes what was built.
    if (auto status = capture(git + " status --porcelain")) p.git_dirty = !trim(*status).empty();
  }
  p.host = host_name();
  p.cpu_model = cpu_model_name();
  p.patchgd_version = PATCHGD_VERSION;
  return p;
}

}  // namespace pgd::store
