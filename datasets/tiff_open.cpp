#include "datasets/tiff_open.h"

#include <tiffio.h>

#include <cstdarg>
#include <cstdio>

namespace pgd::data {
namespace {

int collect_message(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* text = static_cast<std::string*>(user);
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  if (!text->empty()) *text += "; ";
  if (module) *text += std::string(module) + ": ";
  *text += buf;
  return 1;  // handled: libtiff must not print it too
}

int ignore_message(TIFF*, void*, const char*, const char*, va_list) { return 1; }

}  // namespace

TIFF* open_tiff_collecting_errors(const std::filesystem::path& path, const char* mode,
                                  std::string* errors) {
  TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(opts, collect_message, errors);
  TIFFOpenOptionsSetWarningHandlerExtR(opts, ignore_message, nullptr);
  TIFF* tif = TIFFOpenExt(path.c_str(), mode, opts);
  TIFFOpenOptionsFree(opts);
  return tif;
}

}  // namespace pgd::data
