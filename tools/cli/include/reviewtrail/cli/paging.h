#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <set>
#include <string>

#include "reviewtrail/cli/call_options.h"

namespace reviewtrail::cli {

// Fetches the page `request` names and, with `all`, every following page (next_page_token until
// it is empty), each call with its own deadline and the bearer token. The items of all pages are
// appended into `merged`, whose next_page_token is the last page's. A token the server hands out
// twice ends the walk with INTERNAL rather than looping forever.
template <typename Request, typename Response>
grpc::Status FetchPages(
    Request request, bool all, const CallOptions& options,
    const std::function<grpc::Status(grpc::ClientContext*, const Request&, Response*)>& call,
    Response* merged) {
  std::set<std::string> seen;
  while (true) {
    grpc::ClientContext context;
    PrepareClientContext(options, context);
    Response page;
    const grpc::Status status = call(&context, request, &page);
    if (!status.ok()) return status;
    merged->MergeFrom(page);
    merged->set_next_page_token(page.next_page_token());
    if (!all || page.next_page_token().empty()) return grpc::Status::OK;
    if (!seen.insert(page.next_page_token()).second) {
      return {grpc::StatusCode::INTERNAL,
              "the server handed out page token '" + page.next_page_token() + "' twice"};
    }
    request.set_page_token(page.next_page_token());
  }
}

}  // namespace reviewtrail::cli
