#include "mizan/error.hpp"

#include "core/error_body.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

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

// The envelope is written once for every layer; these pin its bytes.
TEST(ErrorBody, WritesCodeAndMessageEscaped) {
  EXPECT_EQ(mizan::core::error_body(mizan::error(mizan::errc::bad_request, "Bad \"x\"\n")),
            R"({"error":{"code":"bad_request","message":"Bad \"x\"\n"}})");
}

TEST(ErrorBody, WritesFieldsInNameOrder) {
  mizan::field_errors fields{{"title", {"Required.", "Too \"long\"."}}, {"a", {"x"}}};
  EXPECT_EQ(
      mizan::core::error_body(mizan::error(mizan::errc::validation, "Invalid input.", fields)),
      R"({"error":{"code":"validation","message":"Invalid input.",)"
      R"("fields":{"a":["x"],"title":["Required.","Too \"long\"."]}}})");
}

TEST(ErrorBody, MatchesBoostJsonForTheSameEnvelope) {
  // What the server wrote before the envelope had one writer.
  mizan::field_errors fields{{"f", {"m\u2028<>&"}}};
  mizan::error e(mizan::errc::validation, "tab\there", fields);
  boost::json::object inner{{"code", e.code()}, {"message", e.what()}};
  inner["fields"] = boost::json::object{{"f", boost::json::array{"m\u2028<>&"}}};
  EXPECT_EQ(mizan::core::error_body(e),
            boost::json::serialize(boost::json::object{{"error", inner}}));
}
