// Round trips of every supported parameter and column type.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "mizan/db.hpp"

namespace db_test {

struct all_types {
  bool b;
  std::int8_t i8;
  std::uint8_t u8;
  std::int16_t i16;
  std::uint16_t u16;
  std::int32_t i32;
  std::uint32_t u32;
  std::int64_t i64;
  std::uint64_t u64;
  double d;
  std::string s;
  std::optional<std::int64_t> oi;
  std::optional<std::string> os;
  std::optional<double> od;
  std::optional<bool> ob;
};
BOOST_DESCRIBE_STRUCT(all_types, (),
                      (b, i8, u8, i16, u16, i32, u32, i64, u64, d, s, oi, os, od, ob))

}  // namespace db_test

namespace {

using db_test::all_types;
using mizan::db::database;

constexpr std::string_view insert_all =
    "insert into t(b, i8, u8, i16, u16, i32, u32, i64, u64, d, s, oi, os, od, ob) "
    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

class Types : public ::testing::Test {
 protected:
  Types() {
    db.exec(
        "create table t(k integer primary key, b, i8, u8, i16, u16, i32, u32, i64, u64, d, s, "
        "oi, os, od, ob)");
  }
  template <class T>
  static T lim_min() {
    return std::numeric_limits<T>::min();
  }
  template <class T>
  static T lim_max() {
    return std::numeric_limits<T>::max();
  }
  database db{"sqlite::memory:"};
};

TEST_F(Types, ExtremesRoundTrip) {
  const all_types low{false,
                      lim_min<std::int8_t>(),
                      lim_min<std::uint8_t>(),
                      lim_min<std::int16_t>(),
                      lim_min<std::uint16_t>(),
                      lim_min<std::int32_t>(),
                      lim_min<std::uint32_t>(),
                      lim_min<std::int64_t>(),
                      0,
                      -1e300,
                      "",
                      lim_min<std::int64_t>(),
                      std::string(""),
                      -0.5,
                      false};
  const all_types high{true,
                       lim_max<std::int8_t>(),
                       lim_max<std::uint8_t>(),
                       lim_max<std::int16_t>(),
                       lim_max<std::uint16_t>(),
                       lim_max<std::int32_t>(),
                       lim_max<std::uint32_t>(),
                       lim_max<std::int64_t>(),
                       static_cast<std::uint64_t>(lim_max<std::int64_t>()),
                       0.1,
                       "text with 'quotes' and \"double\"",
                       lim_max<std::int64_t>(),
                       std::string("x"),
                       1e-300,
                       true};
  for (const all_types& v : {low, high}) {
    db.exec(insert_all, v.b, v.i8, v.u8, v.i16, v.u16, v.i32, v.u32, v.i64, v.u64, v.d, v.s, v.oi,
            v.os, v.od, v.ob);
    const auto r = db.query_one<all_types>(
        "select b, i8, u8, i16, u16, i32, u32, i64, u64, d, s, oi, os, od, ob from t where k = ?",
        db.last_insert_rowid());
    EXPECT_EQ(r.b, v.b);
    EXPECT_EQ(r.i8, v.i8);
    EXPECT_EQ(r.u8, v.u8);
    EXPECT_EQ(r.i16, v.i16);
    EXPECT_EQ(r.u16, v.u16);
    EXPECT_EQ(r.i32, v.i32);
    EXPECT_EQ(r.u32, v.u32);
    EXPECT_EQ(r.i64, v.i64);
    EXPECT_EQ(r.u64, v.u64);
    EXPECT_EQ(r.d, v.d);  // exact: SQLite stores IEEE doubles
    EXPECT_EQ(r.s, v.s);
    EXPECT_EQ(r.oi, v.oi);
    EXPECT_EQ(r.os, v.os);
    EXPECT_EQ(r.od, v.od);
    EXPECT_EQ(r.ob, v.ob);
  }
  // Stored as SQLite's own types, checked by SQLite rather than by our reader.
  EXPECT_EQ(db.scalar<std::string>("select typeof(b) || typeof(i64) || typeof(d) || typeof(s) "
                                   "from t where k = 2"),
            "integerintegerrealtext");
  EXPECT_EQ(db.scalar<std::int64_t>("select b + i8 from t where k = 2"), 128);
}

TEST_F(Types, NullsRoundTripThroughOptionals) {
  db.exec(insert_all, true, 1, 1, 1, 1, 1, 1u, 1, 1u, 1.0, "s", std::optional<std::int64_t>{},
          std::optional<std::string>{}, nullptr, std::nullopt);
  const auto r = db.query_one<all_types>(
      "select b, i8, u8, i16, u16, i32, u32, i64, u64, d, s, oi, os, od, ob from t");
  EXPECT_EQ(r.oi, std::nullopt);
  EXPECT_EQ(r.os, std::nullopt);
  EXPECT_EQ(r.od, std::nullopt);
  EXPECT_EQ(r.ob, std::nullopt);
  EXPECT_EQ(db.scalar<std::int64_t>("select count(*) from t where oi is null and os is null and "
                                    "od is null and ob is null"),
            1);
  EXPECT_EQ(db.scalar<std::optional<std::int64_t>>("select max(i64) from t where 0"), std::nullopt);
}

TEST_F(Types, TextParametersKeepTheirBytes) {
  // Expected hex from: node -e 'console.log(Buffer.from("a\0b").toString("hex"))' -> 610062,
  // and Buffer.from("نص") -> d986d8b5.
  EXPECT_EQ(db.scalar<std::string>("select hex(?)", std::string("a\0b", 3)), "610062");
  EXPECT_EQ(db.scalar<std::string>("select hex(?)", std::string_view("نص")), "D986D8B5");
  EXPECT_EQ(db.scalar<std::string>("select ?", std::string("a\0b", 3)), std::string("a\0b", 3));
  const char* c_string = "plain";
  EXPECT_EQ(db.scalar<std::string>("select ? || ?", c_string, "literal"), "plainliteral");
  // A default string_view has a null data pointer; it is still the empty text.
  EXPECT_EQ(db.scalar<std::string>("select typeof(?)", std::string_view{}), "text");
  EXPECT_EQ(db.scalar<std::string>("select typeof(?)", nullptr), "null");
  // A substring view binds only its own bytes.
  const std::string_view whole = "abcdef";
  EXPECT_EQ(db.scalar<std::string>("select ?", whole.substr(1, 3)), "bcd");
}

TEST_F(Types, BlobsReadIntoStringsKeepEveryByte) {
  // x'00ff80c3' is a zero, two bytes that are not UTF-8 and a lone lead byte.
  EXPECT_EQ(db.scalar<std::string>("select x'00ff80c3'"), std::string("\x00\xff\x80\xc3", 4));
  EXPECT_EQ(db.scalar<std::string>("select x''"), "");
  db.exec("create table b(v blob)");
  db.exec("insert into b values (x'410042')");
  EXPECT_EQ(db.scalar<std::string>("select v from b"), std::string("A\0B", 3));
}

TEST_F(Types, ScalarsOfEveryKind) {
  EXPECT_EQ(db.scalar<bool>("select 1"), true);
  EXPECT_EQ(db.scalar<std::uint16_t>("select 65535"), 65535);
  EXPECT_EQ(db.scalar<double>("select 3"), 3.0);  // integers read as doubles
  EXPECT_EQ(db.scalar<double>("select ?", 2.5), 2.5);
}

TEST_F(Types, UnsignedParameterAboveInt64IsRefused) {
  const std::uint64_t too_big = static_cast<std::uint64_t>(lim_max<std::int64_t>()) + 1;
  EXPECT_THROW(db.scalar<std::int64_t>("select ?", too_big), std::out_of_range);
  // The statement was handed back reset: the same SQL works right after.
  EXPECT_EQ(db.scalar<std::uint64_t>("select ?", too_big - 1), too_big - 1);
}

TEST_F(Types, IntegersThatDoNotFitThrowOnRead) {
  EXPECT_THROW(db.scalar<std::uint8_t>("select 256"), std::logic_error);
  EXPECT_THROW(db.scalar<std::int8_t>("select -129"), std::logic_error);
  EXPECT_THROW(db.scalar<std::int32_t>("select 2147483648"), std::logic_error);
  EXPECT_THROW(db.scalar<std::uint64_t>("select -1"), std::logic_error);
  EXPECT_THROW(db.scalar<std::uint32_t>("select -1"), std::logic_error);
  EXPECT_THROW(db.scalar<bool>("select 2"), std::logic_error);
  EXPECT_EQ(db.scalar<std::int32_t>("select -2147483648"), lim_min<std::int32_t>());
  EXPECT_EQ(db.scalar<std::int8_t>("select -128"), -128);
}

}  // namespace
