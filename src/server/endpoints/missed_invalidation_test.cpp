// Development mode's missed-invalidation check through the endpoints: a
// mutation that writes a table a context reads, without declaring what it
// does to that context, answers with X-Mizan-Warning.
#include "server/dispatch/missed_invalidation.hpp"
#include "server/endpoints/endpoints.hpp"

#include "db/test_support.hpp"
#include "server/app/test_services.hpp"
#include "server/identity/csrf.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace mizan;
using namespace mizan::server;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

inline constexpr context notes{"notes"};
inline constexpr context tags{"tags"};

std::int64_t count_notes(call& c) {
  return c.db().scalar<std::int64_t>("SELECT count(*) FROM notes");
}
void insert_note(call& c) {
  c.db().exec("INSERT INTO notes (body) VALUES ('x')");
}

registry make_registry() {
  registry app;
  app.add("count_notes", &count_notes).context(notes);
  app.add("count_tags", [](call& c) { return c.db().scalar<std::int64_t>("SELECT 1"); })
      .context(tags);
  app.add("add_note", &insert_note);  // declares nothing: the missed invalidation
  app.add("add_note_declared", &insert_note).affects(notes);
  app.add("add_note_unaffected", &insert_note).unaffected(notes);
  app.add("read_notes", &count_notes);  // writes nothing
  return app;
}

std::vector<std::string> warnings_of(const http::response& r) {
  std::vector<std::string> out;
  for (const auto& h : r.headers) {
    if (h.name == "X-Mizan-Warning") out.push_back(h.value);
  }
  return out;
}

class MissedInvalidation : public ::testing::Test {
 protected:
  explicit MissedInvalidation(bool debug = true, const std::string& database_url = {})
      : svc_(settings_with(debug, database_url), reg_) {
    const auto id = db_test::auto_id(svc_.database.engine());
    svc_.database.execute_script(fmt::format("CREATE TABLE notes (id {}, body TEXT)", id));
  }

  static settings settings_with(bool debug, const std::string& database_url) {
    auto s = test::in_memory_settings();
    s.debug = debug;
    if (!database_url.empty()) s.database_url = database_url;
    return s;
  }

  void read_context(std::string_view name) {
    const auto& ctx = *svc_.cat.context(name);
    auto lookup = lookup_context(svc_, ctx, "");
    const auto res = context_endpoint(svc_, caller{}, ctx, lookup, "", [] { return reply{}; });
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body_view();
  }

  http::response call(std::string_view function) {
    const auto token = make_csrf_token(svc_.cfg.secret_key);
    http::request req;
    req.method = "POST";
    req.target = "/api/mizan/call/" + std::string(function) + "/";
    req.headers = {{"Cookie", "mizan_csrf=" + token},
                   {"X-CSRF-Token", token},
                   {"Content-Type", "application/json"}};
    req.body = "{}";
    req.remote_address = "127.0.0.1";
    mutation_effects effects;
    return call_endpoint(svc_, caller_of(req), svc_.cat.function(function), req.body, effects);
  }

  registry reg_ = make_registry();
  services svc_;
};

class MissedInvalidationOff : public MissedInvalidation {
 protected:
  MissedInvalidationOff() : MissedInvalidation(false) {}
};

// The database first: it must outlive the services.
struct postgresql_database {
  db_test::fresh_database fresh{db_test::engine::postgresql};
};

class PostgresqlMissedInvalidation : private postgresql_database, public MissedInvalidation {
 protected:
  PostgresqlMissedInvalidation() : MissedInvalidation(true, fresh.url()) {}
};

TEST_F(MissedInvalidation, AnUndeclaredWriteToATableAContextReadsIsNamedInAHeader) {
  read_context("notes");
  read_context("tags");  // reads no table: never named
  testing::internal::CaptureStderr();
  const auto res = call("add_note");
  const auto log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(res.status, 200);
  const std::string expected =
      "add_note writes table notes, read by context notes, but does not declare affects(notes) "
      "(or unaffected(notes))";
  EXPECT_THAT(warnings_of(res), ElementsAre(expected));
  EXPECT_THAT(log, HasSubstr("mizan: warning: " + expected));

  // Every call carries it; the log says it once.
  testing::internal::CaptureStderr();
  EXPECT_THAT(warnings_of(call("add_note")), ElementsAre(expected));
  EXPECT_THAT(testing::internal::GetCapturedStderr(), IsEmpty());
}

TEST_F(MissedInvalidation, AffectsOrUnaffectedSilenceIt) {
  read_context("notes");
  EXPECT_THAT(warnings_of(call("add_note_declared")), IsEmpty());
  EXPECT_THAT(warnings_of(call("add_note_unaffected")), IsEmpty());
  EXPECT_THAT(warnings_of(call("read_notes")), IsEmpty());  // reading is no write
}

TEST_F(MissedInvalidation, AContextNotYetReadCannotBeCheckedAtTheMutation) {
  EXPECT_THAT(warnings_of(call("add_note")), IsEmpty());
  // Read afterwards, it names the mutation seen before, in the log.
  testing::internal::CaptureStderr();
  read_context("notes");
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              HasSubstr("warning: add_note writes table notes, read by context notes"));
}

TEST_F(PostgresqlMissedInvalidation, TheTransactionsStatisticsTellTheSameStory) {
  read_context("notes");
  EXPECT_THAT(warnings_of(call("add_note")),
              ElementsAre(HasSubstr("add_note writes table notes, read by context notes")));
  EXPECT_THAT(warnings_of(call("add_note_declared")), IsEmpty());
  EXPECT_THAT(warnings_of(call("add_note_unaffected")), IsEmpty());
  EXPECT_THAT(warnings_of(call("read_notes")), IsEmpty());
}

TEST_F(MissedInvalidationOff, DebugOffObservesNothing) {
  EXPECT_FALSE(svc_.invalidation_check);
  read_context("notes");
  EXPECT_THAT(warnings_of(call("add_note")), IsEmpty());
}

TEST(MissedInvalidationRules, SigningInOrOutDeclaresEveryPrivateContext) {
  function_def f;
  f.name = "auth_logout";
  f.affects_private_contexts = true;
  context_def mine{.name = "mine", .is_private = true};
  context_def shared{.name = "shared"};
  EXPECT_TRUE(declares_effect_on(f, mine));
  EXPECT_FALSE(declares_effect_on(f, shared));
  f.affects.push_back({"shared", [](const void*, const void*) { return boost::json::object{}; }});
  EXPECT_TRUE(declares_effect_on(f, shared));  // a scoped affects declares it too
}

TEST(MissedInvalidationRules, RegistrationRefusesUnaffectedOnAnUnknownOrAffectedContext) {
  registry unknown;
  unknown.add("count_notes", &count_notes).context(notes);
  unknown.add("add_note", &insert_note).unaffected(tags);
  EXPECT_THROW(catalog(unknown, "/api"), std::invalid_argument);
  registry both;
  both.add("count_notes", &count_notes).context(notes);
  both.add("add_note", &insert_note).affects(notes).unaffected(notes);
  try {
    catalog(both, "/api");
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("both affects and unaffected on context 'notes'"));
  }
}

}  // namespace
