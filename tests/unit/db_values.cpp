// Values as Django's SQLite backend stores them, and the connection.
#include <catch2/catch.hpp>

#include "db/connection.hpp"
#include "db/values.hpp"

using namespace mvt;
using namespace mvt::db;
using models::FieldDef;
using models::FieldType;
using models::Value;

namespace {

FieldDef field(FieldType t) {
  FieldDef f;
  f.name = std::string(1, 'f');  // (a plain "f" trips GCC 12's -Wrestrict false positive)
  f.type = t;
  return f;
}

}  // namespace

TEST_CASE("dateparse as Django's", "[db][values]") {
  CHECK(parse_date("2026-11-21") == Date{2026, 11, 21});
  CHECK(parse_date("2026-2-3") == Date{2026, 2, 3});
  CHECK_FALSE(parse_date("2026-02-30"));
  CHECK_FALSE(parse_date("2026-11-21x"));
  CHECK(parse_time("07:18") == Time{7, 18, 0, 0});
  CHECK(parse_time("07:18:03.5") == Time{7, 18, 3, 500000});
  auto dt = parse_datetime("2026-11-21T07:18:03.123Z");
  REQUIRE(dt);
  CHECK(dt->time.microsecond == 123000);
  CHECK(dt->offset_minutes == 0);
  auto local = parse_datetime("2026-11-21 01:30:00+02:00");
  REQUIRE(local);
  CHECK(format_datetime(to_utc(*local)) == "2026-11-20 23:30:00");
  CHECK(parse_duration("1 02:03:04.5") == (((24 + 2) * 60 + 3) * 60 + 4) * 1000000LL + 500000);
  CHECK(parse_duration("P1DT2H") == 26LL * 3600 * 1000000);
  CHECK(parse_duration("-00:00:01") == -1000000);
}

TEST_CASE("stored formats", "[db][values]") {
  CHECK(format_datetime({{2026, 11, 21}, {7, 18, 3, 0}, std::nullopt}) == "2026-11-21 07:18:03");
  CHECK(format_datetime({{2026, 11, 21}, {7, 18, 3, 120}, std::nullopt}) == "2026-11-21 07:18:03.000120");
  CHECK(to_db_value(field(FieldType::BooleanField), Value::boolean(true)) == SqlValue(1));
  CHECK(to_db_value(field(FieldType::UUIDField), Value::string("12345678-1234-5678-1234-567812345678")) ==
        SqlValue("12345678123456781234567812345678"));
  CHECK(to_db_value(field(FieldType::DurationField), Value::string("00:00:01.5")) == SqlValue(std::int64_t{1500000}));
  CHECK(to_db_value(field(FieldType::JSONField), Value::map({{"a", Value::integer(1)},
                                                              {"b", Value::list({Value::integer(1), Value::integer(2)})}})) ==
        SqlValue(R"({"a": 1, "b": [1, 2]})"));
  CHECK(to_db_value(field(FieldType::DateTimeField), Value::string("2026-11-21T08:00:00+01:00")) ==
        SqlValue("2026-11-21 07:00:00"));
  FieldDef dec = field(FieldType::DecimalField);
  dec.max_digits = 5;
  dec.decimal_places = 2;
  CHECK(to_db_value(dec, Value::string("1.5")) == SqlValue("1.50"));
  CHECK(to_db_value(dec, Value::string("2.345")) == SqlValue("2.34"));  // ROUND_HALF_EVEN
  CHECK_THROWS_AS(to_db_value(field(FieldType::IntegerField), Value::string("x")), std::invalid_argument);
  CHECK(sql_literal(SqlValue("it's")) == "'it''s'");
  CHECK(sql_literal(SqlValue(Blob{"\x01\xff"})) == "X'01ff'");
  CHECK(sql_literal(SqlValue(1.5)) == "1.5");
}

