// The SQL of filter()/exclude()/order_by() across nullable, reverse and
// many-to-many relations, compared with Django 3.2's: join types (Django's
// Query.join / JoinPromoter), join trimming, aliases and WHERE grouping.
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

/// The models of tests/e2e/test_runserver_lookups.py: blog.Tag(name),
/// blog.Post(title, rating null, published_date, author -> auth.User null
/// related_name posts, tags -> Tag related_name posts), blog.Comment(post ->
/// Post related_name comments, body), auth.User(username, email).
models::ModelRegistry blog() {
  models::ModelRegistry r;
  ModelDef user;
  user.app_label = "auth";
  user.name = "User";
  FieldDef uid = test::field("id", FieldType::AutoField);
  uid.primary_key = true;
  user.fields = {uid, test::field("username", FieldType::CharField), test::field("email", FieldType::CharField)};
  r.add(user);
  ModelDef tag;
  tag.app_label = "blog";
  tag.name = "Tag";
  tag.fields = {test::pk(), test::field("name", FieldType::CharField)};
  r.add(tag);
  ModelDef post;
  post.app_label = "blog";
  post.name = "Post";
  FieldDef rating = test::field("rating", FieldType::IntegerField);
  rating.null = true;
  FieldDef tags = test::field("tags", FieldType::ManyToManyField);
  tags.to = "blog.Tag";
  tags.related_name = "posts";
  post.fields = {test::pk(), test::field("title", FieldType::CharField, 200), rating,
                 test::field("published_date", FieldType::DateTimeField), test::fk("author", "auth.User", true, "posts"),
                 tags};
  r.add(post);
  ModelDef comment;
  comment.app_label = "blog";
  comment.name = "Comment";
  comment.fields = {test::pk(), test::fk("post", "blog.Post", false, "comments"), test::field("body", FieldType::TextField)};
  r.add(comment);
  return r;
}

/// `key=value` of a filter() call; `none` is a None value.
struct Kwarg {
  std::string key;
  std::vector<db::SqlValue> values;
  bool none = false;
};

/// A QuerySet method call: 'f' filter, 'x' exclude, 'o' order_by.
struct Call {
  char kind;
  std::vector<Kwarg> kwargs;
  std::vector<std::string> order;
};

struct Case {
  std::string model;
  std::vector<Call> calls;
  std::string sql;  // Django's, parameters as ?
  std::vector<db::SqlValue> params;
};

