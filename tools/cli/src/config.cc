#include "reviewtrail/cli/config.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "reviewtrail/cli/result.h"
#include "text.h"

namespace reviewtrail::cli {
namespace {

// One place a setting can come from, e.g. {"--timeout", "10"} or {"REVIEWTRAIL_TIMEOUT", "10"}.
struct Source {
  std::string name;
  std::string value;
};

// The values of one level (flags, environment or config file), by config key.
using Level = std::map<std::string, Source>;

const std::set<std::string>& ConfigKeys() {
  static const auto* const keys = new std::set<std::string>{
      "address", "token", "token-file", "tls", "ca-cert", "client-cert", "client-key", "timeout"};
  return *keys;
}

std::string EnvName(const std::string& key) {
  std::string name = "REVIEWTRAIL_" + ToUpperAscii(key);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

Level FlagLevel(const ConnectionFlags& flags) {
  Level level;
  auto put = [&level](const std::string& key, const std::optional<std::string>& value) {
    if (value.has_value()) level[key] = {"--" + key, *value};
  };
  put("address", flags.address);
  put("token", flags.token);
  put("token-file", flags.token_file);
  if (flags.tls.has_value()) level["tls"] = {"--tls", *flags.tls ? "true" : "false"};
  put("ca-cert", flags.ca_cert);
  put("client-cert", flags.client_cert);
  put("client-key", flags.client_key);
  put("timeout", flags.timeout_seconds);
  return level;
}

Level EnvLevel(const EnvLookup& env) {
  Level level;
  for (const std::string& key : ConfigKeys()) {
    if (std::optional<std::string> value = env(EnvName(key)); value.has_value()) {
      level[key] = {EnvName(key), *value};
    }
  }
  return level;
}

Result<Level> ConfigFileLevel(const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigINI().from_file(path);
  } catch (const CLI::Error& error) {
    return Failure{"config file " + path + ": " + error.what()};
  }
  Level level;
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    std::string key = item.name;
    std::replace(key.begin(), key.end(), '_', '-');
    if (!item.parents.empty() || ConfigKeys().count(key) == 0) {
      return Failure{"config file " + path + ": unknown setting '" + item.fullname() +
                     "'; known are address, token, token-file, tls, ca-cert, "
                     "client-cert, client-key, timeout (at top level)"};
    }
    level[key] = {path + ": " + key, item.inputs.empty() ? "" : item.inputs.front()};
  }
  return level;
}

// The config file to read: named by flag or environment (must exist), else the default (optional).
Result<std::optional<std::string>> ConfigFileToRead(const ConnectionFlags& flags,
                                                    const EnvLookup& env) {
  std::optional<std::string> named = flags.config_file;
  std::string source = "--config";
  if (!named.has_value()) {
    named = env("REVIEWTRAIL_CONFIG");
    source = "REVIEWTRAIL_CONFIG";
  }
  if (named.has_value()) {
    if (!std::filesystem::is_regular_file(*named)) {
      return Failure{source + ": config file '" + *named + "' does not exist"};
    }
    return named;
  }
  std::optional<std::string> fallback = DefaultConfigPath(env);
  if (fallback.has_value() && std::filesystem::is_regular_file(*fallback)) return fallback;
  return std::optional<std::string>();
}

Result<std::string> ReadToken(const Source& token_file) {
  std::ifstream in(token_file.value, std::ios::binary);
  if (!in) {
    return Failure{token_file.name + ": cannot read token file '" + token_file.value + "'"};
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string token(TrimAscii(content.str()));
  if (token.empty()) {
    return Failure{token_file.name + ": token file '" + token_file.value + "' is empty"};
  }
  return token;
}

Result<bool> ParseBool(const Source& source) {
  const std::string value = ToLowerAscii(source.value);
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  return Failure{source.name + ": must be true or false, got '" + source.value + "'"};
}

Result<std::chrono::milliseconds> ParseTimeout(const Source& source) {
  double seconds = 0;
  const std::string_view text = TrimAscii(source.value);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || !(seconds > 0) ||
      seconds > 86400) {
    return Failure{source.name +
                   ": must be a number of seconds between 0 and 86400 "
                   "(exclusive of 0), got '" +
                   source.value + "'"};
  }
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

std::optional<std::string> DefaultConfigPath(const EnvLookup& env) {
  if (std::optional<std::string> xdg = env("XDG_CONFIG_HOME"); xdg.has_value()) {
    return *xdg + "/reviewtrail/cli.ini";
  }
  if (std::optional<std::string> home = env("HOME"); home.has_value()) {
    return *home + "/.config/reviewtrail/cli.ini";
  }
  return std::nullopt;
}

Result<ConnectionSettings> ResolveConnection(const ConnectionFlags& flags, const EnvLookup& env) {
  Result<std::optional<std::string>> config_path = ConfigFileToRead(flags, env);
  if (!config_path.ok()) return config_path.failure();
  Level config;
  if (config_path->has_value()) {
    Result<Level> read = ConfigFileLevel(**config_path);
    if (!read.ok()) return read.failure();
    config = *std::move(read);
  }
  const std::vector<Level> levels = {FlagLevel(flags), EnvLevel(env), std::move(config)};
  auto strongest = [&levels](const std::string& key) -> std::optional<Source> {
    for (const Level& level : levels) {
      if (auto found = level.find(key); found != level.end()) return found->second;
    }
    return std::nullopt;
  };

  ConnectionSettings settings;
  if (auto address = strongest("address")) settings.address = address->value;
  for (const Level& level : levels) {  // a token beats a token file of the same level
    if (auto token = level.find("token"); token != level.end()) {
      settings.token = token->second.value;
      break;
    }
    if (auto token_file = level.find("token-file"); token_file != level.end()) {
      Result<std::string> token = ReadToken(token_file->second);
      if (!token.ok()) return token.failure();
      settings.token = *std::move(token);
      break;
    }
  }
  if (auto tls = strongest("tls")) {
    Result<bool> value = ParseBool(*tls);
    if (!value.ok()) return value.failure();
    settings.tls = *value;
  }
  if (auto ca_cert = strongest("ca-cert")) settings.ca_cert_file = ca_cert->value;
  if (auto client_cert = strongest("client-cert")) settings.client_cert_file = client_cert->value;
  if (auto client_key = strongest("client-key")) settings.client_key_file = client_key->value;
  if (settings.client_cert_file.empty() != settings.client_key_file.empty()) {
    return Failure{"--client-cert and --client-key go together (mutual TLS needs both)"};
  }
  if (!settings.ca_cert_file.empty() || !settings.client_cert_file.empty()) settings.tls = true;
  if (auto timeout = strongest("timeout")) {
    Result<std::chrono::milliseconds> value = ParseTimeout(*timeout);
    if (!value.ok()) return value.failure();
    settings.timeout = *value;
  }
  return settings;
}

}  // namespace reviewtrail::cli
