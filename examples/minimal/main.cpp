// The smallest Mizan application: a public context, `counter`, and a
// mutation that makes it stale. Built outside the main build against an
// installed Mizan (README.md, "Your own application").
#include <mizan/app.hpp>

#include <cstdint>
#include <vector>

inline constexpr mizan::context counter{"counter"};

struct Count {
  std::int64_t value;
};
BOOST_DESCRIBE_STRUCT(Count, (), (value))

struct AddArgs {
  std::int64_t by;
};
BOOST_DESCRIBE_STRUCT(AddArgs, (), (by))

Count get_count(mizan::call& c) {
  return c.db().query_one<Count>("SELECT value FROM counter WHERE id = 1");
}

Count add(mizan::call& c, const AddArgs& a) {
  c.db().exec("UPDATE counter SET value = value + ? WHERE id = 1", a.by);
  return get_count(c);
}

int main(int argc, char** argv) {
  mizan::registry app;
  app.add("get_count", &get_count).context(counter);
  app.add("add", &add).affects(counter).validate("by", {.required = true, .min = 1, .max = 100});
  const std::vector<mizan::db::migration> migrations = {
      {"0001_counter",
       "CREATE TABLE counter (id INTEGER PRIMARY KEY, value BIGINT NOT NULL);"
       "INSERT INTO counter (id, value) VALUES (1, 0)"}};
  return mizan::run(app, argc, argv, {.migrations = migrations});
}
