#pragma once
// The text form of a memory size: `memory.cap` in configs, peaks and caps in tables. The one
// parser of sizes, used by the runner and the results renderers alike.
#include <cstdint>
#include <optional>
#include <string>

namespace pgd::config {

// "none" → nullopt; "4GB", "512MB", "1.5GiB", "123456" → bytes. GB = GiB = 2^30 (as GPU
// memory is quoted). Throws std::invalid_argument naming the text.
std::optional<uint64_t> parse_bytes(const std::string& text);
std::string format_bytes(uint64_t bytes);  // "1.50 GiB"

}  // namespace pgd::config
