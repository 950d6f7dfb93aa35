#include <memory>

#include "reviewtrail/cli/command_registry.h"
#include "reviewtrail/cli/request_builders.h"

namespace reviewtrail::cli {
namespace {

std::string CheckSha256(const std::string& text) {
  if (text.size() != 64 || text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return "must be 64 hex digits (a SHA-256), got '" + text + "'";
  }
  return "";
}

}  // namespace

void AddEvidenceCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* area =
      app.add_subcommand("evidence",
                         "Evidence that an action was carried out: what an auditor will look at "
                         "before accepting its closure.");
  area->require_subcommand(1);

  auto attach = registry.Add<v1::AttachEvidenceRequest>(
      *area, "attach",
      "Attach evidence to an action: a reference to the artefact (--uri) with its SHA-256 and "
      "size, so an auditor can later prove the artefact is unchanged. With --file the CLI hashes "
      "a local copy itself. By the action's owner or an ISMS manager; not on a closed or "
      "cancelled action.",
      "Attached evidence to action", &CommandStub::AttachEvidence);
  attach.invocation->entity_label = "evidence";
  v1::AttachEvidenceRequest* request = attach.request;
  attach.app->add_option("--action", *request->mutable_action_id(), "The action (act-...).")
      ->type_name("ACTION_ID")
      ->required();
  AddParsedFlag(
      *attach.app, "--kind", ParseEvidenceKind,
      [request](v1::EvidenceKind kind) { request->set_kind(kind); },
      "What the artefact is: policy-revision (a revised policy or procedure), training-record, "
      "control-update (a changed control or configuration), test-result, risk-register-extract, "
      "screenshot, approval-minutes (minutes recording an approval) or other.")
      ->type_name(EvidenceKindChoices())
      ->required();
  attach.app->add_option("--description", *request->mutable_description(),
                         "What the artefact shows, e.g. \"LMS completion report, 412/412 staff\".");
  attach.app
      ->add_option("--uri", *request->mutable_uri(),
                   "Where the artefact lives, retrievable by an auditor: an absolute https, http, "
                   "s3, gs or urn URI, e.g. https://dms.example.com/doc/4711. Required even with "
                   "--file (the file is hashed, not uploaded).")
      ->type_name("URI")
      ->required();
  auto file_flags = std::make_shared<EvidenceFileFlags>();
  CLI::Option* file =
      attach.app
          ->add_option_function<std::string>(
              "--file", [file_flags](const std::string& path) { file_flags->file = path; },
              "A local copy of the artefact: the CLI computes its SHA-256 and size (streaming) "
              "and guesses --media-type from its extension.")
          ->type_name("PATH");
  CLI::Option* sha256 =
      attach.app
          ->add_option("--sha256", *request->mutable_sha256(),
                       "The artefact's SHA-256 as 64 hex digits, instead of --file.")
          ->type_name("HEX")
          ->check(CheckSha256);
  CLI::Option* size =
      attach.app
          ->add_option_function<int64_t>(
              "--size,--size-bytes", [request](int64_t bytes) { request->set_size_bytes(bytes); },
              "The artefact's size in bytes, instead of --file.")
          ->type_name("BYTES")
          ->check(CLI::PositiveNumber.description(""));
  file->excludes(sha256)->excludes(size);
  attach.app->add_option("--media-type", *request->mutable_media_type(),
                         "The artefact's media type, e.g. application/pdf. Default: guessed from "
                         "the extension of --file or of the URI.");
  attach.invocation->completions.push_back(
      [file_flags, request] { return CompleteEvidence(*file_flags, *request); });
}

}  // namespace reviewtrail::cli
