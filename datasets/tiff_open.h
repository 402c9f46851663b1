#pragma once
// A TIFF opened through libtiff with its messages kept for the exception instead of printed:
// per-file handlers (libtiff >= 4.5), so the process-wide handlers stay untouched.
#include <filesystem>
#include <string>

struct tiff;  // libtiff's TIFF, kept out of this header

namespace pgd::data {

// TIFFOpenExt(path, mode) with libtiff's errors appended to *errors ("module: text; ...") and
// its warnings dropped. *errors must outlive the handle. nullptr when libtiff cannot open it.
tiff* open_tiff_collecting_errors(const std::filesystem::path& path, const char* mode,
                                  std::string* errors);

}  // namespace pgd::data
