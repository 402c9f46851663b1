#include "datasets/batch_loader.h"

#include <atomic>
#include <exception>
#include <stdexcept>
#include <thread>

#include <torch/torch.h>

#include "datasets/sample_rng.h"

namespace pgd::data {
namespace {

// Thrown inside the worker when the loader is torn down mid-batch; never leaves the loader.
struct Cancelled {};

}  // namespace

struct BatchLoader::State {
  State(const Dataset& d, LoaderOptions o) : dataset(d), options(o) {}

  const Dataset& dataset;
  LoaderOptions options;
  std::vector<size_t> order;  // this epoch's sample order
  bool started = false;
  int64_t num_batches = 0;
  int64_t next_batch = 0;  // the batch next() hands out; the worker is making it

  // One batch ahead: the worker makes batch `next_batch` while the caller trains on the
  // previous one. The result slots are written by the worker and read only after join().
  std::thread worker;
  std::optional<Batch> result;
  std::exception_ptr error;
  std::atomic<bool> cancel{false};

  void stop() {
    cancel = true;
    if (worker.joinable()) worker.join();
    cancel = false;
    result.reset();
    error = nullptr;
  }

  void launch(int64_t b) {
    result.reset();
    error = nullptr;
    worker = std::thread([this, b] {
      try {
        result = make(b);
      } catch (const Cancelled&) {
        // the loader is stopping: nothing to report
      } catch (...) {
        error = std::current_exception();
      }
    });
  }

  Batch make(int64_t b) {
    const size_t n = order.size();
    const size_t bs = static_cast<size_t>(options.batch_size);
    const size_t begin = static_cast<size_t>(b) * bs;
    const size_t end = std::min(n, begin + bs);
    const int64_t s = dataset.image_size();
    Batch batch;
    batch.indices.assign(order.begin() + static_cast<std::ptrdiff_t>(begin),
                         order.begin() + static_cast<std::ptrdiff_t>(end));
    const int64_t count = static_cast<int64_t>(batch.indices.size());
    batch.labels = torch::empty({count}, torch::kInt64);  // B
    auto labels = batch.labels.accessor<int64_t, 1>();
    if (options.stream) {
      for (int64_t k = 0; k < count; ++k) {
        if (cancel) throw Cancelled{};
        const size_t idx = batch.indices[static_cast<size_t>(k)];
        batch.windows.push_back(stream_window(dataset, idx));
        labels[k] = dataset.label(idx);
      }
      return batch;
    }
    batch.images = torch::empty({count, 3, s, s}, torch::kFloat32);  // B×3×S×S
    for (int64_t k = 0; k < count; ++k) {
      if (cancel) throw Cancelled{};
      const size_t idx = batch.indices[static_cast<size_t>(k)];
      torch::Tensor img = dataset.image(idx);  // 3×S×S float32
      if (img.dim() != 3 || img.size(0) != 3 || img.size(1) != s || img.size(2) != s ||
          img.scalar_type() != torch::kFloat32)
        throw DataError("sample '" + dataset.sample_id(idx) + "': image has shape " +
                        c10::str(img.sizes()) + " and type " +
                        std::string(c10::toString(img.scalar_type())) + ", expected [3, " +
                        std::to_string(s) + ", " + std::to_string(s) + "] float32");
      batch.images[k].copy_(img);
      labels[k] = dataset.label(idx);
    }
    return batch;
  }
};

BatchLoader::BatchLoader(const Dataset& dataset, LoaderOptions options)
    : state_(std::make_unique<State>(dataset, options)) {
  if (options.batch_size < 1)
    throw std::invalid_argument("BatchLoader: batch_size must be >= 1, got " +
                                std::to_string(options.batch_size));
  if (options.max_batches < 0)
    throw std::invalid_argument("BatchLoader: max_batches must be >= 0, got " +
                                std::to_string(options.max_batches));
}

BatchLoader::~BatchLoader() { state_->stop(); }

int64_t BatchLoader::batches_per_epoch() const {
  const int64_t n = static_cast<int64_t>(state_->dataset.size());
  const int64_t bs = state_->options.batch_size;
  int64_t batches = state_->options.drop_last ? n / bs : (n + bs - 1) / bs;
  if (state_->options.max_batches > 0) batches = std::min(batches, state_->options.max_batches);
  return batches;
}

void BatchLoader::start_epoch(int64_t epoch) {
  State& st = *state_;
  st.stop();
  const size_t n = st.dataset.size();
  st.order.resize(n);
  for (size_t i = 0; i < n; ++i) st.order[i] = i;
  if (st.options.shuffle && n > 1) {
    // Fisher–Yates over our own portable draws: the same (seed, epoch) gives the same order on
    // every platform.
    std::mt19937_64 rng =
        make_sample_rng(st.options.seed, RngDomain::Shuffle, 0, static_cast<uint64_t>(epoch));
    for (size_t i = n - 1; i > 0; --i) std::swap(st.order[i], st.order[uniform_below(rng, i + 1)]);
  }
  st.num_batches = batches_per_epoch();
  st.next_batch = 0;
  st.started = true;
  if (st.num_batches > 0) st.launch(0);
}

std::optional<Batch> BatchLoader::next() {
  State& st = *state_;
  if (!st.started) throw std::logic_error("BatchLoader::next called before start_epoch");
  if (st.next_batch >= st.num_batches) return std::nullopt;
  st.worker.join();
  std::optional<Batch> batch = std::move(st.result);
  std::exception_ptr error = st.error;
  st.result.reset();
  st.error = nullptr;
  if (error) {
    st.next_batch = st.num_batches;  // the epoch ends at the first data error
    std::rethrow_exception(error);
  }
  ++st.next_batch;
  if (st.next_batch < st.num_batches) st.launch(st.next_batch);
  return batch;
}

}  // namespace pgd::data
