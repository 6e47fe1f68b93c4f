#include <catch2/catch.hpp>

#include "db/query.hpp"
#include "model_test_util.hpp"

using namespace mvt;
using db::Lookup;
using db::QuerySet;
using models::FieldDef;
using models::FieldType;
using models::ModelDef;

namespace {

using test::fk;

FieldDef field(std::string name, FieldType type) { return test::field(std::move(name), type, 200); }

FieldDef pk() { return test::pk(); }

/// blog.Post(title, published_date, author -> auth.User, tags -> Tag),
/// blog.Comment(post -> Post related_name comments, body), blog.Tag(name), auth.User(username).
models::ModelRegistry blog() {
  models::ModelRegistry r;
  ModelDef user;
  user.app_label = "auth";
  user.name = "User";
  FieldDef uid = field("id", FieldType::AutoField);
  uid.primary_key = true;
  user.fields = {uid, field("username", FieldType::CharField)};
  r.add(user);
  ModelDef tag;
  tag.app_label = "blog";
  tag.name = "Tag";
  tag.fields = {pk(), field("name", FieldType::CharField)};
  r.add(tag);
  ModelDef post;
  post.app_label = "blog";
  post.name = "Post";
  FieldDef tags = field("tags", FieldType::ManyToManyField);
  tags.to = "blog.Tag";
  post.fields = {pk(), field("title", FieldType::CharField), field("published_date", FieldType::DateTimeField),
                 fk("author", "auth.User", true), tags};
  post.options.ordering = std::vector<std::string>{"-published_date"};
  r.add(post);
  ModelDef comment;
  comment.app_label = "blog";
  comment.name = "Comment";
  comment.fields = {pk(), fk("post", "blog.Post", false, "comments"), field("body", FieldType::TextField)};
  r.add(comment);
  return r;
}

Lookup lk(std::vector<std::string> path, std::string op, std::vector<db::SqlValue> values) {
  Lookup l;
  l.path = std::move(path);
  l.lookup = std::move(op);
  l.values = std::move(values);
  return l;
}

}  // namespace

TEST_CASE("select uses every concrete column and Meta.ordering") {
  auto r = blog();
  QuerySet q(r, *r.get("blog.Post"));
  auto s = q.select_sql();
  CHECK(s.sql ==
        "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"published_date\", "
        "\"blog_post\".\"author_id\" FROM \"blog_post\" ORDER BY \"blog_post\".\"published_date\" DESC");
  CHECK(s.params.empty());
  CHECK(q.order_by({}).select_sql().sql.find("ORDER BY") == std::string::npos);
  CHECK(q.count_sql().sql == "SELECT COUNT(*) AS \"__count\" FROM \"blog_post\"");
}

TEST_CASE("lookups compile to Django's SQLite operators with bound parameters") {
  auto r = blog();
  QuerySet q(r, *r.get("blog.Post"));
  auto s = q.filter({lk({"title"}, "icontains", {"50%_off\\"}), lk({"id"}, "in", {1, 2, 3}),
                     lk({"published_date"}, "range", {"2026-01-01 00:00:00", "2026-12-31 23:59:59"})})
               .order_by({"title"})
               .select_sql();
  CHECK(s.sql.find("WHERE (\"blog_post\".\"title\" LIKE ? ESCAPE '\\' AND \"blog_post\".\"id\" IN (?, ?, ?) AND "
                   "\"blog_post\".\"published_date\" BETWEEN ? AND ?) ORDER BY \"blog_post\".\"title\" ASC") !=
        std::string::npos);
  REQUIRE(s.params.size() == 6);
  CHECK(s.params[0] == db::SqlValue("%50\\%\\_off\\\\%"));
  CHECK(s.params[1] == db::SqlValue(1));
  CHECK(s.params[5] == db::SqlValue("2026-12-31 23:59:59"));
  for (auto [op, sql] : std::vector<std::pair<std::string, std::string>>{
           {"exact", "= ?"}, {"gt", "> ?"}, {"gte", ">= ?"}, {"lt", "< ?"}, {"lte", "<= ?"},
           {"startswith", "LIKE ? ESCAPE"}, {"iendswith", "LIKE ? ESCAPE"}}) {
    INFO(op);
    CHECK(q.filter({lk({"title"}, op, {"x"})}).count_sql().sql.find("\"blog_post\".\"title\" " + sql) !=
          std::string::npos);
  }
}

