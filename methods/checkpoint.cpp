#include "methods/checkpoint.h"

#include <filesystem>
#include <functional>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace pgd::methods {
namespace {

// Visits every parameter and buffer of `module` with its dotted name and the tensor found for
// it in `archive` (undefined when absent), following Module::save's nesting.
// `target` shares the model tensor's storage (copy_ into it writes the model).
using Visitor = std::function<void(const std::string& name, const torch::Tensor& target,
                                   const torch::Tensor& found)>;

void visit(torch::nn::Module& module, torch::serialize::InputArchive* archive,
           const std::string& prefix, const Visitor& fn) {
  for (auto& item : module.named_parameters(/*recurse=*/false)) {
    torch::Tensor found;
    if (archive && !archive->try_read(item.key(), found)) found = torch::Tensor();
    fn(prefix + item.key(), item.value(), found);
  }
  for (auto& item : module.named_buffers(/*recurse=*/false)) {
    torch::Tensor found;
    if (archive && !archive->try_read(item.key(), found, /*is_buffer=*/true))
      found = torch::Tensor();
    fn(prefix + item.key(), item.value(), found);
  }
  for (auto& child : module.named_children()) {
    torch::serialize::InputArchive sub;
    const bool has = archive && archive->try_read(child.key(), sub);
    visit(*child.value(), has ? &sub : nullptr, prefix + child.key() + ".", fn);
  }
}

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream os;
  os << t.sizes();
  return os.str();
}

void copy_into(torch::Tensor target, const torch::Tensor& source) {
  torch::NoGradGuard no_grad;
  target.copy_(source);
}

[[noreturn]] void throw_offenders(const std::string& path, const std::string& what,
                                  const std::vector<std::string>& offenders) {
  std::ostringstream os;
  os << "checkpoint '" << path << "': " << what << " (" << offenders.size() << "): ";
  for (size_t i = 0; i < offenders.size() && i < 5; ++i) os << (i ? "; " : "") << offenders[i];
  if (offenders.size() > 5) os << "; ...";
  throw std::runtime_error(os.str());
}

torch::serialize::InputArchive open_archive(const std::string& path, torch::Device device) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const c10::Error& e) {
    throw std::runtime_error("cannot read checkpoint '" + path +
                             "': " + e.what_without_backtrace());
  }
  return archive;
}

// The process's default CPU generator draws what the method does not draw from its own one
// (dropout masks): a resumed run must continue its sequence, or it is not the run it replaces.
torch::Tensor default_cpu_generator_state() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

void set_default_cpu_generator_state(const torch::Tensor& state) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state.to(torch::kCPU));
}

}  // namespace

void write_checkpoint(const std::string& path, const torch::nn::Module& model,
                      const ScheduledAdam& optimizer, const torch::Tensor& rng_state) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  torch::serialize::OutputArchive optimizer_archive;
  optimizer.save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  if (rng_state.defined()) archive.write("rng_state", rng_state);
  archive.write("global_rng_state", default_cpu_generator_state());
  // Written beside and renamed, so a run killed mid-write keeps its previous checkpoint.
  const std::string partial = path + ".partial";
  archive.save_to(partial);
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) throw std::runtime_error("cannot write checkpoint '" + path + "': " + ec.message());
}

torch::Tensor read_checkpoint(const std::string& path, torch::nn::Module& model,
                              ScheduledAdam& optimizer, torch::Device device) {
  auto archive = open_archive(path, device);
  torch::serialize::InputArchive model_archive;
  if (!archive.try_read("model", model_archive))
    throw std::runtime_error("checkpoint '" + path + "' holds no model");
  std::vector<std::string> offenders;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;  // (model tensor, file tensor)
  visit(model, &model_archive, "",
        [&](const std::string& name, const torch::Tensor& target, const torch::Tensor& found) {
          if (!found.defined())
            offenders.push_back(name + " missing");
          else if (found.sizes() != target.sizes())
            offenders.push_back(name + " is " + shape_text(found) + ", model has " +
                                shape_text(target));
          else
            copies.emplace_back(target, found);
        });
  if (!offenders.empty())
    throw_offenders(path, "does not fit this model (another configuration?)", offenders);
  for (auto& [target, source] : copies) copy_into(target, source);

  torch::serialize::InputArchive optimizer_archive;
  if (!archive.try_read("optimizer", optimizer_archive))
    throw std::runtime_error("checkpoint '" + path + "' holds no optimizer state");
  optimizer.load(optimizer_archive);

  torch::Tensor global_state;
  if (archive.try_read("global_rng_state", global_state))
    set_default_cpu_generator_state(global_state);
  torch::Tensor rng_state;
  if (!archive.try_read("rng_state", rng_state)) rng_state = torch::Tensor();
  return rng_state;
}

WeightLoadReport read_weights(const std::string& path, torch::nn::Module& model,
                              const std::string& required_prefix) {
  auto archive = open_archive(path, torch::kCPU);
  torch::serialize::InputArchive model_archive;
  if (!archive.try_read("model", model_archive))
    throw std::runtime_error("checkpoint '" + path + "' holds no model");
  WeightLoadReport report;
  std::vector<std::string> offenders;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;  // (model tensor, file tensor)
  int64_t required_found = 0;
  visit(model, &model_archive, "",
        [&](const std::string& name, const torch::Tensor& target, const torch::Tensor& found) {
          const bool required = name.compare(0, required_prefix.size(), required_prefix) == 0;
          const bool fits = found.defined() && found.sizes() == target.sizes();
          if (required && found.defined()) ++required_found;
          if (fits) {
            copies.emplace_back(target, found);
            report.loaded.push_back(name);
          } else if (required) {
            offenders.push_back(found.defined() ? name + " is " + shape_text(found) +
                                                      ", model has " + shape_text(target)
                                                : name + " missing");
          } else {
            report.skipped.push_back(name);
          }
        });
  if (required_found == 0)
    throw std::runtime_error("checkpoint '" + path + "': no tensor under '" + required_prefix +
                             "' matches this model (a checkpoint of another backbone?)");
  if (!offenders.empty())
    throw_offenders(path, "'" + required_prefix + "' tensors do not fit this model", offenders);
  for (auto& [target, source] : copies) copy_into(target, source);
  return report;
}

}  // namespace pgd::methods
