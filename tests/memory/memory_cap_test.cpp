#include <gtest/gtest.h>

#include <torch/torch.h>

#include <ATen/Context.h>

#include <new>
#include <stdexcept>

#include "harness/memory/memory_cap.h"

namespace pgd::memory {
namespace {

constexpr uint64_t kKiB = uint64_t{1} << 10;
constexpr uint64_t kMiB = uint64_t{1} << 20;
const c10::Device kCpu(c10::DeviceType::CPU);
using torch::nn::Conv2dOptions;

// Two convolutions and a linear layer: enough to run oneDNN's convolution forward and backward.
struct SmallNetImpl : torch::nn::Module {
  SmallNetImpl() {
    conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(3, 8, 3).padding(1)));
    conv2 =
        register_module("conv2", torch::nn::Conv2d(Conv2dOptions(8, 16, 3).stride(2).padding(1)));
    fc = register_module("fc", torch::nn::Linear(16 * 16 * 16, 10));
  }

  // images: B×3×32×32, float → logits: B×10
  torch::Tensor forward(const torch::Tensor& images) {
    auto x = torch::relu(conv1->forward(images));
    x = torch::relu(conv2->forward(x));
    return fc->forward(x.flatten(1));
  }

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(SmallNet);

TEST(MemoryCap, SetsTheCapForItsLifetimeAndResetsThePeak) {
  install_capping_cpu_allocator();
  const uint64_t start = cpu_live_bytes();
  { torch::Tensor before = torch::empty({static_cast<int64_t>(kMiB)}, torch::kFloat); }
  EXPECT_GE(cpu_peak_bytes(), start + 4 * kMiB);  // the 4 MiB tensor above set the peak
  {
    MemoryCap cap(start + kMiB, kCpu);
    EXPECT_EQ(cap.cap(), start + kMiB);
    EXPECT_EQ(cap.peak_bytes(), start);
    EXPECT_EQ(cap.live_bytes(), start);
    EXPECT_THROW(torch::empty({static_cast<int64_t>(kMiB)}, torch::kFloat), OutOfMemoryError);
  }
  torch::Tensor after = torch::empty({static_cast<int64_t>(kMiB)}, torch::kFloat);  // cap lifted
  EXPECT_EQ(cpu_live_bytes(), start + 4 * kMiB);
}

TEST(MemoryCap, InnerCapRestoresTheOuterOne) {
  install_capping_cpu_allocator();
  const uint64_t start = cpu_live_bytes();
  MemoryCap outer(start + 2 * kMiB, kCpu);
  { MemoryCap inner(start + kMiB, kCpu); }
  torch::Tensor fits = torch::empty({static_cast<int64_t>(kMiB / 2)}, torch::kFloat);  // 2 MiB
  EXPECT_THROW(torch::empty({1}, torch::kFloat), OutOfMemoryError);
}

TEST(MemoryCap, NoCapOnlyMeasures) {
  MemoryCap cap(std::nullopt, kCpu);
  const uint64_t start = cap.live_bytes();
  { torch::Tensor t = torch::empty({static_cast<int64_t>(kMiB)}, torch::kFloat); }
  EXPECT_EQ(cap.cap(), std::nullopt);
  EXPECT_EQ(cap.peak_bytes(), start + 4 * kMiB);
  cap.reset_peak();
  EXPECT_EQ(cap.peak_bytes(), start);
}

TEST(MemoryCap, ConvNetTrainsUnderAComfortableCap) {
  torch::manual_seed(0);
  SmallNet net;
  torch::Tensor images = torch::randn({4, 3, 32, 32});
  torch::Tensor labels = torch::tensor({1, 2, 3, 4}, torch::kLong);
  MemoryCap cap(256 * kMiB, kCpu);
  const uint64_t start = cap.live_bytes();
  torch::Tensor loss = torch::cross_entropy_loss(net->forward(images), labels);
  loss.backward();
  EXPECT_TRUE(net->conv1->weight.grad().defined());
  EXPECT_GT(cap.peak_bytes(), start);
  EXPECT_LT(cap.peak_bytes(), 256 * kMiB);
}

TEST(MemoryCap, ConvOverATinyCapThrowsTypedError) {
  torch::Tensor images = torch::randn({4, 3, 128, 128});  // 768 KiB
  torch::Tensor weight = torch::randn({16, 3, 3, 3});
  const uint64_t start = cpu_live_bytes();
  MemoryCap cap(start + kMiB, kCpu);  // the 4 MiB output cannot fit
  try {
    torch::conv2d(images, weight, {}, 1, 1);
    FAIL() << "conv2d over the cap succeeded";
  } catch (const OutOfMemoryError& e) {
    EXPECT_GT(e.requested, 0u);
    EXPECT_TRUE(is_out_of_memory(e));
  }
  // What a run reports as status = oom: the peak it reached, never above the cap.
  EXPECT_GE(cap.peak_bytes(), start);
  EXPECT_LE(cap.peak_bytes(), start + kMiB);
  EXPECT_EQ(cap.live_bytes(), start);
}

TEST(MemoryCap, BackwardOverTheCapThrowsTypedError) {
  // The autograd engine carries the exception across to the caller: it must stay ours.
  torch::manual_seed(0);
  SmallNet net;
  torch::Tensor images = torch::randn({4, 3, 32, 32});
  torch::Tensor labels = torch::tensor({1, 2, 3, 4}, torch::kLong);
  torch::Tensor loss = torch::cross_entropy_loss(net->forward(images), labels);
  MemoryCap cap(cpu_live_bytes() + 16 * kKiB, kCpu);
  EXPECT_THROW(loss.backward(), OutOfMemoryError);
}

TEST(MemoryCap, OneDnnTensorsAllocateThroughTheRawInterface) {
  if (!at::hasMKLDNN()) GTEST_SKIP() << "LibTorch built without oneDNN";
  torch::manual_seed(0);
  torch::Tensor images = torch::randn({2, 3, 32, 32});
  torch::Tensor weight = torch::randn({8, 3, 3, 3});
  torch::Tensor bias = torch::zeros({8});
  torch::Tensor expected = torch::conv2d(images, weight, bias, 1, 1);
  MemoryCap cap(64 * kMiB, kCpu);
  const uint64_t start = cap.live_bytes();
  {
    torch::Tensor images_mkldnn = images.to_mkldnn();  // ideep buffer: raw_allocate
    EXPECT_GE(cap.live_bytes(), start + images.nbytes());
    torch::Tensor out = torch::mkldnn_convolution(images_mkldnn, weight.to_mkldnn(),
                                                  bias.to_mkldnn(), {1, 1}, {1, 1}, {1, 1}, 1);
    EXPECT_TRUE(torch::allclose(out.to_dense(), expected, 1e-4, 1e-4));
  }
  EXPECT_EQ(cap.live_bytes(), start);  // raw_deleter gave every block back
  EXPECT_GT(cap.peak_bytes(), start);
}

TEST(MemoryCap, OneDnnOverTheCapThrowsTypedError) {
  if (!at::hasMKLDNN()) GTEST_SKIP() << "LibTorch built without oneDNN";
  torch::Tensor images = torch::randn({4, 3, 64, 64});  // 192 KiB
  MemoryCap cap(cpu_live_bytes() + 64 * kKiB, kCpu);
  EXPECT_THROW(images.to_mkldnn(), OutOfMemoryError);
}

TEST(MemoryCap, UnsupportedDevicesAreRejected) {
  EXPECT_THROW(MemoryCap(kMiB, c10::Device(c10::DeviceType::Meta)), std::invalid_argument);
#ifndef PATCHGD_WITH_CUDA
  EXPECT_THROW(MemoryCap(kMiB, c10::Device(c10::DeviceType::CUDA, 0)), std::invalid_argument);
#endif
}

TEST(IsOutOfMemory, RecognisesOursAndLibTorchs) {
  EXPECT_TRUE(is_out_of_memory(OutOfMemoryError("x", 1, 2, 3)));
  EXPECT_TRUE(is_out_of_memory(std::bad_alloc()));
  EXPECT_TRUE(is_out_of_memory(c10::OutOfMemoryError({"f", "file", 1}, "CUDA out of memory.")));
  EXPECT_TRUE(is_out_of_memory(
      c10::Error({"f", "file", 1}, "DefaultCPUAllocator: not enough memory: you tried...")));
  EXPECT_TRUE(is_out_of_memory(c10::Error({"f", "file", 1}, "CUDA out of memory. Tried to")));
  EXPECT_FALSE(is_out_of_memory(c10::Error({"f", "file", 1}, "shape mismatch")));
  EXPECT_FALSE(is_out_of_memory(std::runtime_error("out of memory")));  // not LibTorch's
  EXPECT_FALSE(is_out_of_memory(std::invalid_argument("bad")));
}

}  // namespace
}  // namespace pgd::memory
