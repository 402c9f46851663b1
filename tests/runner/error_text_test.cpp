#include "harness/runner/error_text.h"

#include <gtest/gtest.h>

#include <c10/util/Exception.h>

#include <stdexcept>

namespace pgd::runner {
namespace {

TEST(ErrorText, LibTorchErrorsLoseTheirBacktrace) {
  try {
    TORCH_CHECK(false, "CUDA out of memory. Tried to allocate 390.00 MiB");
  } catch (const std::exception& e) {
    const std::string text = error_text(e);
    ASSERT_NE(std::string(e.what()).find("Exception raised from"), std::string::npos)
        << "this LibTorch's errors carry no backtrace; the test would prove nothing";
    EXPECT_NE(text.find("Tried to allocate 390.00 MiB"), std::string::npos) << text;
    EXPECT_EQ(text.find("frame #"), std::string::npos) << text;
    EXPECT_EQ(text.find("Exception raised from"), std::string::npos) << text;
    return;
  }
  FAIL() << "TORCH_CHECK(false) did not throw";
}

TEST(ErrorText, OtherErrorsKeepTheirMessage) {
  EXPECT_EQ(error_text(std::runtime_error("dataset 'x' has an empty split\n")),
            "dataset 'x' has an empty split");
}

}  // namespace
}  // namespace pgd::runner
