#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "reviewtrail/cli/result.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::cli {

using CommandStub = v1::CommandService::StubInterface;

// One leaf subcommand ("action assign"): the request its flags fill and how to send it.
struct CommandInvocation {
  std::string done;  // the outcome in words, e.g. "Assigned action"
  // What the reply's entity_id names when the command creates a record inside the aggregate,
  // e.g. "decision"; empty when the aggregate itself is the record.
  std::string entity_label;
  std::shared_ptr<google::protobuf::Message> request;
  std::function<std::string*()> mutable_command_id;
  // Checks and derivations that need all flags (e.g. hashing --file); their errors are usage
  // errors. Run in order after parsing.
  std::vector<std::function<Outcome()>> completions;
  std::function<grpc::Status(CommandStub&, grpc::ClientContext*, v1::CommandReply*)> send;
};

// Collects the leaf subcommands; after parsing, chosen() is the one the command line named.
class CommandRegistry {
 public:
  template <typename Request>
  using Rpc = grpc::Status (CommandStub::*)(grpc::ClientContext*, const Request&,
                                            v1::CommandReply*);

  template <typename Request>
  struct Added {
    CLI::App* app;
    Request* request;  // owned by the invocation; flags write into it while parsing
    CommandInvocation* invocation;
  };

  // Adds subcommand `name` to `area`, with --command-id and --expected-version, sending via `rpc`.
  template <typename Request>
  Added<Request> Add(CLI::App& area, const std::string& name, const std::string& description,
                     std::string done, Rpc<Request> rpc);

  [[nodiscard]] CommandInvocation* chosen() const { return chosen_; }

 private:
  CLI::App* AddCommonFlags(CLI::App& area, const std::string& name, const std::string& description,
                           std::function<void(const std::string&)> set_command_id,
                           std::function<void(int64_t)> set_expected_version,
                           CommandInvocation* invocation);

  std::vector<std::unique_ptr<CommandInvocation>> invocations_;
  CommandInvocation* chosen_ = nullptr;
};

template <typename Request>
CommandRegistry::Added<Request> CommandRegistry::Add(CLI::App& area, const std::string& name,
                                                     const std::string& description,
                                                     std::string done, Rpc<Request> rpc) {
  auto request = std::make_shared<Request>();
  auto invocation = std::make_unique<CommandInvocation>();
  invocation->done = std::move(done);
  invocation->request = request;
  invocation->mutable_command_id = [request] { return request->mutable_command_id(); };
  invocation->send = [request, rpc](CommandStub& stub, grpc::ClientContext* context,
                                    v1::CommandReply* reply) {
    return (stub.*rpc)(context, *request, reply);
  };
  CLI::App* app = AddCommonFlags(
      area, name, description, [request](const std::string& id) { request->set_command_id(id); },
      [request](int64_t version) { request->set_expected_version(version); }, invocation.get());
  Added<Request> added{app, request.get(), invocation.get()};
  invocations_.push_back(std::move(invocation));
  return added;
}

// The areas (first-level subcommands) and their commands, one file each.
void AddPersonCommands(CLI::App& app, CommandRegistry& registry);
void AddReviewCommands(CLI::App& app, CommandRegistry& registry);
void AddDecisionCommands(CLI::App& app, CommandRegistry& registry);
void AddActionCommands(CLI::App& app, CommandRegistry& registry);
void AddEvidenceCommands(CLI::App& app, CommandRegistry& registry);
void AddFollowUpCommands(CLI::App& app, CommandRegistry& registry);  // reminder, escalation

}  // namespace reviewtrail::cli
