// Every executable of ours must resolve std::filesystem to libstdc++ even when a library linked
// before it (LibTorch from pip) exports its own copies; patchgd_executable_defaults() in the
// top-level CMakeLists.txt does this. This binary is linked against an interposer the way our
// binaries are linked against LibTorch, so it fails if that link order is lost.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

extern "C" int filesystem_interposer_loaded();

TEST(LinkOrderTest, StdFilesystemBindsToLibstdcxxNotToALibraryLinkedBeforeIt) {
  ASSERT_EQ(filesystem_interposer_loaded(), 1);
  const fs::path dir =
      fs::temp_directory_path() /
      ("patchgd-link-order-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       "-" + std::to_string(reinterpret_cast<std::uintptr_t>(&dir)));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "file.txt") << "x";

  const std::uintmax_t removed = fs::remove_all(dir);

  EXPECT_NE(removed, 424242u) << "std::filesystem::remove_all bound to the interposing library";
  EXPECT_EQ(removed, 3u);  // the folder, its subfolder and the file
  EXPECT_FALSE(fs::exists(dir));
}
