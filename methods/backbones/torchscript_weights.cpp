// load_torchscript_weights: copy parameters and buffers by dotted name from a TorchScript file
// (torch.jit.script(torchvision_model).save(path), or torch::save of one of our modules).
#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <torch/script.h>
#include <torch/torch.h>

#include "methods/backbones/backbone.h"

namespace pgd::backbones {

namespace detail {
namespace {

constexpr size_t kMaxListedOffenders = 10;

bool has_prefix(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const auto& prefix : prefixes) {
    if (name.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

torch::jit::Module load_module(const std::string& path) {
  if (!std::ifstream(path, std::ios::binary).good()) {
    throw std::runtime_error("TorchScript weights '" + path + "': file cannot be opened");
  }
  try {
    return torch::jit::load(path, torch::Device(torch::kCPU));
  } catch (const c10::Error& e) {
    throw std::runtime_error("TorchScript weights '" + path +
                             "': not a readable TorchScript archive (" +
                             e.what_without_backtrace() + ")");
  }
}

}  // namespace
}  // namespace detail

void load_torchscript_weights(torch::nn::Module& model, const std::string& path,
                              const std::vector<std::string>& skip_prefixes) {
  torch::jit::Module source = detail::load_module(path);

  std::unordered_map<std::string, torch::Tensor> available;
  for (const auto& p : source.named_parameters(/*recurse=*/true)) available[p.name] = p.value;
  for (const auto& b : source.named_buffers(/*recurse=*/true)) available[b.name] = b.value;

  // Pair every target with its source first, so a bad file leaves the model untouched.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
  std::vector<std::string> offenders;
  size_t offender_count = 0;
  auto visit = [&](const std::string& name, const torch::Tensor& target) {
    if (detail::has_prefix(name, skip_prefixes)) return;
    auto it = available.find(name);
    std::string problem;
    if (it == available.end()) {
      problem = name + " " + c10::str(target.sizes()) + ": missing from the file";
    } else if (it->second.sizes() != target.sizes()) {
      problem =
          name + ": model " + c10::str(target.sizes()) + ", file " + c10::str(it->second.sizes());
    } else {
      copies.emplace_back(target, it->second);
      return;
    }
    ++offender_count;
    if (offenders.size() < detail::kMaxListedOffenders) offenders.push_back(problem);
  };
  for (const auto& p : model.named_parameters(/*recurse=*/true)) visit(p.key(), p.value());
  for (const auto& b : model.named_buffers(/*recurse=*/true)) visit(b.key(), b.value());

  if (offender_count > 0) {
    std::string message = "TorchScript weights '" + path +
                          "' do not fit the model: " + std::to_string(offender_count) +
                          " missing or mismatched name(s)";
    if (offender_count > offenders.size()) {
      message += " (first " + std::to_string(offenders.size()) + " listed)";
    }
    for (const auto& line : offenders) message += "\n  " + line;
    throw std::runtime_error(message);
  }

  torch::NoGradGuard no_grad;
  for (auto& [target, value] : copies) target.copy_(value);
}

}  // namespace pgd::backbones
