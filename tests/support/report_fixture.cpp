#include "tests/support/report_fixture.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace pgd::testing {
namespace {

using nlohmann::json;

constexpr double kMiB = 1048576.0;

// Deterministic noise in [-0.5, 0.5): the same fixture every time.
double jitter(int a, int b) {
  const double v = std::sin(a * 12.9898 + b * 78.233) * 43758.5453;
  return v - std::floor(v) - 0.5;
}

json base_config(const std::string& method, const std::string& dataset, int side,
                 const std::string& cap) {
  return {{"method", {{"name", method}, {"patch_size", 16}, {"sampling_fraction", 0.25}}},
          {"backbone", {{"name", "resnet18"}, {"width", 0.25}}},
          {"dataset", {{"name", dataset}, {"image_size", side}}},
          {"memory", {{"cap", cap}}},
          {"head", {{"channels", 256}, {"latent_dim", 256}}},
          {"train",
           {{"batch_size", method == "gd" && cap != "none" ? json("auto") : json(32)},
            {"lr", 0.001},
            {"epochs", 15}}},
          {"device", "cpu"}};
}

// The memory and latency sweeps: synthetic images, batch 2, one epoch.
json measure_config(const std::string& method, int side, const std::string& cap) {
  json c = base_config(method, "synthetic", side, cap);
  c["train"]["batch_size"] = 2;
  c["train"]["epochs"] = 1;
  return c;
}

class Builder {
 public:
  Builder(store::ResultStore& db, const ReportFixtureOptions& opt) : db_(db), opt_(opt) {}

  int64_t sweep(const std::string& name) {
    const json spec = {{"name", name}, {"table", name}, {"scale", "default"}};
    sweep_ =
        db_.ensure_sweep(name, "experiments/sweeps/" + name + ".yaml", spec, name + "-default");
    cell_ = 0;
    return sweep_;
  }

  // Adds a run of the current sweep, claims it and records how it ended.
  int64_t run(json config, int seed, const std::string& status, double minutes,
              const std::string& error = "") {
    config["seed"] = seed;
    const int64_t cell = cell_++;
    const int64_t id = db_.ensure_run(
        sweep_, cell, config, "h" + std::to_string(sweep_) + "-" + std::to_string(cell), seed);
    store::Provenance prov = provenance(id);
    const auto claimed = db_.claim_next(sweep_, "bookworm:4242", prov, false);
    if (!claimed || claimed->id != id) throw std::logic_error("fixture: claimed the wrong run");
    finish(id, status, minutes, error);
    return id;
  }

  int64_t single_run(json config, int seed, double minutes) {
    config["seed"] = seed;
    const int64_t id = db_.start_single_run(config, "single-" + std::to_string(seed), seed,
                                            "bookworm:4243", provenance(0));
    finish(id, "done", minutes, "");
    return id;
  }

  // Validation and training curves rising to `last` (a fraction) over the epochs; the summary
  // rows (epoch -1) as the runner writes them.
  void curves(int64_t id, double last, double chance = 0.1) {
    double best = -1;
    int best_epoch = 0;
    const int n = opt_.epochs;
    for (int e = 0; e < n; ++e) {
      const double t = static_cast<double>(e + 1) / n;
      const double shape = (1 - std::exp(-4 * t)) / (1 - std::exp(-4.0));
      double val = chance + (last - chance) * shape + 0.03 * jitter(static_cast<int>(id), e);
      if (e == n - 1) val = last;
      val = std::clamp(val, 0.0, 1.0);
      const double train = std::min(1.0, val + 0.04 * t + 0.01 * jitter(e, static_cast<int>(id)));
      db_.add_metric(id, e, "val", "accuracy", val);
      db_.add_metric(id, e, "train", "accuracy", train);
      db_.add_metric(id, e, "train", "loss", 2.3 * (1 - train) + 0.05);
      db_.add_metric(id, e, "val", "loss", 2.3 * (1 - val) + 0.12);
      if (val > best) best = val, best_epoch = e;
    }
    for (const auto& [name, v] : std::map<std::string, double>{
             {"best_accuracy", best}, {"best_epoch", best_epoch}, {"last_accuracy", last}})
      db_.add_metric(id, -1, "val", name, v);
  }

