// A list of instances costs one query per relation used, not one per row
// (model_object.hpp's batching), and the relations read back correctly.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include "dtl/engine.hpp"
#include "runserver/model_object.hpp"
#include "runserver_test_util.hpp"

using namespace mvt;
using namespace mvt::runserver;
using models::FieldDef;
using models::FieldType;

namespace {

using test::field;

FieldDef pk() { return test::pk(FieldType::AutoField); }

models::ModelRegistry registry() {
  models::ModelRegistry r;
  models::ModelDef user;
  user.app_label = "auth";
  user.name = "User";
  user.fields = {pk(), field("username", FieldType::CharField)};
  r.add(user);
  models::ModelDef tag;
  tag.app_label = "blog";
  tag.name = "Tag";
  tag.fields = {pk(), field("name", FieldType::CharField)};
  r.add(tag);
  models::ModelDef post;
  post.app_label = "blog";
  post.name = "Post";
  FieldDef author = field("author", FieldType::ForeignKey);
  author.to = "auth.User";
  author.on_delete = "CASCADE";
  FieldDef tags = field("tags", FieldType::ManyToManyField);
  tags.to = "blog.Tag";
  post.fields = {pk(), field("title", FieldType::CharField), author, tags};
  post.options.ordering = std::vector<std::string>{"id"};
  r.add(post);
  models::ModelDef comment;
  comment.app_label = "blog";
  comment.name = "Comment";
  FieldDef on = field("post", FieldType::ForeignKey);
  on.to = "blog.Post";
  on.on_delete = "CASCADE";
  on.related_name = "comments";
  comment.fields = {pk(), on, field("body", FieldType::CharField)};
  r.add(comment);
  return r;
}

class Env : public test::TestEnv {
 public:
  Env(const models::ModelRegistry& r, const std::string& db) : TestEnv(r, db, false) {}
};

std::string make_db(int posts) {
  // A new file each time: connections are cached per thread and path.
  static int n = 0;
  std::string path = "/tmp/mvt-batch-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".db";
  std::remove(path.c_str());
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE auth_user (id integer PRIMARY KEY, username varchar(50));"
          "CREATE TABLE blog_tag (id integer PRIMARY KEY, name varchar(50));"
          "CREATE TABLE blog_post (id integer PRIMARY KEY, title varchar(50), author_id integer);"
          "CREATE TABLE blog_post_tags (id integer PRIMARY KEY, post_id integer, tag_id integer);"
          "CREATE TABLE blog_comment (id integer PRIMARY KEY, post_id integer, body varchar(50));"
          "INSERT INTO auth_user VALUES (1, 'ann'), (2, 'bob');"
          "INSERT INTO blog_tag VALUES (1, 'c++'), (2, 'yaml');");
  for (int i = 1; i <= posts; ++i) {
    db.exec("INSERT INTO blog_post VALUES (" + std::to_string(i) + ", 'p" + std::to_string(i) + "', " +
            std::to_string(1 + i % 2) + ")");
    for (int c = 0; c < i % 3; ++c)
      db.exec("INSERT INTO blog_comment (post_id, body) VALUES (" + std::to_string(i) + ", 'c')");
    if (i % 2) db.exec("INSERT INTO blog_post_tags (post_id, tag_id) VALUES (" + std::to_string(i) + ", 1)");
  }
  return path;
}

}  // namespace

TEST_CASE("a list template touching relations costs a fixed number of queries") {
  auto reg = registry();
  Env env(reg, make_db(100));
  dtl::Engine engine;
  auto tmpl = engine.from_string(
      "{% for p in posts %}{{ p.title }}:{{ p.author.username }}:{{ p.comments.count }}:"
      "{% for t in p.tags.all %}{{ t.name }}{% endfor %};{% endfor %}");
  dtl::Context ctx;
  ctx.set("posts", dtl::Value::object(std::make_shared<QuerySetObject>(env, db::QuerySet(reg, *reg.get("blog.Post")))));
  std::string out = tmpl->render(ctx);
  // posts, authors (one IN query), comment counts (one GROUP BY), tags (one join).
  CHECK(env.data().query_count() == 4);
  CHECK(out.rfind("p1:bob:1:c++;p2:ann:2:;p3:bob:0:c++;", 0) == 0);
  CHECK(out.find("p100:ann:1:;") != std::string::npos);
}

TEST_CASE("reverse relations in a detail page load in one query each") {
  auto reg = registry();
  Env env(reg, make_db(3));
  dtl::Engine engine;
  auto qs = db::QuerySet(reg, *reg.get("blog.Post"));
  auto batch = run_query(env, qs);
  REQUIRE(batch->rows.size() == 3);
  auto post = make_instance(batch, 1);  // p2: two comments
  auto tmpl = engine.from_string("{{ p.comments.count }} {% for c in p.comments.all %}{{ c.body }}{% endfor %} "
                                 "{{ p.comments.exists }} {{ p.pk }} {{ p }}");
  dtl::Context ctx;
  ctx.set("p", post);
  CHECK(tmpl->render(ctx) == "2 cc True 2 Post object (2)");
}

TEST_CASE("instances belong to their batch: one object per row, str fields share the row's text") {
  auto reg = registry();
  Env env(reg, make_db(3));
  dtl::Value title, same_row, first;
  const std::string* cell = nullptr;
  {
    auto batch = run_query(env, db::QuerySet(reg, *reg.get("blog.Post")));
    REQUIRE(batch->rows.size() == 3);
    auto items = batch_instances(batch);
    REQUIRE(items.size() == 3);
    first = items[0];
    same_row = make_instance(batch, 0);
    CHECK(&same_row.as_object() == &first.as_object());  // made once, then shared
    CHECK(&make_instance(batch, 2).as_object() == &items[2].as_object());
    title = *first.as_object().resolve("title");
    cell = &batch->rows[0][1].as_text();
  }  // the batch, its query set and the other values are gone
  REQUIRE(title.is_string());
  CHECK(&title.as_string() == cell);  // no copy of the text...
  CHECK(title.as_string() == "p1");   // ...and still alive: the value shares ownership of the batch
  CHECK(first.as_object().resolve("pk")->as_int() == 1);
  CHECK(dtl::equals(first, same_row));
}