TEST_CASE("read back as Django's converters", "[db][values]") {
  FieldDef dec = field(FieldType::DecimalField);
  dec.decimal_places = 2;
  CHECK(from_db_value(dec, SqlValue(std::int64_t{3})).as_string() == "3.00");
  CHECK(from_db_value(dec, SqlValue(1.5)).as_string() == "1.50");
  CHECK(from_db_value(dec, SqlValue(0.1 + 0.2)).as_string() == "0.30");
  CHECK(from_db_value(field(FieldType::BooleanField), SqlValue(0)).as_bool() == false);
  CHECK(from_db_value(field(FieldType::UUIDField), SqlValue("12345678123456781234567812345678")).as_string() ==
        "12345678-1234-5678-1234-567812345678");
  auto json = from_db_value(field(FieldType::JSONField), SqlValue(R"({"b": [1, 2.5], "a": null})"));
  REQUIRE(json.kind() == Value::Kind::Map);
  CHECK(json.as_map()[0].first == "b");
  CHECK(models::json_dumps(json) == R"({"b": [1, 2.5], "a": null})");
  CHECK(from_db_value(field(FieldType::CharField), SqlValue()).is_null());
}

TEST_CASE("the connection: parameters, transactions, introspection", "[db][connection]") {
  Connection c(":memory:");
  CHECK(c.foreign_keys());
  c.execute_script("CREATE TABLE a (id integer PRIMARY KEY, name varchar(10) NOT NULL UNIQUE);"
                   "CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id) DEFERRABLE INITIALLY "
                   "DEFERRED); CREATE INDEX b_a ON b (a_id);");
  CHECK(c.execute("INSERT INTO a (name) VALUES (?)", {"x'; DROP TABLE a; --"}) == 1);
  CHECK(c.query_one("SELECT name FROM a")->at(0).as_text() == "x'; DROP TABLE a; --");
  {
    Transaction t(c);
    c.execute("INSERT INTO a (name) VALUES (?)", {"gone"});
  }  // rolled back
  CHECK(c.query_one("SELECT count(*) FROM a")->at(0).as_int() == 1);
  CHECK(c.table_names() == std::vector<std::string>{"a", "b"});
  auto info = c.table_info("a");
  REQUIRE(info.size() == 2);
  CHECK(info[1].type == "varchar(10)");
  CHECK(info[1].not_null);
  auto idx = c.index_list("b");
  REQUIRE(idx.size() == 1);
  CHECK(idx[0].columns == std::vector<std::string>{"a_id"});
  CHECK(c.foreign_key_list("b")[0].table == "a");
  c.set_foreign_keys(false);
  c.execute("INSERT INTO b (a_id) VALUES (42)");
  CHECK(c.foreign_key_violation() ==
        "The row in table 'b' with primary key '1' has an invalid foreign key: b.a_id contains a value '42' that "
        "does not have a corresponding value in a.id.");
  CHECK_THROWS_AS(c.execute("INSERT INTO a (name) VALUES (NULL)"), DatabaseError);
}

TEST_CASE("query_rows: every type in one flat block, the same rows as query", "[db][connection]") {
  Connection c(":memory:");
  c.execute_script("CREATE TABLE t (id integer PRIMARY KEY, name text, score real, data blob, note text)");
  c.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", {1, "a title longer than fifteen", 1.5, Blob{"\x01\x02"}, nullptr});
  c.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", {2, "b", 2.0, Blob{""}, "n"});
  const std::string sql = "SELECT id, name, score, data, note FROM t ORDER BY id";
  for (int run = 0; run < 2; ++run) {  // the second run reuses the statement and its size hint
    SqlRows rows = c.query_rows(sql);
    REQUIRE(rows.size() == 2);
    CHECK(rows.columns() == 5);
    CHECK(rows[0][0].as_int() == 1);
    CHECK(rows[0][1].as_text() == "a title longer than fifteen");
    CHECK(rows[0][2].as_real() == 1.5);
    CHECK(rows[0][3].as_blob().bytes == "\x01\x02");
    CHECK(rows[0][4].is_null());
    CHECK(rows[1][4].as_text() == "n");
    std::vector<SqlRow> copied;
    for (auto row : rows) copied.emplace_back(row.begin(), row.end());
    CHECK(copied == c.query(sql));
  }
  SqlRows none = c.query_rows("SELECT id FROM t WHERE id > ?", {5});
  CHECK(none.empty());
  CHECK(none.size() == 0);
  CHECK(none.begin() == none.end());
  SqlRows built;
  built.push_back(c.query_rows(sql)[1]);
  REQUIRE(built.size() == 1);
  CHECK(built[0][1].as_text() == "b");
}
