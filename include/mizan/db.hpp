// Mizan's data layer: SQLite or PostgreSQL with typed projections and
// migrations; the same code runs on both (docs/guide.md, "Two engines").
//
//     struct todo { std::int64_t id; std::string title; bool done; };
//     BOOST_DESCRIBE_STRUCT(todo, (), (id, title, done))
//
//     mizan::db::database db("sqlite:///data/app.db");
//     const mizan::db::migration migrations[] = {
//         {"0001_todos", "create table todos(id integer primary key, title text not null,"
//                        " done integer not null default 0)"}};
//     mizan::db::migrate(db, migrations);
//     db.exec("insert into todos(title) values (?)", "Write docs");
//     std::vector<todo> open = db.query<todo>("select id, title, done from todos where not done");
#pragma once

#include "mizan/db/connection.hpp"
#include "mizan/db/database.hpp"
#include "mizan/db/errors.hpp"
#include "mizan/db/migrate.hpp"
#include "mizan/db/time.hpp"
