#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "google/type/date.pb.h"
#include "reviewtrail/cli/result.h"
#include "reviewtrail/cli/value_parsers.h"
#include "reviewtrail/v1/commands.pb.h"

namespace reviewtrail::cli {

// Helpers that bind flags to request fields; the flag's value is checked by the matching parser
// before it is stored, so a bad value is a usage error naming the flag and the rule.

// A CLI11 validator running `parse` (a function returning Result) on the flag's text.
template <typename Parser>
CLI::Validator FlagValidator(Parser parse) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        auto parsed = parse(text);
        return parsed.ok() ? std::string() : parsed.error();
      },
      "");
}

// A flag whose text is parsed by `parse` and handed to `store`.
template <typename Parser, typename Store>
CLI::Option* AddParsedFlag(CLI::App& app, const std::string& names, Parser parse, Store store,
                           const std::string& help) {
  return app
      .add_option_function<std::string>(
          names, [parse, store](const std::string& text) { store(*parse(text)); }, help)
      ->check(FlagValidator(parse));
}

// A repeatable flag; each value is parsed by `parse` and handed to `store`, in order.
template <typename Parser, typename Store>
CLI::Option* AddRepeatedParsedFlag(CLI::App& app, const std::string& names, Parser parse,
                                   Store store, const std::string& help) {
  return app
      .add_option_function<std::vector<std::string>>(
          names,
          [parse, store](const std::vector<std::string>& texts) {
            for (const std::string& text : texts) store(*parse(text));
          },
          help)
      ->check(FlagValidator(parse))
      ->take_all();
}

// An ISO date flag (YYYY-MM-DD) stored in the google.type.Date `field()` returns.
CLI::Option* AddDateFlag(CLI::App& app, const std::string& names,
                         std::function<google::type::Date*()> field, const std::string& help);

// The repeatable --link KIND:REF[:TITLE] flag, appending to `links`.
CLI::Option* AddLinkFlag(CLI::App& app, google::protobuf::RepeatedPtrField<v1::Link>* links,
                         const std::string& what);

// What `evidence attach` knows about the artefact besides the request's own fields.
struct EvidenceFileFlags {
  std::optional<std::string> file;  // --file: hash and measure this local copy
};

// Completes an AttachEvidenceRequest: with a file, sets sha256 and size_bytes from its content
// (they must not also be given); without one, requires both. Guesses media_type from the file's or
// else the URI's extension when it is empty.
Outcome CompleteEvidence(const EvidenceFileFlags& flags, v1::AttachEvidenceRequest& request);

}  // namespace reviewtrail::cli