Lookup lookup(const Kwarg& k) {
  static const std::vector<std::string> lookups = {"exact", "iexact", "contains", "icontains", "in", "gt", "gte", "lt",
                                                   "lte", "startswith", "istartswith", "endswith", "iendswith",
                                                   "isnull", "range"};
  Lookup l;
  for (std::size_t start = 0;;) {
    std::size_t sep = k.key.find("__", start);
    l.path.push_back(k.key.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  if (l.path.size() > 1 && std::find(lookups.begin(), lookups.end(), l.path.back()) != lookups.end()) {
    l.lookup = l.path.back();
    l.path.pop_back();
  }
  l.values = k.values;
  l.value_is_none = k.none;
  return l;
}

// Generated from Django 3.2.25 (/usr/bin/python3): for each case,
// Model.objects.order_by() followed by the calls, then
// `sql, params = qs.query.sql_with_params()` with %s written as ?. Keyword
// arguments are in sorted order, as Django's Q(**kwargs) processes them.
const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
    {"blog.Post", {{'f', {{"comments__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") WHERE \"blog_comment\".\"id\" IS NULL",
     {}},
    {"blog.Post", {{'f', {{"comments__isnull", {db::SqlValue(0)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") WHERE \"blog_comment\".\"id\" IS NOT NULL",
     {}},
    {"blog.Post", {{'f', {{"author__username", {db::SqlValue(std::string("a"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE \"auth_user\".\"username\" = ?",
     {db::SqlValue(std::string("a"))}},
    {"blog.Post", {{'f', {{"author__username__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE \"auth_user\".\"username\" IS NULL",
     {}},
    {"blog.Post", {{'f', {{"author__username", {}, true}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE \"auth_user\".\"username\" IS NULL",
     {}},
    {"blog.Post", {{'f', {{"author__username", {db::SqlValue(std::string("a"))}, false}, {"comments__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") LEFT OUTER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") WHERE (\"auth_user\".\"username\" = ? AND \"blog_comment\".\"id\" IS NULL)",
     {db::SqlValue(std::string("a"))}},
    {"blog.Post", {{'f', {{"comments__isnull", {db::SqlValue(1)}, false}}, {}}, {'f', {{"comments__body", {db::SqlValue(std::string("x"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") INNER JOIN \"blog_comment\" T3 ON (\"blog_post\".\"id\" = T3.\"post_id\") WHERE (\"blog_comment\".\"id\" IS NULL AND T3.\"body\" = ?)",
     {db::SqlValue(std::string("x"))}},
    {"blog.Post", {{'f', {{"comments__body", {db::SqlValue(std::string("x"))}, false}}, {}}, {'f', {{"comments__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") LEFT OUTER JOIN \"blog_comment\" T3 ON (\"blog_post\".\"id\" = T3.\"post_id\") WHERE (\"blog_comment\".\"body\" = ? AND T3.\"id\" IS NULL)",
     {db::SqlValue(std::string("x"))}},
    {"blog.Post", {{'f', {{"author__username__isnull", {db::SqlValue(1)}, false}}, {}}, {'f', {{"author__username", {db::SqlValue(std::string("a"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE (\"auth_user\".\"username\" IS NULL AND \"auth_user\".\"username\" = ?)",
     {db::SqlValue(std::string("a"))}},
    {"blog.Post", {{'x', {{"author__username", {db::SqlValue(std::string("a"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE NOT (\"auth_user\".\"username\" = ? AND \"auth_user\".\"username\" IS NOT NULL)",
     {db::SqlValue(std::string("a"))}},
    {"blog.Post", {{'x', {{"author__username", {db::SqlValue(std::string("a"))}, false}, {"title", {db::SqlValue(std::string("b"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE NOT (\"auth_user\".\"username\" = ? AND \"auth_user\".\"username\" IS NOT NULL AND \"blog_post\".\"title\" = ?)",
     {db::SqlValue(std::string("a")), db::SqlValue(std::string("b"))}},
    {"blog.Post", {{'x', {{"author__username__isnull", {db::SqlValue(1)}, false}, {"title", {db::SqlValue(std::string("b"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE NOT (\"auth_user\".\"username\" IS NULL AND \"blog_post\".\"title\" = ?)",
     {db::SqlValue(std::string("b"))}},
    {"blog.Post", {{'x', {{"author__email__isnull", {db::SqlValue(1)}, false}, {"author__username__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE NOT (\"auth_user\".\"email\" IS NULL AND \"auth_user\".\"username\" IS NULL)",
     {}},
    {"blog.Post", {{'x', {{"author__username__isnull", {db::SqlValue(0)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE NOT (\"auth_user\".\"username\" IS NOT NULL)",
     {}},
    {"blog.Post", {{'x', {{"author__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" WHERE NOT (\"blog_post\".\"author_id\" IS NULL)",
     {}},
    {"blog.Post", {{'x', {{"author_id", {db::SqlValue(2)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" WHERE NOT (\"blog_post\".\"author_id\" = ? AND \"blog_post\".\"author_id\" IS NOT NULL)",
     {db::SqlValue(2)}},
    {"blog.Post", {{'x', {{"rating__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" WHERE NOT (\"blog_post\".\"rating\" IS NULL)",
     {}},
    {"blog.Post", {{'f', {{"rating", {db::SqlValue(3)}, false}}, {}}, {'x', {{"author__username", {db::SqlValue(std::string("a"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE (\"blog_post\".\"rating\" = ? AND NOT (\"auth_user\".\"username\" = ? AND \"auth_user\".\"username\" IS NOT NULL))",
     {db::SqlValue(3), db::SqlValue(std::string("a"))}},
    {"blog.Post", {{'f', {{"author__username", {db::SqlValue(std::string("a"))}, false}}, {}}, {'x', {{"author__email", {db::SqlValue(std::string("b"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE (\"auth_user\".\"username\" = ? AND NOT (\"auth_user\".\"email\" = ?))",
     {db::SqlValue(std::string("a")), db::SqlValue(std::string("b"))}},
    {"blog.Comment", {{'x', {{"post__title", {db::SqlValue(std::string("a"))}, false}}, {}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") WHERE NOT (\"blog_post\".\"title\" = ?)",
     {db::SqlValue(std::string("a"))}},
    {"blog.Comment", {{'f', {{"post__author__username", {db::SqlValue(std::string("a"))}, false}}, {}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE \"auth_user\".\"username\" = ?",
     {db::SqlValue(std::string("a"))}},
    {"blog.Comment", {{'f', {{"post__author__username__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE \"auth_user\".\"username\" IS NULL",
     {}},
    {"blog.Comment", {{'f', {{"post__author__username__isnull", {db::SqlValue(1)}, false}, {"post__title", {db::SqlValue(std::string("x"))}, false}}, {}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE (\"auth_user\".\"username\" IS NULL AND \"blog_post\".\"title\" = ?)",
     {db::SqlValue(std::string("x"))}},
    {"blog.Comment", {{'x', {{"post__author__username__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE NOT (\"auth_user\".\"username\" IS NULL)",
     {}},
    {"blog.Comment", {{'f', {{"post__author__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") WHERE \"blog_post\".\"author_id\" IS NULL",
     {}},
    {"blog.Post", {{'f', {{"author__id", {db::SqlValue(2)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" WHERE \"blog_post\".\"author_id\" = ?",
     {db::SqlValue(2)}},
    {"blog.Post", {{'f', {{"author__pk__in", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" WHERE \"blog_post\".\"author_id\" IN (?)",
     {db::SqlValue(1)}},
    {"blog.Post", {{'f', {{"author", {}, true}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" WHERE \"blog_post\".\"author_id\" IS NULL",
     {}},
    {"blog.Post", {{'f', {{"tags__name", {db::SqlValue(std::string("c"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") INNER JOIN \"blog_tag\" ON (\"blog_post_tags\".\"tag_id\" = \"blog_tag\".\"id\") WHERE \"blog_tag\".\"name\" = ?",
     {db::SqlValue(std::string("c"))}},
    {"blog.Post", {{'f', {{"tags__isnull", {db::SqlValue(1)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") WHERE \"blog_post_tags\".\"tag_id\" IS NULL",
     {}},
    {"blog.Post", {{'f', {{"tags", {db::SqlValue(3)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") WHERE \"blog_post_tags\".\"tag_id\" = ?",
     {db::SqlValue(3)}},
    {"blog.Post", {{'f', {{"tags__id", {db::SqlValue(3)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") WHERE \"blog_post_tags\".\"tag_id\" = ?",
     {db::SqlValue(3)}},
    {"blog.Post", {{'f', {{"tags__id", {db::SqlValue(3)}, false}, {"tags__name", {db::SqlValue(std::string("a"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") INNER JOIN \"blog_tag\" ON (\"blog_post_tags\".\"tag_id\" = \"blog_tag\".\"id\") WHERE (\"blog_post_tags\".\"tag_id\" = ? AND \"blog_tag\".\"name\" = ?)",
     {db::SqlValue(3), db::SqlValue(std::string("a"))}},
    {"blog.Post", {{'f', {{"tags__name", {db::SqlValue(std::string("a"))}, false}}, {}}, {'f', {{"tags__name", {db::SqlValue(std::string("b"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") INNER JOIN \"blog_tag\" ON (\"blog_post_tags\".\"tag_id\" = \"blog_tag\".\"id\") INNER JOIN \"blog_post_tags\" T4 ON (\"blog_post\".\"id\" = T4.\"post_id\") INNER JOIN \"blog_tag\" T5 ON (T4.\"tag_id\" = T5.\"id\") WHERE (\"blog_tag\".\"name\" = ? AND T5.\"name\" = ?)",
     {db::SqlValue(std::string("a")), db::SqlValue(std::string("b"))}},
    {"blog.Post", {{'f', {{"tags__posts__title__startswith", {db::SqlValue(std::string("h"))}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_post_tags\" ON (\"blog_post\".\"id\" = \"blog_post_tags\".\"post_id\") INNER JOIN \"blog_tag\" ON (\"blog_post_tags\".\"tag_id\" = \"blog_tag\".\"id\") INNER JOIN \"blog_post_tags\" T4 ON (\"blog_tag\".\"id\" = T4.\"tag_id\") INNER JOIN \"blog_post\" T5 ON (T4.\"post_id\" = T5.\"id\") WHERE T5.\"title\" LIKE ? ESCAPE '\\'",
     {db::SqlValue(std::string("h%"))}},
    {"blog.Post", {{'f', {{"comments__id", {db::SqlValue(3)}, false}}, {}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") WHERE \"blog_comment\".\"id\" = ?",
     {db::SqlValue(3)}},
    {"blog.Post", {{'o', {}, {"author__username"}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") ORDER BY \"auth_user\".\"username\" ASC",
     {}},
    {"blog.Post", {{'o', {}, {"comments__body"}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" LEFT OUTER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") ORDER BY \"blog_comment\".\"body\" ASC",
     {}},
    {"blog.Post", {{'f', {{"comments__body", {db::SqlValue(std::string("x"))}, false}}, {}}, {'o', {}, {"comments__body"}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"blog_comment\" ON (\"blog_post\".\"id\" = \"blog_comment\".\"post_id\") WHERE \"blog_comment\".\"body\" = ? ORDER BY \"blog_comment\".\"body\" ASC",
     {db::SqlValue(std::string("x"))}},
    {"blog.Post", {{'f', {{"author__username", {db::SqlValue(std::string("a"))}, false}}, {}}, {'o', {}, {"-author__username"}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" INNER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") WHERE \"auth_user\".\"username\" = ? ORDER BY \"auth_user\".\"username\" DESC",
     {db::SqlValue(std::string("a"))}},
    {"blog.Post", {{'o', {}, {"author__id"}}},
     "SELECT \"blog_post\".\"id\", \"blog_post\".\"title\", \"blog_post\".\"rating\", \"blog_post\".\"published_date\", \"blog_post\".\"author_id\" FROM \"blog_post\" ORDER BY \"blog_post\".\"author_id\" ASC",
     {}},
    {"blog.Comment", {{'o', {}, {"post__title"}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") ORDER BY \"blog_post\".\"title\" ASC",
     {}},
    {"blog.Comment", {{'o', {}, {"post__author__username"}}},
     "SELECT \"blog_comment\".\"id\", \"blog_comment\".\"post_id\", \"blog_comment\".\"body\" FROM \"blog_comment\" INNER JOIN \"blog_post\" ON (\"blog_comment\".\"post_id\" = \"blog_post\".\"id\") LEFT OUTER JOIN \"auth_user\" ON (\"blog_post\".\"author_id\" = \"auth_user\".\"id\") ORDER BY \"auth_user\".\"username\" ASC",
     {}},
  };
  return all;
}

std::string describe(const Case& c) {
  std::string out = c.model + ".objects";
  for (const auto& call : c.calls) {
    out += call.kind == 'f' ? ".filter(" : call.kind == 'x' ? ".exclude(" : ".order_by(";
    for (const auto& k : call.kwargs) out += k.key + ",";
    for (const auto& o : call.order) out += o + ",";
    out += ")";
  }
  return out;
}

}  // namespace

TEST_CASE("joins, join types and trimming as Django's ORM") {
  auto r = blog();
  for (const auto& c : cases()) {
    INFO(describe(c));
    QuerySet q = QuerySet(r, *r.get(c.model)).order_by({});
    for (const auto& call : c.calls) {
      std::vector<Lookup> ls;
      for (const auto& k : call.kwargs) ls.push_back(lookup(k));
      q = call.kind == 'f' ? q.filter(ls) : call.kind == 'x' ? q.exclude(ls) : q.order_by(call.order);
    }
    auto s = q.select_sql();
    CHECK(s.sql == c.sql);
    CHECK(s.params == c.params);
  }
}
