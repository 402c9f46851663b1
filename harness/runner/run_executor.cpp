#include "harness/runner/run_executor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <torch/torch.h>

#include "datasets/batch_loader.h"
#include "datasets/dataset.h"
#include "datasets/panda_dataset.h"
#include "harness/config/config_hash.h"
#include "harness/config/config_view.h"
#include "harness/memory/memory_cap.h"
#include "harness/memory/process_memory.h"
#include "harness/runner/batch_size_search.h"
#include "harness/runner/classification_metrics.h"
#include "harness/runner/config_validation.h"
#include "harness/runner/error_text.h"
#include "harness/runner/latency_meter.h"
#include "harness/runner/method_input.h"
#include "harness/runner/thread_count.h"
#include "methods/method.h"

namespace pgd::runner {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

torch::Device resolve_device(const nlohmann::json& config, spec::DeviceKind device) {
  if (device == spec::DeviceKind::Cpu) return torch::kCPU;
  if (!torch::cuda::is_available())
    config::ConfigView(config).fail("device", "'cpu': this build or machine has no CUDA device");
  return torch::Device(torch::kCUDA, 0);
}

void seed_everything(int64_t seed) {
  torch::manual_seed(static_cast<uint64_t>(seed));
  if (torch::cuda::is_available()) torch::cuda::manual_seed_all(static_cast<uint64_t>(seed));
}

// Summary of one pass over a split.
struct PassResult {
  double loss = 0, accuracy = 0, qwk = 0;
  std::vector<int64_t> labels, predicted;
  std::vector<std::string> ids;
};

// The run's mutable state, shared by its phases.
struct RunState {
  const nlohmann::json& config;
  const RunContext& ctx;
  spec::RunSpec spec;  // micro_batch in spec.method is the one in use once searched
  torch::Device device = torch::kCPU;
  int64_t seed = 0;
  std::unique_ptr<data::Dataset> train_set, val_set;
  std::unique_ptr<methods::Method> method;
  int64_t batch = 1, eval_batch = 1, epochs = 1;  // batch: `auto` resolved
  Clock::time_point last_heartbeat = Clock::now();
  bool primary_is_qwk = false;
  // PatchGD on a dataset that serves slides (dataset.stream): batches carry windows, not images,
  // and the method reads each patch from the slide. Reading times add up over the run.
  bool stream = false;
  SlidePatchSource::Stats stream_stats;
  // Wall time inside the method's training steps and prediction batches (loading excluded), for
  // runs too large to time twice (measure.latency repeats steps).
  double train_seconds = 0, predict_seconds = 0;
  int64_t train_steps = 0, predict_batches = 0;

  RunState(const nlohmann::json& c, const RunContext& x) : config(c), ctx(x) {}

  void check_stop() const {
    if (ctx.stop && ctx.stop->load()) throw RunCancelled();
  }
  void heartbeat() {
    if (seconds_since(last_heartbeat) < 10) return;
    ctx.store->heartbeat(ctx.run_id);
    last_heartbeat = Clock::now();
  }
  void message(const std::string& text) const {
    if (ctx.observer) ctx.observer->on_message(text);
  }
  // Every metric written, kept for checkpoints: a resumed attempt starts with an empty row
  // (claim_next clears it) and puts back the epochs its checkpoint covers.
  nlohmann::json history = nlohmann::json::array();
  std::vector<store::ResultStore::Prediction> best_predictions;  // the best epoch's, as stored

