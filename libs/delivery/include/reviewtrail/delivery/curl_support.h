#pragma once

#include <curl/curl.h>

#include <memory>

namespace reviewtrail::delivery {

// libcurl's process-wide initialisation, done once before the first handle.
void EnsureCurlInitialised();

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// True for the curl results worth retrying: timeouts, refused or reset connections, DNS.
[[nodiscard]] bool IsTransient(CURLcode code);

}  // namespace reviewtrail::delivery
