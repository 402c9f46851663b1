#include "harness/store/run_status.h"

namespace pgd::store {
namespace {

struct Named {
  RunStatus status;
  const char* name;
};
constexpr Named kNames[] = {{RunStatus::Pending, "pending"}, {RunStatus::Running, "running"},
                            {RunStatus::Done, "done"},       {RunStatus::Oom, "oom"},
                            {RunStatus::Failed, "failed"},   {RunStatus::Cancelled, "cancelled"}};

}  // namespace

const char* to_string(RunStatus status) {
  for (const auto& n : kNames)
    if (n.status == status) return n.name;
  return "unknown";
}

std::optional<RunStatus> parse_run_status(const std::string& name) {
  for (const auto& n : kNames)
    if (name == n.name) return n.status;
  return std::nullopt;
}

}  // namespace pgd::store