TEST_CASE("None and isnull") {
  auto r = blog();
  QuerySet q(r, *r.get("blog.Post"));
  Lookup none = lk({"author"}, "exact", {});
  none.value_is_none = true;
  CHECK(q.filter({none}).count_sql().sql.ends_with("WHERE \"blog_post\".\"author_id\" IS NULL"));
  CHECK(q.filter({lk({"author"}, "isnull", {0})}).count_sql().sql.ends_with("\"blog_post\".\"author_id\" IS NOT NULL"));
  Lookup gt_none = lk({"title"}, "gt", {});
  gt_none.value_is_none = true;
  CHECK_THROWS_AS(q.filter({gt_none}).count_sql(), db::QueryError);
}

TEST_CASE("forward relations join, reverse and m2m relations too") {
  auto r = blog();
  QuerySet q(r, *r.get("blog.Post"));
  auto s = q.filter({lk({"author", "username"}, "exact", {"ann"})}).order_by({}).select_sql().sql;
  // INNER: the nullable join is demoted, as `username = ?` cannot match a NULL row (Django's JoinPromoter).
  CHECK(s.find("INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE "
               "\"auth_user\".\"username\" = ?") != std::string::npos);
  auto c = q.filter({lk({"comments", "body"}, "contains", {"hi"})}).count_sql().sql;
  CHECK(c.find("INNER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\")") !=
        std::string::npos);
  auto t = q.filter({lk({"tags", "name"}, "exact", {"c++"})}).count_sql().sql;
  CHECK(t.find("INNER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") INNER JOIN "
               "\"blog_tag\" ON (\"blog_post_tags\".\"tag_id\" = \"blog_tag\".\"id\")") != std::string::npos);
  // The FK column itself needs no join.
  CHECK(q.filter({lk({"author"}, "exact", {7})}).count_sql().sql ==
        "SELECT COUNT(*) AS \"__count\" FROM \"blog_post\" WHERE \"blog_post\".\"author_id\" = ?");
  // ordering by a related field joins (outer) too.
  CHECK(q.order_by({"-author__username"}).select_sql().sql.ends_with("ORDER BY \"auth_user\".\"username\" DESC"));
}

TEST_CASE("exclude keeps NULL rows and splits multi-valued relations") {
  auto r = blog();
  QuerySet q(r, *r.get("blog.Comment"));
  auto s = QuerySet(r, *r.get("blog.Post")).exclude({lk({"author", "username"}, "exact", {"bob"})}).count_sql().sql;
  CHECK(s.find("WHERE NOT (\"auth_user\".\"username\" = ? AND \"auth_user\".\"username\" IS NOT NULL)") !=
        std::string::npos);
  auto m = QuerySet(r, *r.get("blog.Post")).exclude({lk({"comments", "body"}, "exact", {"spam"})}).count_sql();
  CHECK(m.sql ==
        "SELECT COUNT(*) AS \"__count\" FROM \"blog_post\" WHERE NOT (\"blog_post\".\"id\" IN (SELECT "
        "\"blog_post\".\"id\" FROM \"blog_post\" INNER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = "
        "\"blog_comment\".\"post_id\") WHERE \"blog_comment\".\"body\" = ?))");
  CHECK(m.params == std::vector<db::SqlValue>{"spam"});
  CHECK(q.exclude({lk({"body"}, "exact", {"x"})}).count_sql().sql.ends_with("WHERE NOT (\"blog_comment\".\"body\" = ?)"));
}

TEST_CASE("empty in, slicing, unknown fields") {
  auto r = blog();
  QuerySet q(r, *r.get("blog.Post"));
  CHECK(q.filter({lk({"id"}, "in", {})}).is_empty());
  CHECK_FALSE(q.is_empty());
  CHECK(q.slice(20, 10).select_sql().sql.ends_with("DESC LIMIT 10 OFFSET 20"));
  CHECK_THROWS_AS(q.filter({lk({"nope"}, "exact", {1})}).select_sql(), db::QueryError);
  CHECK_THROWS_AS(q.filter({lk({"title", "x"}, "exact", {1})}).select_sql(), db::QueryError);
}

TEST_CASE("escape_like and quote_name") {
  CHECK(db::escape_like("a%b_c\\d") == "a\\%b\\_c\\\\d");
  CHECK(db::quote_name("blog_post") == "\"blog_post\"");
  CHECK(db::quote_name("\"x\"") == "\"x\"");
}
