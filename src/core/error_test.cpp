#include "mizan/error.hpp"

#include <gtest/gtest.h>

TEST(Errc, StatusAndWireCodeComeFromOneTable) {
  EXPECT_EQ(mizan::status_of(mizan::errc::bad_request), 400);
  EXPECT_EQ(mizan::wire_code(mizan::errc::csrf_failed), "csrf_failed");
  EXPECT_EQ(mizan::status_of(mizan::errc::csrf_failed), 403);
  EXPECT_EQ(mizan::status_of(mizan::errc::validation), 422);
  EXPECT_EQ(mizan::wire_code(mizan::errc::unavailable), "unavailable");
}

TEST(Error, CarriesFieldsAndCustomCodes) {
  mizan::error e(mizan::errc::validation, "Invalid input.", {{"title", {"Required."}}});
  EXPECT_EQ(e.status(), 422);
  EXPECT_EQ(e.fields().at("title").front(), "Required.");
  mizan::error custom(409, "conflict", "Taken");
  EXPECT_EQ(custom.code(), "conflict");
  EXPECT_EQ(custom.status(), 409);
}
