// What a refused form held, kept for its page to show again (nothing typed is lost:
// a long answer refused for one character came back empty). In this process's
// memory, per session and page, taken once; a page served by another process of a
// province's server shows the form empty, as before.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace ykien::office {

class KeptForms {
 public:
  using Fields = std::map<std::string, std::string>;
  // `session`: what tells the session apart (its CSRF secret); `page`: the address the
  // refusal leads back to. The CSRF token is not kept.
  void keep(const std::string &session, const std::string &page, Fields fields);
  // The fields kept for this session and page, forgotten once taken; none if none.
  Fields take(const std::string &session, const std::string &page);

 private:
  static constexpr size_t kMaxKept = 1000;  // forms refused and never shown again
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Fields> kept_;  // guarded by mutex_
};

}  // namespace ykien::office
