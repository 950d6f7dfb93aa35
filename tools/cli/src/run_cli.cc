#include "reviewtrail/cli/run_cli.h"

#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "reviewtrail/cli/channel.h"
#include "reviewtrail/cli/command_id.h"
#include "reviewtrail/cli/error_details.h"
#include "reviewtrail/cli/output_format.h"
#include "reviewtrail/cli/read_registry.h"

namespace reviewtrail::cli {
namespace {

constexpr char kFooter[] = R"(Connection settings: flag > environment > config file > default.
  REVIEWTRAIL_ADDRESS, REVIEWTRAIL_TOKEN, REVIEWTRAIL_TOKEN_FILE, REVIEWTRAIL_TLS,
  REVIEWTRAIL_CA_CERT, REVIEWTRAIL_CLIENT_CERT, REVIEWTRAIL_CLIENT_KEY, REVIEWTRAIL_TIMEOUT,
  REVIEWTRAIL_CONFIG; config file keys: address, token, token-file, tls, ca-cert, client-cert,
  client-key, timeout.
Exit codes: 0 done, 1 refused by the server (or `audit verify` found a broken chain), 2 usage
error, 3 cannot reach the server (retry; commands with the printed --command-id).)";

// The flags every command accepts: where the server is, who is calling, how to print.
struct GlobalFlags {
  std::string address, token, token_file, ca_cert, client_cert, client_key, timeout, config;
  bool tls = false;
  bool json = false;
  CLI::Option* address_option = nullptr;
  CLI::Option* token_option = nullptr;
  CLI::Option* token_file_option = nullptr;
  CLI::Option* tls_option = nullptr;
  CLI::Option* ca_cert_option = nullptr;
  CLI::Option* client_cert_option = nullptr;
  CLI::Option* client_key_option = nullptr;
  CLI::Option* timeout_option = nullptr;
  CLI::Option* config_option = nullptr;

  void AddTo(CLI::App& app) {
    address_option = app.add_option("--address", address,
                                    "The ReviewTrail server as host:port "
                                    "(env REVIEWTRAIL_ADDRESS; default 127.0.0.1:7443).")
                         ->type_name("HOST:PORT");
    token_option = app.add_option("--token", token,
                                  "The bearer token (a JWT from your identity provider) "
                                  "(env REVIEWTRAIL_TOKEN). Prefer --token-file or the "
                                  "environment: flags show in the process list.")
                       ->type_name("JWT");
    token_file_option = app.add_option("--token-file", token_file,
                                       "A file holding the bearer token "
                                       "(env REVIEWTRAIL_TOKEN_FILE).")
                            ->type_name("PATH")
                            ->excludes(token_option);
    tls_option = app.add_flag("--tls,!--no-tls", tls,
                              "Use TLS (env REVIEWTRAIL_TLS); implied by --ca-cert and "
                              "--client-cert.");
    ca_cert_option = app.add_option("--ca-cert", ca_cert,
                                    "PEM file of the CA that signed the server's certificate "
                                    "(env REVIEWTRAIL_CA_CERT; default: the system's trust store).")
                         ->type_name("PATH");
    client_cert_option = app.add_option("--client-cert", client_cert,
                                        "PEM client certificate for mutual TLS, with --client-key "
                                        "(env REVIEWTRAIL_CLIENT_CERT).")
                             ->type_name("PATH");
    client_key_option = app.add_option("--client-key", client_key,
                                       "PEM private key of --client-cert "
                                       "(env REVIEWTRAIL_CLIENT_KEY).")
                            ->type_name("PATH");
    timeout_option = app.add_option("--timeout", timeout,
                                    "Deadline of each call in seconds; `audit export` streams "
                                    "without one "
                                    "(env REVIEWTRAIL_TIMEOUT; default 10).")
                         ->type_name("SECONDS");
    config_option = app.add_option("--config", config,
                                   "INI/TOML file with connection settings (env "
                                   "REVIEWTRAIL_CONFIG; default "
                                   "$XDG_CONFIG_HOME/reviewtrail/cli.ini or "
                                   "~/.config/reviewtrail/cli.ini if it exists).")
                        ->type_name("PATH");
    app.add_flag("--json", json,
                 "Print one JSON object for scripts instead of text: the reply, or "
                 "{\"error\": ...} (also on stdout).");
  }

  [[nodiscard]] ConnectionFlags ToConnectionFlags() const {
    auto given = [](const CLI::Option* option, const std::string& value) {
      return option->count() > 0 ? std::optional<std::string>(value) : std::nullopt;
    };
    ConnectionFlags flags;
    flags.address = given(address_option, address);
    flags.token = given(token_option, token);
    flags.token_file = given(token_file_option, token_file);
    if (tls_option->count() > 0) flags.tls = tls;
    flags.ca_cert = given(ca_cert_option, ca_cert);
    flags.client_cert = given(client_cert_option, client_cert);
    flags.client_key = given(client_key_option, client_key);
    flags.timeout_seconds = given(timeout_option, timeout);
    flags.config_file = given(config_option, config);
    return flags;
  }
};

int UsageError(std::string_view message, std::ostream& err) {
  err << "error: " << message << "\nRun with --help for more information.\n";
  return kExitUsage;
}

// Runs the command's completions and sets a fresh command id unless one was given.
Outcome Prepare(CommandInvocation& invocation) {
  for (const auto& complete : invocation.completions) {
    if (Outcome status = complete(); !status.ok()) return status;
  }
  std::string* command_id = invocation.mutable_command_id();
  if (command_id->empty()) {
    Result<std::string> fresh = NewCommandId();
    if (!fresh.ok()) return fresh.failure();
    *command_id = *std::move(fresh);
  }
  return Success();
}

}  // namespace

