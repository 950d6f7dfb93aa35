#include "reviewtrail/cli/request_builders.h"

#include "reviewtrail/cli/media_type.h"
#include "reviewtrail/cli/sha256_file.h"
#include "text.h"

namespace reviewtrail::cli {

CLI::Option* AddDateFlag(CLI::App& app, const std::string& names,
                         std::function<google::type::Date*()> field, const std::string& help) {
  return AddParsedFlag(
             app, names, ParseIsoDate,
             [field = std::move(field)](const google::type::Date& date) { *field() = date; }, help)
      ->type_name("YYYY-MM-DD");
}

CLI::Option* AddLinkFlag(CLI::App& app, google::protobuf::RepeatedPtrField<v1::Link>* links,
                         const std::string& what) {
  return AddRepeatedParsedFlag(
             app, "--link", ParseLink, [links](const v1::Link& link) { *links->Add() = link; },
             "A record in another ISMS system that " + what +
                 " relates to, as KIND:REF[:TITLE] with KIND one of " + LinkKindChoices() +
                 ", e.g. control:A.5.15:Access control, risk:R-12, nonconformity:NC-2026-03. "
                 "Repeat for several links.")
      ->type_name("KIND:REF[:TITLE]");
}

Outcome CompleteEvidence(const EvidenceFileFlags& flags, v1::AttachEvidenceRequest& request) {
  if (flags.file.has_value()) {
    if (!request.sha256().empty() || request.size_bytes() != 0) {
      return Failure{
          "--file computes the SHA-256 and size itself; give either --file or --sha256 and "
          "--size, not both"};
    }
    Result<FileDigest> digest = Sha256OfFile(*flags.file);
    if (!digest.ok()) return Failure{"--file: " + digest.error()};
    if (digest->size_bytes == 0) {
      return Failure{"--file: '" + *flags.file + "' is empty; evidence must have content"};
    }
    request.set_sha256(digest->sha256_hex);
    request.set_size_bytes(digest->size_bytes);
    if (request.media_type().empty()) request.set_media_type(GuessMediaType(*flags.file));
    return Success();
  }
  if (request.sha256().empty() || request.size_bytes() == 0) {
    return Failure{
        "evidence needs its fingerprint: give --file PATH (a local copy to hash), or both "
        "--sha256 and --size"};
  }
  request.set_sha256(ToLowerAscii(request.sha256()));
  if (request.media_type().empty()) {
    const std::string guessed = GuessMediaType(request.uri());
    if (guessed != "application/octet-stream") request.set_media_type(guessed);
  }
  return Success();
}

}  // namespace reviewtrail::cli
