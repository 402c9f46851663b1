#include "harness/cli/cli_common.h"

#include <filesystem>
#include <iostream>

#include "datasets/dataset.h"
#include "harness/config/config_error.h"
#include "harness/store/result_store.h"

namespace pgd::cli {

bool parse_or_help(cxxopts::Options& opts, int argc, char** argv, cxxopts::ParseResult& out) {
  opts.add_options()("h,help", "show this help");
  try {
    out = opts.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(std::string(e.what()) + "\n" + opts.help());
  }
  if (out.count("help")) {
    std::cout << opts.help() << std::endl;
    return true;
  }
  return false;
}

void add_db_option(cxxopts::Options& opts) {
  opts.add_options()("db", "results database (SQLite)",
                     cxxopts::value<std::string>()->default_value("results/results.db"));
}

std::string db_path(const cxxopts::ParseResult& r) {
  const std::filesystem::path p = r["db"].as<std::string>();
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);  // the store reports what fails
  }
  return p.string();
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << "patchgd: " << e.what() << std::endl;
    return kUsage;
  } catch (const config::ConfigError& e) {
    std::cerr << "patchgd: config error: " << e.what() << std::endl;
    return kUsage;
  } catch (const store::StoreError& e) {
    std::cerr << "patchgd: results database error: " << e.what() << std::endl;
    return kStore;
  } catch (const data::DataError& e) {
    std::cerr << "patchgd: data error: " << e.what() << std::endl;
    return kData;
  } catch (const std::exception& e) {
    std::cerr << "patchgd: error: " << e.what() << std::endl;
    return kOther;
  }
}

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
  return out;
}

}  // namespace pgd::cli