  void measure(int64_t id, const std::map<std::string, double>& values) {
    for (const auto& [name, v] : values) db_.add_measurement(id, name, v, "");
  }

  // One run's last epoch: the mean plus seeded noise of `spread` (a fraction).
  double noisy(double mean, double spread, int seed, int salt) const {
    return std::clamp(mean + spread * jitter(seed, salt), 0.0, 1.0);
  }
  int seeds() const { return opt_.seeds; }

 private:
  store::Provenance provenance(int64_t id) const {
    store::Provenance p;
    p.git_commit = "029db8e4c1a7f3b2d6e9a0c5b8f1e4d7a2c6b9e3";
    p.git_dirty = id % 17 == 5;  // one or two runs from a dirty tree, as happens
    p.host = "bookworm";
    p.cpu_model = "Intel(R) Xeon(R) CPU @ 2.20GHz";
    p.torch_version = "1.13.1";
    p.threads = 1;
    p.patchgd_version = "0.1.0";
    return p;
  }

  // Ends the run and gives it a plausible start and finish (the store stamps "now").
  void finish(int64_t id, const std::string& status, double minutes, const std::string& error) {
    db_.finish_run(id, store::stored_status(status), error);
    const int start = clock_s_ + 2;  // a claim takes a moment
    clock_s_ = start + static_cast<int>(minutes * 60);
    db_.query(
        "UPDATE runs SET started_at = strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-02T08:00:00', '+" +
        std::to_string(start) +
        " seconds'), finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
        "'2026-12-02T08:00:00', '+" +
        std::to_string(clock_s_) + " seconds') WHERE id = " + std::to_string(id));
  }

