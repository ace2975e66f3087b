// Deploy skew: which clients' calls are refused, and what the handshake's
// query says.
#include "server/dispatch/schema_skew.hpp"

#include <gtest/gtest.h>

namespace {

using namespace mizan::server;

TEST(SchemaSkew, OnlyAClientNamingAnotherSchemaIsStale) {
  EXPECT_FALSE(stale_schema("", "0123456789abcdef"));  // says nothing: not checked
  EXPECT_FALSE(stale_schema("0123456789abcdef", "0123456789abcdef"));
  EXPECT_TRUE(stale_schema("fedcba9876543210", "0123456789abcdef"));
  EXPECT_TRUE(stale_schema("0123456789ABCDEF", "0123456789abcdef"));  // no other spelling
}

TEST(SchemaSkew, TheHandshakeQueryCarriesTheHashAsS) {
  EXPECT_EQ(schema_of_handshake(""), "");
  EXPECT_EQ(schema_of_handshake("s="), "");
  EXPECT_EQ(schema_of_handshake("s=0123456789abcdef"), "0123456789abcdef");
  EXPECT_EQ(schema_of_handshake("x=1&s=abc&y=2"), "abc");
  EXPECT_EQ(schema_of_handshake("ss=abc&as=def"), "");
  EXPECT_EQ(schema_of_handshake("&&s=abc"), "abc");
  EXPECT_EQ(schema_of_handshake("s"), "");
}

TEST(SchemaSkew, TheRefusalIs409SchemaMismatch) {
  const auto e = schema_mismatch();
  EXPECT_EQ(e.status(), 409);
  EXPECT_EQ(e.code(), "schema_mismatch");
}

}  // namespace
