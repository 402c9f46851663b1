// The config hash of every cell of every sweep file at each of its scales, pinned. A database
// finds its runs again by these hashes, so a refactor of how configs are read, typed or
// composed must leave them all unchanged, or every existing database stops resuming.
//
// After an intentional change to a sweep file or a default (which does start new runs), rewrite
// the list and commit it with the change:
//   PATCHGD_UPDATE_GOLDEN=1 ./build/tests/config_tests --gtest_filter='GoldenHashes.*'
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "harness/config/compose.h"
#include "harness/config/config_hash.h"
#include "harness/config/sweep.h"
#include "harness/config/yaml_json.h"

namespace pgd::config {
namespace {

namespace fs = std::filesystem;

const fs::path kTree = fs::path(PATCHGD_SOURCE_DIR) / "experiments";
const fs::path kGolden =
    fs::path(PATCHGD_SOURCE_DIR) / "tests" / "config" / "golden" / "sweep_cell_hashes.txt";

std::vector<std::string> scales_of(const fs::path& file) {
  nlohmann::json doc = load_yaml_file(file);
  std::vector<std::string> scales = {"smoke", "mini", "paper"};
  if (doc.contains("scales") && doc["scales"].is_object()) {
    scales.clear();
    for (const auto& item : doc["scales"].items()) scales.push_back(item.key());
  }
  return scales;
}

// "<file> <scale> <cell index> <hash>", one line per cell, sorted; plus the default config.
std::map<std::string, std::string> current_hashes() {
  std::map<std::string, std::string> hashes;
  hashes["default - -"] = config_hash(compose_config(kTree, {}));
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kTree / "sweeps"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    for (const auto& scale : scales_of(file)) {
      SweepPlan plan = load_sweep(file, scale, {}, kTree);
      for (const auto& cell : plan.cells)
        hashes[file.filename().string() + " " + scale + " " + std::to_string(cell.index)] =
            cell.hash;
    }
  }
  return hashes;
}

std::map<std::string, std::string> read_golden() {
  std::map<std::string, std::string> golden;
  std::ifstream in(kGolden);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cut = line.rfind(' ');
    golden[line.substr(0, cut)] = line.substr(cut + 1);
  }
  return golden;
}

TEST(GoldenHashes, EverySweepCellKeepsItsConfigHash) {
  auto now = current_hashes();
  if (std::getenv("PATCHGD_UPDATE_GOLDEN")) {
    std::ofstream out(kGolden);
    out << "# <sweep file> <scale> <cell index> <config hash>: see "
           "tests/config/golden_hash_test.cpp\n";
    for (const auto& [key, hash] : now) out << key << " " << hash << "\n";
    GTEST_SKIP() << "rewrote " << kGolden;
  }
  auto golden = read_golden();
  ASSERT_FALSE(golden.empty()) << "no golden list at " << kGolden;
  for (const auto& [key, hash] : golden) {
    auto it = now.find(key);
    if (it == now.end()) {
      ADD_FAILURE() << key << ": cell no longer exists";
      continue;
    }
    EXPECT_EQ(it->second, hash) << key << ": config hash changed";
  }
  // A new sweep file, or a new cell of one, is fine: it only adds runs.
}

}  // namespace
}  // namespace pgd::config
