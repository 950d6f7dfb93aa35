#pragma once

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

namespace reviewtrail::query {

// Puts each call's request and response on a protobuf arena of the call's own, freed in one go
// when the call ends: an answer made of many messages and strings (a page of actions) costs a few
// block allocations instead of one per string, and no destructor walk. For
// SetMessageAllocatorFor_<Method>; must outlive the server. Thread-safe.
template <typename Request, typename Response>
class ArenaMessages final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    // A page of 50 actions takes ~40 KB: a few blocks.
    static google::protobuf::ArenaOptions Options() {
      google::protobuf::ArenaOptions options;
      options.start_block_size = 8 << 10;
      options.max_block_size = 64 << 10;
      return options;
    }

    google::protobuf::Arena arena_;
  };
};

}  // namespace reviewtrail::query
