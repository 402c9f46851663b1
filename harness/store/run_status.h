#pragma once
// A run's status: pending → running → done | oom | failed | cancelled. Stored as its name in
// runs.status (the schema's CHECK lists the same six words).
#include <optional>
#include <string>

namespace pgd::store {

enum class RunStatus { Pending, Running, Done, Oom, Failed, Cancelled };

const char* to_string(RunStatus status);
// The status a stored name stands for; nullopt for any other text.
std::optional<RunStatus> parse_run_status(const std::string& name);

// done and oom are results: a resumed sweep never runs them again.
inline bool is_result(RunStatus s) { return s == RunStatus::Done || s == RunStatus::Oom; }
// Statuses a run can end with (finish_run).
inline bool is_final(RunStatus s) { return s != RunStatus::Pending && s != RunStatus::Running; }

}  // namespace pgd::store
