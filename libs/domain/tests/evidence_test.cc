#include "domain_fixture.h"
#include "reviewtrail/domain/limits.h"

namespace reviewtrail::domain::testing {
namespace {

class EvidenceTest : public DomainTest {};

TEST_F(EvidenceTest, RecordsEvidenceWithALowercaseHash) {
  const std::string id = AssignAction();
  auto evidence = ValidEvidence(id);
  evidence.set_sha256(std::string(64, 'A'));
  const Decision decision = Accept(evidence, owner_);
  EXPECT_EQ(decision.events[0].evidence_attached().sha256(), std::string(64, 'a'));
  ASSERT_EQ(Action(id).evidence.size(), 1u);
  EXPECT_EQ(Action(id).evidence[0].attached_by, "olga");
}

TEST_F(EvidenceTest, Sha256MustBe64HexDigits) {
  const std::string id = AssignAction();
  for (const std::string& bad :
       {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'), std::string()}) {
    auto evidence = ValidEvidence(id);
    evidence.set_sha256(bad);
    EXPECT_THAT(Run(evidence, owner_), HasViolation("sha256")) << bad;
  }
}

TEST_F(EvidenceTest, SizeMustBePositive) {
  const std::string id = AssignAction();
  auto evidence = ValidEvidence(id);
  evidence.set_size_bytes(0);
  EXPECT_THAT(Run(evidence, owner_), HasViolation("size_bytes"));
}

TEST_F(EvidenceTest, UriSchemeMustBeAllowed) {
  const std::string id = AssignAction();
  for (const char* bad : {"javascript:alert(1)", "file:///etc/passwd", "ftp://x/y", "no-scheme",
                          "https://has space"}) {
    auto evidence = ValidEvidence(id);
    evidence.set_uri(bad);
    EXPECT_THAT(Run(evidence, owner_), HasViolation("uri")) << bad;
  }
  for (const char* good : {"https://a/b", "s3://bucket/key", "urn:isbn:123", "HTTPS://A/B"}) {
    auto evidence = ValidEvidence(id, std::string("e-") + good);
    evidence.set_uri(good);
    EXPECT_TRUE(Run(evidence, owner_).ok()) << good;
  }
}

TEST_F(EvidenceTest, KindMustBeFromTheEnum) {
  const std::string id = AssignAction();
  auto evidence = ValidEvidence(id);
  evidence.set_kind(v1::EVIDENCE_KIND_UNSPECIFIED);
  EXPECT_THAT(Run(evidence, owner_), HasViolation("kind"));
  evidence.set_kind(static_cast<v1::EvidenceKind>(99));
  EXPECT_THAT(Run(evidence, owner_), HasViolation("kind"));
}

TEST_F(EvidenceTest, MediaTypeMustLookLikeOne) {
  const std::string id = AssignAction();
  auto evidence = ValidEvidence(id);
  evidence.set_media_type("pdf");
  EXPECT_THAT(Run(evidence, owner_), HasViolation("media_type"));
}

TEST_F(EvidenceTest, OnlyTheOwnerOrAManagerAttaches) {
  const std::string id = AssignAction();
  EXPECT_THAT(Run(ValidEvidence(id, "e1"), other_owner_),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
  EXPECT_THAT(Run(ValidEvidence(id, "e2"), auditor_),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
  EXPECT_TRUE(Run(ValidEvidence(id, "e3"), manager_).ok());
}

TEST_F(EvidenceTest, AnOwnerWithoutAnOwnerRoleCannotAttach) {
  const std::string id = AssignAction();
  const auto olga_as_auditor = ContextFor("olga", {v1::ROLE_AUDITOR});
  EXPECT_THAT(Run(ValidEvidence(id), olga_as_auditor),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
}

TEST_F(EvidenceTest, AnActionHoldsABoundedAmountOfEvidence) {
  const std::string id = AssignAction();
  for (size_t i = 0; i < kMaxEvidencePerAction; ++i) {
    Accept(ValidEvidence(id, "e-" + std::to_string(i)), owner_);
  }
  const auto result = Run(ValidEvidence(id, "one-too-many"), owner_);
  EXPECT_THAT(result, IsError(ErrorCode::kFailedPrecondition, "EVIDENCE_LIMIT"));
  EXPECT_EQ(result.error().state, "IN_PROGRESS");
}

TEST_F(EvidenceTest, ClosureRequestListsTheEvidenceOnRecord) {
  const std::string id = AssignAction();
  const std::string evidence_id =
      Accept(ValidEvidence(id), owner_).events[0].evidence_attached().evidence_id();
  v1::RequestClosureRequest request;
  request.set_command_id("r1");
  request.set_action_id(id);
  const Decision decision = Accept(request, owner_);
  ASSERT_EQ(decision.events[0].closure_requested().evidence_ids_size(), 1);
  EXPECT_EQ(decision.events[0].closure_requested().evidence_ids(0), evidence_id);
}

}  // namespace
}  // namespace reviewtrail::domain::testing
