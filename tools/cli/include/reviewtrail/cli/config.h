#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

// How to reach the CommandService. Each setting comes from, strongest first: the command-line
// flag, the environment variable, the config file, the default.
//
//   flag            environment              config key    default
//   --address       REVIEWTRAIL_ADDRESS      address       127.0.0.1:7443
//   --token         REVIEWTRAIL_TOKEN        token         (none)
//   --token-file    REVIEWTRAIL_TOKEN_FILE   token-file    (none)
//   --tls           REVIEWTRAIL_TLS          tls           false
//   --ca-cert       REVIEWTRAIL_CA_CERT      ca-cert       the system's trust store
//   --client-cert   REVIEWTRAIL_CLIENT_CERT  client-cert   (none)
//   --client-key    REVIEWTRAIL_CLIENT_KEY   client-key    (none)
//   --timeout       REVIEWTRAIL_TIMEOUT      timeout       10 (seconds)
//   --config        REVIEWTRAIL_CONFIG       -             $XDG_CONFIG_HOME/reviewtrail/cli.ini or
//                                                          ~/.config/reviewtrail/cli.ini
//
// The config file is INI or TOML with the keys above at top level, e.g. `address = "rt:7443"`.
// A token beats a token file given at the same level; a certificate or key implies TLS.

// The flags as given on the command line; unset when absent.
struct ConnectionFlags {
  std::optional<std::string> address;
  std::optional<std::string> token;
  std::optional<std::string> token_file;
  std::optional<bool> tls;
  std::optional<std::string> ca_cert;
  std::optional<std::string> client_cert;
  std::optional<std::string> client_key;
  std::optional<std::string> timeout_seconds;
  std::optional<std::string> config_file;
};

struct ConnectionSettings {
  std::string address = "127.0.0.1:7443";
  std::string token;  // the bearer token itself (read from the token file if one was named)
  bool tls = false;
  std::string ca_cert_file;
  std::string client_cert_file;
  std::string client_key_file;
  std::chrono::milliseconds timeout{10'000};
};

// Looks up an environment variable; an empty value counts as unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (std::getenv).
EnvLookup ProcessEnvironment();

// $XDG_CONFIG_HOME/reviewtrail/cli.ini, else $HOME/.config/reviewtrail/cli.ini; none without HOME.
std::optional<std::string> DefaultConfigPath(const EnvLookup& env);

// Applies the precedence above. Errors (an unreadable token file, a named config file that does not
// exist, an unknown config key, a bad timeout) are usage errors whose message names the source.
Result<ConnectionSettings> ResolveConnection(const ConnectionFlags& flags, const EnvLookup& env);

}  // namespace reviewtrail::cli
