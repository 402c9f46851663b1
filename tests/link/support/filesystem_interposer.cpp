// Stands in for a pip LibTorch wheel, whose libtorch exports its own copies of libstdc++'s
// std::filesystem (pytorch/pytorch#133437). A call that binds here instead of to libstdc++
// returns a value no real remove_all can return for the folder the test removes.
#include <cstdint>
#include <filesystem>

// Our executables need LibTorch for its own symbols; the test calls this so that it needs the
// interposer the same way, whatever --as-needed says.
extern "C" int filesystem_interposer_loaded() { return 1; }

namespace std::filesystem {

std::uintmax_t remove_all(const path&) { return 424242; }

}  // namespace std::filesystem
