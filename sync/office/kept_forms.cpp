#include "kept_forms.h"

namespace ykien::office {

void KeptForms::keep(const std::string &session, const std::string &page, Fields fields) {
  fields.erase("csrf");
  std::lock_guard lock(mutex_);
  if (kept_.size() >= kMaxKept) kept_.clear();  // left behind by pages never opened again
  kept_[{session, page}] = std::move(fields);
}

KeptForms::Fields KeptForms::take(const std::string &session, const std::string &page) {
  std::lock_guard lock(mutex_);
  auto it = kept_.find({session, page});
  if (it == kept_.end()) return {};
  Fields fields = std::move(it->second);
  kept_.erase(it);
  return fields;
}

}  // namespace ykien::office
