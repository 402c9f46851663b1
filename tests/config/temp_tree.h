#pragma once
// A throwaway folder for tests that need config files on disk; removed with the object.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace pgd::config::testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pgd_config_XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::filesystem::path& root() const { return root_; }

  // Writes `text` to root/relative, creating folders; returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    std::filesystem::path file = root_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::filesystem::path root_;
};

// A small config tree shaped like experiments/: two groups in the defaults, one group folder
// that the defaults leave out, and `_types` for polymorphic keys.
inline void write_sample_tree(const TempTree& t) {
  t.write("config.yaml", R"(# root
defaults:
  - dataset: small
  - method: patchgd

_types:
  train.batch_size: [int, auto]
  train.init_from: [null, string]
  train.scale: [float]

seed: 42
threads: 0
train:
  epochs: 10
  lr: 1.0e-3
  batch_size: 32
  init_from: null
  name: run
  flags: [a, b]
  enabled: true
  scale: 1.5
  nested:
    depth:
      value: 1
)");
  t.write("dataset/small.yaml", "name: small\nimage_size: 64\nweights: [1, 2]\ncache: null\n");
  t.write("dataset/large.yaml", "name: large\nimage_size: 512\nweights: [3]\ncache: null\n");
  t.write("dataset/larger.yaml", "name: larger\nimage_size: 1024\nweights: [4]\ncache: null\n");
  t.write("method/patchgd.yaml", "name: patchgd\nsampling_fraction: 0.125\npatch_size: 32\n");
  t.write("method/gd.yaml", "name: gd\nclassifier: head\n");
  t.write("extra/one.yaml", "value: 1\n");
}

}  // namespace pgd::config::testing
