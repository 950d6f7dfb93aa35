#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::tools {

// The command mix one caller sends: the life of an action, over and over —
// assign (manager) → progress (owner) → evidence (owner) → request closure (owner) → approve
// (manager). Five durable commands per cycle, each validated against the state the previous left.
class CommandMix {
 public:
  CommandMix(v1::CommandService::StubInterface& stub, std::string caller, std::string decision_id,
             std::string owner_id, std::string manager_token, std::string owner_token);

  // Sends the next command; returns its status.
  grpc::Status Next();
  // The reply to the last command sent (its log position once acknowledged).
  [[nodiscard]] const v1::CommandReply& last_reply() const { return reply_; }

 private:
  grpc::Status Send(int step);

  v1::CommandService::StubInterface& stub_;
  std::string caller_;
  std::string decision_id_;
  std::string owner_id_;
  std::string manager_token_;
  std::string owner_token_;
  std::string action_id_;
  int64_t sequence_ = 0;
  v1::CommandReply reply_;
};

}  // namespace reviewtrail::tools
