#include "reviewtrail/auth/principal.h"

#include "gtest/gtest.h"

namespace reviewtrail::auth {
namespace {

TEST(PrincipalTest, RoleNamesRoundTrip) {
  for (v1::Role role : {v1::ROLE_ISMS_MANAGER, v1::ROLE_ACTION_OWNER, v1::ROLE_AUDITOR,
                        v1::ROLE_SERVICE, v1::ROLE_SUBSCRIBER}) {
    EXPECT_EQ(RoleFromName(RoleName(role)), role);
  }
  EXPECT_EQ(RoleName(v1::ROLE_ISMS_MANAGER), "isms_manager");
  EXPECT_EQ(RoleName(v1::ROLE_ACTION_OWNER), "action_owner");
  EXPECT_EQ(RoleName(v1::ROLE_AUDITOR), "auditor");
  EXPECT_EQ(RoleName(v1::ROLE_SERVICE), "service");
  EXPECT_EQ(RoleName(v1::ROLE_SUBSCRIBER), "subscriber");
}

TEST(PrincipalTest, UnknownRolesHaveNoName) {
  EXPECT_EQ(RoleName(v1::ROLE_UNSPECIFIED), "");
  EXPECT_EQ(RoleName(static_cast<v1::Role>(99)), "");
  EXPECT_EQ(RoleFromName("admin"), std::nullopt);
  EXPECT_EQ(RoleFromName("ISMS_MANAGER"), std::nullopt);
  EXPECT_EQ(RoleFromName(""), std::nullopt);
}

TEST(PrincipalTest, HasRole) {
  const Principal principal{.tenant_id = "t", .person_id = "p", .roles = {v1::ROLE_AUDITOR}};
  EXPECT_TRUE(principal.HasRole(v1::ROLE_AUDITOR));
  EXPECT_FALSE(principal.HasRole(v1::ROLE_ISMS_MANAGER));
}

}  // namespace
}  // namespace reviewtrail::auth