  store::ResultStore& db_;
  const ReportFixtureOptions& opt_;
  int64_t sweep_ = 0, cell_ = 0;
  int clock_s_ = 0;
};

void needle(Builder& b, ReportFixture& f) {
  b.sweep("needle");
  for (const std::string cap : {"52MB", "none"})
    for (const std::string method : {"gd", "patchgd"})
      for (int seed = 1; seed <= b.seeds(); ++seed) {
        const json cfg = base_config(method, "ultramnist-needle", 64, cap);
        if (method == "patchgd" && cap == "52MB") {
          const int64_t id = b.run(cfg, seed, "oom", 0.4,
                                   "out of memory: allocating 3.0 MiB would exceed the 52 MB cap "
                                   "(51.3 MiB live) in PatchGD's first inner step");
          b.measure(id, {{"peak_memory", 51.3 * kMiB}, {"memory_cap", 52e6}});
          f.oom_run = f.oom_run ? f.oom_run : id;
          continue;
        }
        const bool gd = method == "gd", capped = cap != "none";
        const double mean = gd ? (capped ? 0.488 : 0.870) : 0.798;
        const double minutes = gd ? (capped ? 5.2 : 1.4) : 5.0;
        const int64_t id = b.run(cfg, seed, "done", minutes);
        b.curves(id, b.noisy(mean, gd && capped ? 0.45 : 0.03, seed, capped ? 1 : 2));
        const double batch = gd && capped ? 4 : 32;
        b.measure(id, {{"peak_memory", (gd ? (capped ? 51.4 : 69.0) : 64.0) * kMiB},
                       {"batch_size", batch},
                       {"parameters", gd ? 2.77e6 : 3.10e6}});
        if (gd && capped) b.measure(id, {{"auto_batch_size", 4}, {"memory_cap", 52e6}});
        if (gd && !capped) f.done_run = f.done_run ? f.done_run : id;
      }
}

void needle_resolution(Builder& b, ReportFixture& f) {
  b.sweep("needle-resolution");
  const std::map<int, double> accuracy = {{64, 0.870}, {32, 0.739}, {16, 0.480}};
  for (const int side : {64, 32, 16})
    for (int seed = 1; seed <= b.seeds(); ++seed) {
      const int64_t id = b.run(base_config("gd", "ultramnist-needle", side, "none"), seed, "done",
                               side == 64   ? 1.4
                               : side == 32 ? 0.9
                                            : 0.7);
      b.curves(id, b.noisy(accuracy.at(side), 0.06, seed, side));
      b.measure(id, {{"peak_memory", (20.0 + side * 0.7) * kMiB}, {"batch_size", 32}});
    }
  json cfg = base_config("gd", "ultramnist-needle", 8, "none");
  std::string error =
      "config error: dataset.image_size=8 is smaller than the backbone's total "
      "stride (32): the last feature map would be empty";
  if (!f.hostile.empty()) {
    cfg["train"]["note"] = f.hostile;
    error += " " + f.hostile;
  }
  f.failed_run = b.run(cfg, 1, "failed", 0.1, error);
}

void memory_scaling(Builder& b) {
  b.sweep("memory-scaling");
  const std::map<int, double> gd = {{64, 52}, {128, 60}, {256, 95}, {512, 232}};
  const std::map<int, double> patchgd = {{64, 63}, {128, 65}, {256, 70}, {512, 81}, {1024, 118}};
  for (const auto& [side, mib] : gd) {
    const int64_t id = b.run(measure_config("gd", side, "256MB"), 1, "done", 0.2);
    b.measure(id, {{"peak_memory", mib * kMiB}, {"batch_size", 2}});
  }
  const int64_t oom = b.run(measure_config("gd", 1024, "256MB"), 1, "oom", 0.1,
                            "out of memory: allocating 64.0 MiB would exceed the 256 MB cap");
  b.measure(oom, {{"peak_memory", 243.9 * kMiB}});
  for (const auto& [side, mib] : patchgd) {
    json cfg = measure_config("patchgd", side, "256MB");
    cfg["method"]["patch_size"] = 32;
    const int64_t id = b.run(cfg, 1, "done", 0.3);
    b.measure(id, {{"peak_memory", mib * kMiB}, {"batch_size", 2}});
  }
}

void latency(Builder& b) {
  b.sweep("latency");
  const std::map<int, double> gd_ms = {{64, 3.1}, {128, 9.4}, {256, 34.8}};
  for (const auto& [side, ms] : gd_ms)
    for (const std::string method : {"gd", "patchgd"})
      for (int seed = 1; seed <= b.seeds(); ++seed) {
        const double factor = method == "gd" ? 1.0 : 4.86;
        const double train = ms * factor * (1 + 0.08 * jitter(seed, side));
        const double infer = ms * (method == "gd" ? 0.33 : 0.6) * (1 + 0.08 * jitter(side, seed));
        const int64_t id = b.run(measure_config(method, side, "none"), seed, "done", 0.2);
        b.measure(id, {{"train_latency_ms", train},
                       {"infer_latency_ms", infer},
                       {"train_throughput", 1000 / train},
                       {"infer_throughput", 1000 / infer},
                       {"peak_memory", (method == "gd" ? 40.0 + side * 0.2 : 60.0) * kMiB}});
      }
}

}  // namespace

ReportFixture build_report_fixture(store::ResultStore& db, const ReportFixtureOptions& opt) {
  if (opt.seeds < 1 || opt.epochs < 1) throw std::invalid_argument("fixture: seeds, epochs >= 1");
  ReportFixture f;
  if (opt.hostile_text) f.hostile = "<script>alert(\"pwned\")</script>&<b>bold</b>";
  Builder b(db, opt);
  needle(b, f);
  needle_resolution(b, f);
  memory_scaling(b);
  latency(b);
  f.single_run = b.single_run(base_config("patchgd", "ultramnist-needle", 64, "none"), 7, 4.8);
  b.curves(f.single_run, 0.76);
  for (const auto& r : db.runs()) f.runs.push_back(r.id);
  std::sort(f.runs.begin(), f.runs.end());
  return f;
}

}  // namespace pgd::testing