ExitCode ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitCannotConnect;
    default:
      return kExitRefused;
  }
}

CliDependencies DefaultCliDependencies() {
  return {ProcessEnvironment(), ConnectOverGrpc, OpenChannel, isatty(STDERR_FILENO) == 1};
}

int SendCommand(const CommandInvocation& invocation, CommandStub& stub, const CallOptions& options,
                std::ostream& out, std::ostream& err) {
  const std::string& command_id = *invocation.mutable_command_id();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options.timeout);
  if (!options.token.empty()) context.AddMetadata("authorization", "Bearer " + options.token);
  v1::CommandReply reply;
  const grpc::Status status = invocation.send(stub, &context, &reply);
  if (status.ok()) {
    if (options.json) {
      out << ReplyToJson(reply, command_id).dump() << "\n";
    } else {
      out << FormatReplyText(invocation.done, invocation.entity_label, reply, command_id) << "\n";
    }
    return kExitOk;
  }
  const ErrorReport report = DecodeErrorReport(status);
  const ExitCode exit_code = ExitCodeFor(status.error_code());
  if (options.json) {
    out << ErrorToJson(report, command_id).dump() << "\n";
    return exit_code;
  }
  bool first = true;
  for (const std::string& line : DescribeErrorReport(report)) {
    err << (first ? "error: " : "") << line << "\n";
    first = false;
  }
  if (exit_code == kExitCannotConnect) {
    err << "The command may or may not have been applied; retry it with --command-id " << command_id
        << " (applied at most once).\n";
  } else {
    err << "command id " << command_id << "\n";
  }
  return exit_code;
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const CliDependencies& dependencies) {
  CLI::App app(
      "ReviewTrail: records the follow-up of ISO 27001 management reviews (clause 9.3.3) - "
      "decisions, the actions carrying them out, their evidence and closure.",
      "reviewtrail");
  app.fallthrough();
  app.require_subcommand(1);
  app.footer(kFooter);
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return std::string("error: ") + error.what() + "\nRun with --help for more information.\n";
  });
  app.set_version_flag("--version", "reviewtrail " REVIEWTRAIL_CLI_VERSION);
  GlobalFlags global;
  global.AddTo(app);
  CommandRegistry registry;
  AddPersonCommands(app, registry);
  AddReviewCommands(app, registry);
  AddDecisionCommands(app, registry);
  AddActionCommands(app, registry);
  AddEvidenceCommands(app, registry);
  AddFollowUpCommands(app, registry);
  ReadRegistry reads;
  AddQueryCommands(app, reads);
  AddAuditCommands(app, reads);
  AddSandboxCommands(app, reads);
  AddEventCommands(app, reads);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error, out, err) == 0 ? kExitOk : kExitUsage;
  }
  CommandInvocation* invocation = registry.chosen();
  const ReadRun* read = reads.chosen();
  if (invocation == nullptr && read == nullptr) {
    return UsageError("name a command, e.g. `action assign` or `query actions`", err);
  }

  Result<ConnectionSettings> settings =
      ResolveConnection(global.ToConnectionFlags(), dependencies.env);
  if (!settings.ok()) return UsageError(settings.error(), err);
  if (invocation != nullptr) {
    if (Outcome prepared = Prepare(*invocation); !prepared.ok()) {
      return UsageError(prepared.error(), err);
    }
  }
  if (!settings->tls && !settings->token.empty() && !IsLocalAddress(settings->address)) {
    err << "warning: sending the bearer token without TLS to " << settings->address
        << "; use --tls\n";
  }
  const CallOptions options{settings->token, settings->timeout, global.json};
  if (read != nullptr) {
    const ChannelFunction& open =
        dependencies.open_channel ? dependencies.open_channel : ChannelFunction(OpenChannel);
    Result<std::shared_ptr<grpc::Channel>> channel = open(*settings);
    if (!channel.ok()) return UsageError(channel.error(), err);
    const ReadSession session{*std::move(channel), options, out, err, dependencies.err_is_terminal};
    return (*read)(session);
  }
  Result<std::unique_ptr<CommandStub>> stub = dependencies.connect(*settings);
  if (!stub.ok()) return UsageError(stub.error(), err);
  return SendCommand(*invocation, **stub, options, out, err);
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return RunCli(argc, argv, out, err, DefaultCliDependencies());
}

}  // namespace reviewtrail::cli