  void metric(int64_t epoch, const std::string& split, const std::string& name, double v) {
    ctx.store->add_metric(ctx.run_id, epoch, split, name, v);
    history.push_back({epoch, split, name, std::isnan(v) ? nlohmann::json() : nlohmann::json(v)});
  }
  void measurement(const std::string& name, double v, const std::string& unit) const {
    ctx.store->add_measurement(ctx.run_id, name, v, unit);
  }
};

std::unique_ptr<methods::Method> build_method(RunState& st) {
  seed_everything(st.seed);  // same initial weights whenever the method is rebuilt
  methods::MethodContext mctx;
  mctx.num_classes = st.train_set->num_classes();
  mctx.image_size = st.train_set->image_size();
  mctx.steps_per_epoch =
      std::max<int64_t>(1, static_cast<int64_t>((st.train_set->size() + st.batch - 1) / st.batch));
  const int64_t cap = st.spec.train.max_batches_per_epoch;
  if (cap > 0) mctx.steps_per_epoch = std::min(mctx.steps_per_epoch, cap);
  mctx.device = st.device;
  return methods::make_method(st.spec.method, mctx);
}

// Adds what an input's slides took to read to the run's totals.
void add_stream_stats(RunState& st, const MethodInput& input) {
  const auto s = input.stream_stats();
  st.stream_stats.read_seconds += s.read_seconds;
  st.stream_stats.wait_seconds += s.wait_seconds;
  st.stream_stats.read_ahead += s.read_ahead;
  st.stream_stats.read_directly += s.read_directly;
}

// One probe of a search under the cap: a fresh method (with the settings being tried in st.spec)
// trains two steps at `batch`. The steady state, not a fresh model's first step: from step two on,
// gradients and the optimizer's state are live through the forward pass, and the loader holds the
// next batch (its images and their stacked copy) while this one trains. Throws when it does not
// fit.
void probe_steady_state(RunState& st, int64_t batch) {
  auto method = build_method(st);
  const auto input = MethodInput::first_samples(*st.train_set, batch, st.stream);
  std::vector<torch::Tensor> next_batch;  // streamed: the loader holds no images
  if (input.images().defined())
    next_batch = {torch::empty_like(input.images()), torch::empty_like(input.images())};
  input.train(*method);
  input.train(*method);
}

// Resolves train.batch_size / train.micro_batch = auto by trying real steps under the cap.
void resolve_auto_batches(RunState& st) {
  const spec::TrainSpec& train = st.spec.train;
  const bool auto_batch = train.batch_size.automatic;
  const bool auto_micro = train.micro_batch.automatic;
  if (!auto_batch && !auto_micro) return;
  const int64_t upper = train.auto_batch_max;
  const int64_t limit = auto_batch ? upper : std::min(upper, train.batch_size.value);
  int64_t& micro = st.spec.method.micro_batch;
  if (auto_micro) micro = 0;
  // Training BatchNorm needs two values per channel, and the head's last map can be 1×1:
  // batch 1 is not a valid training batch for these models, so the search starts at 2.
  const int64_t lower = std::min<int64_t>(2, limit);
  const int64_t found = largest_fitting_batch(
      limit,
      [&](int64_t b) {
        st.check_stop();
        if (auto_batch)
          st.batch = b;
        else
          micro = b;
        probe_steady_state(st, auto_batch ? b : st.batch);
      },
      lower);
  if (found == 0)
    throw memory::OutOfMemoryError(
        "batch search: even a batch of " + std::to_string(lower) + " does not fit memory.cap", 0, 0,
        0);
  if (auto_batch)
    st.batch = found;
  else
    micro = found;
  st.measurement(auto_batch ? "auto_batch_size" : "auto_micro_batch", static_cast<double>(found),
                 "images");
  st.message("batch search: " + std::to_string(found) + " fits the cap");
}

// Resolves GD's method.input_size = auto: the largest side, a multiple of 32, whose training
// step fits the cap at the run's batch, by the same probes as the batch search. Records the side
// used (also when it was set by hand), so tables can show it.
void resolve_gd_input_size(RunState& st) {
  if (st.spec.method.kind != methods::MethodKind::Gd) return;
  int64_t& side = st.spec.method.gd.input_size;
  const int64_t image_side = st.train_set->image_size();
  if (st.spec.gd_input_size.automatic) {
    constexpr int64_t kStep = 32;  // the backbones' output stride
    const int64_t steps = std::max<int64_t>(1, image_side / kStep);
    const int64_t found = largest_fitting_batch(steps, [&](int64_t m) {
      st.check_stop();
      side = std::min(image_side, m * kStep);
      probe_steady_state(st, st.batch);
    });
    if (found == 0)
      throw memory::OutOfMemoryError(
          "input size search: even a side of " + std::to_string(std::min(image_side, kStep)) +
              " does not fit memory.cap at batch " + std::to_string(st.batch),
          0, 0, 0);
    side = std::min(image_side, found * kStep);
    st.message("input size search: " + std::to_string(side) + " px fits the cap");
  }
  if (side > 0 || st.spec.gd_input_size.automatic)
    st.measurement("input_size", static_cast<double>(side > 0 ? side : image_side), "px");
}

PassResult evaluate(RunState& st, const data::Dataset& ds, int64_t max_batches) {
  data::LoaderOptions lo;
  lo.batch_size = st.eval_batch;
  lo.max_batches = max_batches;
  lo.stream = st.stream;
  data::BatchLoader loader(ds, lo);
  loader.start_epoch(0);
  PassResult r;
  double loss_sum = 0;
  while (auto b = loader.next()) {
    st.check_stop();
    const MethodInput input(*b, ds.image_size());
    const auto t_predict = Clock::now();
    const torch::Tensor logits = input.predict(*st.method);
    add_stream_stats(st, input);
    st.predict_seconds += seconds_since(t_predict);
    ++st.predict_batches;
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, b->labels,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    torch::Tensor pred = logits.argmax(1);
    for (int64_t i = 0; i < pred.size(0); ++i) {
      r.labels.push_back(b->labels[i].item<int64_t>());
      r.predicted.push_back(pred[i].item<int64_t>());
      r.ids.push_back(ds.sample_id(b->indices[static_cast<size_t>(i)]));
    }
    st.heartbeat();
  }
  if (!r.labels.empty()) {
    r.loss = loss_sum / static_cast<double>(r.labels.size());
    r.accuracy = accuracy(r.labels, r.predicted);
    r.qwk = quadratic_weighted_kappa(r.labels, r.predicted, ds.num_classes());
  }
  return r;
}

// eval.bn_recalibration > 0: precise BatchNorm before an evaluation, over that many training
// batches of a shuffled order of its own (so the training order is not disturbed).
int64_t recalibrate_batchnorm(RunState& st, int64_t epoch) {
  const int64_t batches = st.spec.eval.bn_recalibration;
  if (batches <= 0) return 0;
  data::LoaderOptions lo;
  lo.batch_size = st.batch;
  lo.shuffle = true;
  lo.max_batches = batches;
  lo.seed = static_cast<uint64_t>(st.seed) ^ 0x7072656369736542ULL;  // "preciseB"
  // A last batch of one image cannot give BatchNorm a variance.
  lo.drop_last =
      st.train_set->size() % static_cast<size_t>(st.batch) == 1 && st.train_set->size() > 1;
  data::BatchLoader loader(*st.train_set, lo);
  loader.start_epoch(epoch);
  return st.method->recalibrate_batchnorm([&] {
    st.check_stop();
    st.heartbeat();
    auto b = loader.next();
    return b ? b->images : torch::Tensor();
  });
}

struct TrainPass {
  double loss = 0, accuracy = 0;
  int64_t images = 0;
};

TrainPass train_epoch(RunState& st, data::BatchLoader& loader, int64_t epoch,
                      Clock::time_point t_run, int64_t done_steps_before, int64_t total_steps) {
  loader.start_epoch(epoch);
  TrainPass tp;
  double loss_sum = 0;
  int64_t correct = 0, step = 0;
  const auto t0 = Clock::now();
  while (auto b = loader.next()) {
    st.check_stop();
    const MethodInput input(*b, st.train_set->image_size());
    const auto t_step = Clock::now();
    const methods::TrainStepResult r = input.train(*st.method);
    add_stream_stats(st, input);
    st.train_seconds += seconds_since(t_step);
    ++st.train_steps;
    if (!std::isfinite(r.loss))
      throw std::runtime_error("non-finite training loss (" + std::to_string(r.loss) +
                               ") at epoch " + std::to_string(epoch) + ", step " +
                               std::to_string(step));
    loss_sum += r.loss * static_cast<double>(r.count);
    correct += r.correct;
    tp.images += r.count;
    ++step;
    st.heartbeat();
    if (st.ctx.observer) {
      StepProgress p;
      p.epoch = epoch + 1;
      p.epochs = st.epochs;
      p.step = step;
      p.steps = loader.batches_per_epoch();
      p.loss = r.loss;
      p.images_per_s = static_cast<double>(tp.images) / std::max(1e-9, seconds_since(t0));
      const double done = static_cast<double>(done_steps_before + step);
      p.eta_s =
          seconds_since(t_run) / done * static_cast<double>(total_steps - done_steps_before - step);
      st.ctx.observer->on_step(p);
    }
  }
  if (tp.images > 0) {
    tp.loss = loss_sum / static_cast<double>(tp.images);
    tp.accuracy = static_cast<double>(correct) / static_cast<double>(tp.images);
  }
  return tp;
}

// Best-over-epochs bookkeeping (the paper reports the best validation value over epochs).
struct BestSoFar {
  double accuracy = -1, qwk = -2;
  int64_t epoch = -1;
  double last_accuracy = 0, last_qwk = 0;
};

void write_summary(RunState& st, const BestSoFar& best) {
  st.metric(-1, "val", "best_accuracy", best.accuracy);
  st.metric(-1, "val", "best_qwk", best.qwk);
  st.metric(-1, "val", "best_epoch", static_cast<double>(best.epoch));
  st.metric(-1, "val", "last_accuracy", best.last_accuracy);
  st.metric(-1, "val", "last_qwk", best.last_qwk);
}

// The best epoch's predictions replace the previous best's (one row per validation image).
void store_predictions(RunState& st, const PassResult& r) {
  std::vector<store::ResultStore::Prediction> preds;
  for (size_t i = 0; i < r.labels.size(); ++i)
    preds.push_back({r.ids[i], r.labels[i], r.predicted[i]});
  st.ctx.store->replace_predictions(st.ctx.run_id, "val", preds);
  st.best_predictions = std::move(preds);
}

// Checkpoint paths for resuming: <checkpoint_dir>/<config hash>.{pt,json}.
struct CheckpointFiles {
  fs::path model, state;
};

std::optional<CheckpointFiles> checkpoint_files(const RunState& st) {
  fs::path dir;
  if (!st.ctx.checkpoint_dir.empty())
    dir = st.ctx.checkpoint_dir;
  else if (st.spec.train.checkpoint_dir)
    dir = *st.spec.train.checkpoint_dir;
  else
    return std::nullopt;
  fs::create_directories(dir);
  const std::string h = config::config_hash(st.config);
  return CheckpointFiles{dir / (h + ".pt"), dir / (h + ".json")};
}

void save_checkpoint(const RunState& st, const CheckpointFiles& f, int64_t next_epoch,
                     const BestSoFar& best) {
  const fs::path tmp_model = f.model.string() + ".tmp", tmp_state = f.state.string() + ".tmp";
  st.method->save_checkpoint(tmp_model.string());
  nlohmann::json s = {{"next_epoch", next_epoch},
                      {"best_accuracy", best.accuracy},
                      {"best_qwk", best.qwk},
                      {"best_epoch", best.epoch},
                      {"last_accuracy", best.last_accuracy},
                      {"last_qwk", best.last_qwk},
                      {"metrics", st.history},
                      {"predictions", nlohmann::json::array()}};
  for (const auto& p : st.best_predictions)
    s["predictions"].push_back({p.sample_id, p.label, p.predicted});
  std::ofstream(tmp_state) << s.dump();
  fs::rename(tmp_model, f.model);  // the state file names the epoch the model file belongs to
  fs::rename(tmp_state, f.state);
}

// Puts back the metrics and best predictions the checkpoint's epochs wrote (this attempt's row
// started empty), so that a resumed run holds its whole history, as an uninterrupted one does.
void restore_results(RunState& st, const nlohmann::json& s) {
  if (s.contains("metrics") && s["metrics"].is_array())
    for (const auto& row : s["metrics"])
      st.metric(row.at(0).get<int64_t>(), row.at(1).get<std::string>(),
                row.at(2).get<std::string>(),
                row.at(3).is_null() ? std::nan("") : row.at(3).get<double>());
  if (s.contains("predictions") && s["predictions"].is_array() && !s["predictions"].empty()) {
    std::vector<store::ResultStore::Prediction> preds;
    for (const auto& p : s["predictions"])
      preds.push_back({p.at(0).get<std::string>(), p.at(1).get<int64_t>(), p.at(2).get<int64_t>()});
    st.ctx.store->replace_predictions(st.ctx.run_id, "val", preds);
    st.best_predictions = std::move(preds);
  }
}

int64_t load_checkpoint(RunState& st, const CheckpointFiles& f, BestSoFar& best) {
  if (!fs::exists(f.model) || !fs::exists(f.state)) return 0;
  std::ifstream in(f.state);
  nlohmann::json s = nlohmann::json::parse(in, nullptr, false);
  if (s.is_discarded() || !s.contains("next_epoch")) return 0;
  st.method->load_checkpoint(f.model.string());
  best.accuracy = s.value("best_accuracy", -1.0);
  best.qwk = s.value("best_qwk", -2.0);
  best.epoch = s.value("best_epoch", int64_t{-1});
  best.last_accuracy = s.value("last_accuracy", 0.0);
  best.last_qwk = s.value("last_qwk", 0.0);
  restore_results(st, s);
  st.message("resuming from checkpoint " + f.model.string() + " at epoch " +
             std::to_string(s["next_epoch"].get<int64_t>() + 1));
  return s["next_epoch"].get<int64_t>();
}

void measure_speed(RunState& st) {
  const spec::MeasureSpec& m = st.spec.measure;
  if (!m.latency) return;
  const int64_t warmup = m.warmup_steps, steps = m.steps;
  if (steps < 1) return;
  const auto train = MethodInput::first_samples(*st.train_set, st.batch, st.stream);
  const double train_s = median_seconds(
      warmup, steps,
      [&] {
        st.check_stop();
        train.train(*st.method);
      },
      st.device);
  const auto val = MethodInput::first_samples(*st.val_set, st.eval_batch, st.stream);
  const double infer_s = median_seconds(
      warmup, steps,
      [&] {
        st.check_stop();
        val.predict(*st.method);
      },
      st.device);
  const double b = static_cast<double>(st.batch), be = static_cast<double>(st.eval_batch);
  st.measurement("train_latency_ms", train_s * 1000.0 / b, "ms/image");
  st.measurement("train_throughput", b / train_s, "images/s");
  st.measurement("infer_latency_ms", infer_s * 1000.0 / be, "ms/image");
  st.measurement("infer_throughput", be / infer_s, "images/s");
}

BestSoFar train_and_evaluate(RunState& st) {
  const spec::TrainSpec& train = st.spec.train;
  const int64_t max_batches = train.max_batches_per_epoch;
  const int64_t every = st.spec.eval.every_epochs;
  BestSoFar best;
  int64_t start_epoch = 0;
  auto ckpt = checkpoint_files(st);
  if (ckpt) start_epoch = load_checkpoint(st, *ckpt, best);
  if (start_epoch == 0 && train.init_from) {
    st.method->load_weights(*train.init_from);
    st.message("warm start from " + *train.init_from);
  }

  data::LoaderOptions lo;
  lo.batch_size = st.batch;
  lo.shuffle = true;
  // A last batch of one image cannot train BatchNorm (one value per channel on a 1×1 map):
  // drop it then, and only then.
  lo.drop_last =
      st.train_set->size() % static_cast<size_t>(st.batch) == 1 && st.train_set->size() > 1;
  lo.max_batches = max_batches;
  lo.seed = static_cast<uint64_t>(st.seed);
  lo.stream = st.stream;
  data::BatchLoader loader(*st.train_set, lo);
  const auto t_run = Clock::now();

  for (int64_t epoch = start_epoch; epoch < st.epochs; ++epoch) {
    const auto t0 = Clock::now();
    const TrainPass tp =
        train_epoch(st, loader, epoch, t_run, loader.batches_per_epoch() * (epoch - start_epoch),
                    loader.batches_per_epoch() * (st.epochs - start_epoch));
    st.metric(epoch, "train", "loss", tp.loss);
    st.metric(epoch, "train", "accuracy", tp.accuracy);
    const bool last = epoch + 1 == st.epochs;
    if ((epoch + 1) % every == 0 || last) {
      const int64_t calibrated = recalibrate_batchnorm(st, epoch);
      if (calibrated > 0)
        st.metric(epoch, "train", "bn_recalibration_batches", static_cast<double>(calibrated));
      const PassResult vr = evaluate(st, *st.val_set, 0);
      st.metric(epoch, "val", "loss", vr.loss);
      st.metric(epoch, "val", "accuracy", vr.accuracy);
      st.metric(epoch, "val", "qwk", vr.qwk);
      const double primary = st.primary_is_qwk ? vr.qwk : vr.accuracy;
      const double best_primary = st.primary_is_qwk ? best.qwk : best.accuracy;
      if (primary > best_primary || best.epoch < 0) {
        best.epoch = epoch;
        store_predictions(st, vr);
      }
      best.accuracy = std::max(best.accuracy, vr.accuracy);
      best.qwk = std::max(best.qwk, vr.qwk);
      best.last_accuracy = vr.accuracy;
      best.last_qwk = vr.qwk;
      if (st.ctx.observer)
        st.ctx.observer->on_epoch({epoch + 1, st.epochs, tp.loss, tp.accuracy, vr.loss, vr.accuracy,
                                   vr.qwk, seconds_since(t0)});
    }
    if (ckpt) save_checkpoint(st, *ckpt, epoch + 1, best);
  }
  write_summary(st, best);
  if (ckpt && !st.ctx.checkpoint_dir.empty()) {  // sweep-managed: only needed until done
    std::error_code ec;
    fs::remove(ckpt->model, ec);
    fs::remove(ckpt->state, ec);
  }
  return best;
}

void prepare(RunState& st) {
  // The CLI validated already; direct callers (tests, embedders) get the same checks here.
  st.spec = validate_config(st.config, /*check_model=*/false);
  const spec::RunSpec& spec = st.spec;
  torch::set_num_threads(static_cast<int>(resolve_thread_count(spec.threads)));
  memory::keep_freed_heap_for_reuse();  // a refusal costs speed only
  st.device = resolve_device(st.config, spec.device);
  st.seed = spec.seed;
  st.epochs = spec.train.epochs;
  st.batch = spec.train.batch_size.automatic ? 1 : spec.train.batch_size.value;

  const data::DatasetOptions& dataset = spec.dataset;
  st.primary_is_qwk = dataset.name == "panda";
  const auto* panda = std::get_if<data::PandaOptions>(&dataset.source);
  st.stream = panda && panda->stream && spec.method.kind == methods::MethodKind::PatchGd;
  st.message("dataset " + dataset.name + " at " + std::to_string(dataset.image_size()) + " px");
  st.train_set = data::make_dataset(dataset, data::Split::Train, static_cast<uint64_t>(st.seed));
  st.val_set = data::make_dataset(dataset, data::Split::Val, static_cast<uint64_t>(st.seed));
  if (st.train_set->size() == 0 || st.val_set->size() == 0)
    throw data::DataError("dataset '" + dataset.name + "' has an empty split (train " +
                          std::to_string(st.train_set->size()) + ", val " +
                          std::to_string(st.val_set->size()) + " samples)");
}

void finish_measurements(RunState& st, const memory::MemoryCap& cap) {
  st.measurement("peak_memory", static_cast<double>(cap.peak_bytes()), "bytes");
  if (st.train_steps > 0)
    st.measurement("train_step_s", st.train_seconds / static_cast<double>(st.train_steps), "s");
  if (st.predict_batches > 0)
    st.measurement("predict_batch_s", st.predict_seconds / static_cast<double>(st.predict_batches),
                   "s");
  if (st.stream) {
    // Reading happens on the reader thread, overlapping compute; wait is compute stalled on it.
    st.measurement("stream_read_s", st.stream_stats.read_seconds, "s");
    st.measurement("stream_wait_s", st.stream_stats.wait_seconds, "s");
  }
  // Beside the cap's count: what lives outside LibTorch's allocator (see process_memory.h).
  if (const uint64_t rss = memory::peak_resident_bytes())
    st.measurement("peak_rss", static_cast<double>(rss), "bytes");
  if (cap.cap()) st.measurement("memory_cap", static_cast<double>(*cap.cap()), "bytes");
}

}  // namespace

RunOutcome execute_run(const nlohmann::json& config, const RunContext& ctx) {
  RunState st(config, ctx);
  RunOutcome out;
  std::optional<memory::MemoryCap> cap;
  try {
    memory::reset_peak_resident();  // this run's peak, not an earlier run's in this process
    prepare(st);
    memory::install_capping_cpu_allocator();
    cap.emplace(st.spec.memory_cap, st.device);
    resolve_auto_batches(st);
    resolve_gd_input_size(st);
    st.measurement("batch_size", static_cast<double>(st.batch),
                   "images");  // as used, `auto` resolved
    st.eval_batch = st.spec.eval.batch_size > 0 ? st.spec.eval.batch_size : st.batch;
    st.method = build_method(st);
    st.measurement("parameters", static_cast<double>(st.method->parameter_count()), "count");
    const BestSoFar best = train_and_evaluate(st);
    out.best_accuracy = best.accuracy;
    out.best_qwk = best.qwk;
    measure_speed(st);
    finish_measurements(st, *cap);
    out.status = store::RunStatus::Done;
  } catch (const RunCancelled& e) {
    out.status = store::RunStatus::Cancelled;
    out.error = e.what();
  } catch (const std::exception& e) {
    out.status = memory::is_out_of_memory(e) ? store::RunStatus::Oom : store::RunStatus::Failed;
    out.error = error_text(e);
  }
  st.method.reset();  // release the model before reading the final peak
  if (cap) {
    out.peak_bytes = cap->peak_bytes();
    if (out.status != store::RunStatus::Done) {
      try {
        finish_measurements(st, *cap);
      } catch (const std::exception&) {
        // the store error is reported by finish_run below if it persists
      }
    }
  }
  ctx.store->finish_run(ctx.run_id, out.status, out.error);
  return out;
}

}  // namespace pgd::runner
