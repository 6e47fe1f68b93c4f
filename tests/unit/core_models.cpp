// models.yaml loading: field types, options, meta, abstract bases, relation
// resolution, built-in apps and diagnostics.
#include <catch2/catch.hpp>

#include "core/models_load.hpp"
#include "core/models_names.hpp"

using namespace mvt;
using namespace mvt::models;

namespace {

struct Loaded {
  LoadedModels models;
  Diagnostics diags;
};

/// Loads the built-in apps plus one app `blog` from YAML text.
Loaded load(const std::string& text, const std::string& app = "blog") {
  Loaded out;
  std::vector<std::pair<std::string, std::vector<ModelDef>>> apps;
  for (const char* builtin : {"contenttypes", "auth", "sessions"}) {
    auto doc = yaml::parse(*builtin_models_source(builtin), std::string(builtin) + "/models.yaml", out.diags);
    apps.emplace_back(builtin, parse_models_document(*doc, builtin, out.diags));
  }
  auto doc = yaml::parse(text, app + "/models.yaml", out.diags);
  if (doc) apps.emplace_back(app, parse_models_document(*doc, app, out.diags));
  out.models = resolve_models(
      apps,
      [](const std::string& label) {
        return label == "blog" || label == "shop" ? FieldType::BigAutoField : FieldType::AutoField;
      },
      out.diags);
  return out;
}

std::string all_messages(const Loaded& l) {
  std::string s = l.diags.format();
  for (const auto& i : l.models.issues) s += i.diagnostic().format() + "\n";
  return s;
}

}  // namespace

TEST_CASE("SPEC §2's example models load with Django's semantics", "[models]") {
  auto l = load(R"(
Post:
  fields:
    title: {type: CharField, max_length: 200}
    content: TextField
    published_date: {type: DateTimeField, auto_now_add: true}
    author: {type: ForeignKey, to: auth.User, on_delete: CASCADE, related_name: posts}
    tags: {type: ManyToManyField, to: Tag, blank: true}
  meta:
    ordering: [-published_date]
    verbose_name_plural: posts
  str: "{{ title }}"
  absolute_url: "{% url 'blog:post_detail' pk=id %}"
Tag:
  fields:
    name: {type: SlugField, unique: true}
)");
  INFO(all_messages(l));
  REQUIRE(l.diags.empty());
  REQUIRE(l.models.issues.empty());
  const ModelRegistry& r = l.models.registry;
  const ModelDef* post = r.get("blog.Post");
  REQUIRE(post);
  REQUIRE(r.get("blog", "post") == post);
  CHECK(post->db_table() == "blog_post");
  REQUIRE(post->fields.size() == 6);
  CHECK(post->fields[0].name == "id");
  CHECK(post->fields[0].type == FieldType::BigAutoField);
  CHECK(post->fields[0].auto_created);
  CHECK(post->pk()->name == "id");
  CHECK(post->str_template == "{{ title }}");
  CHECK(post->absolute_url_template == "{% url 'blog:post_detail' pk=id %}");
  CHECK(*post->options.ordering == std::vector<std::string>{"-published_date"});
  CHECK(post->verbose_name() == "post");
  CHECK(post->verbose_name_plural() == "posts");
  const FieldDef* author = post->field("author");
  CHECK(author->to == "auth.User");
  CHECK(author->column() == "author_id");
  CHECK(author->effective_db_index());
  CHECK(r.target_field(*author)->type == FieldType::AutoField);
  const FieldDef* pub = post->field("published_date");
  CHECK(pub->effective_blank());
  CHECK_FALSE(pub->effective_editable());
  const FieldDef* tags = post->field("tags");
  CHECK(tags->to == "blog.Tag");
  CHECK(r.m2m_db_table(*post, *tags) == "blog_post_tags");
  CHECK(r.m2m_column_name(*post, *tags) == "post_id");
  CHECK(r.m2m_reverse_name(*post, *tags) == "tag_id");
  ModelDef through = r.auto_through_model(*post, *tags);
  CHECK(through.db_table() == "blog_post_tags");
  CHECK(through.options.unique_together == std::vector<std::vector<std::string>>{{"post", "tag"}});
  const ModelDef* tag = r.get("blog.Tag");
  CHECK(tag->field("name")->effective_max_length() == 50);
  // Reverse relations of auth.User include Post.author as `posts`.
  bool found = false;
  for (const auto& rel : r.related_objects(*r.get("auth.User")))
    if (rel.field == author) {
      found = true;
      CHECK(rel.accessor_name == "posts");
      CHECK(rel.query_name == "posts");
    }
  CHECK(found);
  auto tag_rels = r.related_objects(*tag);
  REQUIRE(tag_rels.size() == 1);
  CHECK(tag_rels[0].accessor_name == "post_set");
  CHECK(tag_rels[0].query_name == "post");
}

TEST_CASE("deconstruct() drops defaults as Django's Field.deconstruct", "[models]") {
  auto l = load(R"(
A:
  fields:
    e: {type: EmailField, max_length: 254, null: false}
    s: {type: SlugField, db_index: true}
    s2: {type: SlugField, db_index: false}
    fk: {type: ForeignKey, to: A, on_delete: PROTECT, db_index: true, to_field: id}
    o: {type: OneToOneField, to: auth.User, on_delete: CASCADE}
    d: {type: DateTimeField, auto_now: true, blank: true}
)");
  INFO(all_messages(l));
  REQUIRE(l.diags.empty());
  const ModelDef* a = l.models.registry.get("blog.A");
  auto keys = [](const FieldDef& f) {
    std::vector<std::string> k;
    for (const auto& [name, v] : f.deconstruct()) k.push_back(name);
    return k;
  };
  CHECK(keys(*a->field("e")).empty());
  CHECK(keys(*a->field("s")).empty());
  CHECK(keys(*a->field("s2")) == std::vector<std::string>{"db_index"});
  CHECK(keys(*a->field("fk")) == std::vector<std::string>{"to", "on_delete"});
  CHECK(keys(*a->field("o")) == std::vector<std::string>{"to", "on_delete"});
  CHECK(a->field("o")->effective_unique());
  CHECK(keys(*a->field("d")) == std::vector<std::string>{"auto_now"});
}

TEST_CASE("YAML 1.2 scalars are read as the option expects", "[models]") {
  auto l = load(R"(
A:
  fields:
    code: {type: CharField, max_length: 5, default: NO}
    at: {type: CharField, max_length: 5, default: 12:30}
    price: {type: DecimalField, max_digits: 5, decimal_places: 2, default: 1.10}
    flag: {type: BooleanField, default: false}
    day: {type: DateField, default: 2026-11-21}
    data: {type: JSONField, default: {a: 1, b: [1, 2]}}
    yes: {type: IntegerField, null: true}
)");
  INFO(all_messages(l));
  REQUIRE(l.diags.empty());
  const ModelDef* a = l.models.registry.get("blog.A");
  CHECK(a->field("code")->default_value->as_string() == "NO");
  CHECK(a->field("at")->default_value->as_string() == "12:30");
  CHECK(a->field("price")->default_value->as_string() == "1.10");
  CHECK(a->field("flag")->default_value->kind() == Value::Kind::Bool);
  CHECK(a->field("day")->default_value->as_string() == "2026-11-21");
  CHECK(json_dumps(*a->field("data")->default_value) == R"({"a": 1, "b": [1, 2]})");
  CHECK(a->field("yes"));
}

TEST_CASE("abstract bases give their fields and meta", "[models]") {
  auto l = load(R"(
Stamped:
  fields:
    created: {type: DateTimeField, auto_now_add: true}
    owner: {type: ForeignKey, to: auth.User, on_delete: CASCADE, related_name: "%(class)s_owned"}
  meta: {abstract: true, ordering: [-created]}
  str: "{{ created }}"
Note:
  bases: [Stamped]
  fields:
    text: TextField
)");
  INFO(all_messages(l));
  REQUIRE(l.diags.empty());
  REQUIRE(l.models.issues.empty());
  CHECK_FALSE(l.models.registry.get("blog.Stamped"));
  const ModelDef* n = l.models.registry.get("blog.Note");
  REQUIRE(n);
  std::vector<std::string> names;
  for (const auto& f : n->fields) names.push_back(f.name);
  CHECK(names == std::vector<std::string>{"id", "created", "owner", "text"});
  CHECK(*n->field("owner")->related_name == "note_owned");
  CHECK(*n->options.ordering == std::vector<std::string>{"-created"});
  CHECK(n->str_template == "{{ created }}");
}

TEST_CASE("structural mistakes are reported together with file:line:col", "[models][diagnostics]") {
  auto l = load(R"(Post:
  fields:
    title: {type: CharField, max_lenght: 200}
    body: TextFeild
    author: {type: ForeignKey, to: auth.User}
    n: {type: IntegerField, null: maybe}
  feilds: {}
  str: {{ title }}
)");
  std::string text = l.diags.format();
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:3:30: error: unknown option 'max_lenght' for CharField (did you "
                                   "mean 'max_length'?)"));
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:4:11: error: unknown field type 'TextFeild' (did you mean "
                                   "'TextField'?)"));
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:5:5: error: ForeignKey 'author' needs 'on_delete'"));
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:6:35: error: option 'null' of field 'n' must be true or false"));
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:7:3: error: unknown key 'feilds' in model 'Post' (did you mean "
                                   "'fields'?)"));
  CHECK_THAT(text, Catch::Contains("quote templates"));
}

TEST_CASE("model checks carry Django's IDs and the place in models.yaml", "[models][checks]") {
  auto l = load(R"(Post:
  fields:
    title: {type: CharField}
    price: {type: DecimalField, max_digits: 2, decimal_places: 3}
    writer: {type: ForeignKey, to: Autor, on_delete: CASCADE}
    owner: {type: ForeignKey, to: auth.User, on_delete: SET_NULL}
    pk: IntegerField
    bad_: IntegerField
  meta:
    unique_together: [[title, missing]]
    ordering: [nothere]
Author:
  fields:
    name: {type: CharField, max_length: 10}
Book:
  fields:
    a: {type: ForeignKey, to: Author, on_delete: CASCADE}
    b: {type: ForeignKey, to: Author, on_delete: CASCADE}
    c: {type: ForeignKey, to: Author, on_delete: CASCADE, related_name: book}
)");
  REQUIRE(l.diags.empty());
  std::string text;
  for (const auto& i : l.models.issues) text += i.diagnostic().format() + "\n";
  INFO(text);
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:3:5: error: blog.Post.title: (fields.E120) CharFields must "
                                   "define a 'max_length' attribute."));
  CHECK_THAT(text, Catch::Contains("(fields.E134) 'max_digits' must be greater or equal to 'decimal_places'."));
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:5:32: error: blog.Post.writer: (fields.E300) Field defines a "
                                   "relation with model 'Autor', which is either not installed, or is abstract. "
                                   "HINT: Did you mean 'Author'?"));
  CHECK_THAT(text, Catch::Contains("(fields.E320) Field specifies on_delete=SET_NULL, but cannot be null."));
  CHECK_THAT(text, Catch::Contains("(fields.E003) 'pk' is a reserved word"));
  CHECK_THAT(text, Catch::Contains("(fields.E001) Field names must not end with an underscore."));
  CHECK_THAT(text, Catch::Contains("blog.Post: (models.E012) 'unique_together' refers to the nonexistent field "
                                   "'missing'."));
  CHECK_THAT(text, Catch::Contains("(models.E015) 'ordering' refers to the nonexistent field, related field, or "
                                   "lookup 'nothere'."));
  CHECK_THAT(text, Catch::Contains("blog.Book.a: (fields.E304) Reverse accessor for 'blog.Book.a' clashes with "
                                   "reverse accessor for 'blog.Book.b'."));
  // Django 3.2 compares a reverse query name with the other relations' accessors.
  CHECK_THAT(text, Catch::Contains("blog.Book.a: (fields.E305) Reverse query name for 'blog.Book.a' clashes with "
                                   "reverse query name for 'blog.Book.c'."));
  CHECK_THAT(text, !Catch::Contains("(fields.E305) Reverse query name for 'blog.Book.a' clashes with reverse query "
                                    "name for 'blog.Book.b'"));
  CHECK_THAT(text, Catch::Contains("blog.Post.writer: (fields.E307) The field blog.Post.writer was declared with a "
                                   "lazy reference to 'blog.autor', but app 'blog' doesn't provide model 'autor'."));
}

TEST_CASE("the built-in apps' models match Django's", "[models][builtin]") {
  auto l = load("");
  INFO(all_messages(l));
  REQUIRE(l.diags.empty());
  REQUIRE(l.models.issues.empty());
  const ModelRegistry& r = l.models.registry;
  const ModelDef* user = r.get("auth.User");
  REQUIRE(user);
  CHECK(user->db_table() == "auth_user");
  std::vector<std::string> columns;
  for (const FieldDef* f : user->concrete_fields()) columns.push_back(f->column());
  CHECK(columns == std::vector<std::string>{"id", "password", "last_login", "is_superuser", "username",
                                            "first_name", "last_name", "email", "is_staff", "is_active",
                                            "date_joined"});
  CHECK(r.m2m_db_table(*user, *user->field("groups")) == "auth_user_groups");
  CHECK(r.get("contenttypes.ContentType")->db_table() == "django_content_type");
  CHECK(r.get("sessions.Session")->pk()->name == "session_key");
  CHECK(r.get("auth.Permission")->field("content_type")->to == "contenttypes.ContentType");
}

TEST_CASE("names_digest and index names are Django's", "[models][names]") {
  // Values observed from Django 3.2's sqlmigrate.
  CHECK(create_index_name("blog_post", {"author_id"}) == "blog_post_author_id_dd7a8485");
  CHECK(create_index_name("blog_post_tags", {"post_id", "tag_id"}, "_uniq") ==
        "blog_post_tags_post_id_tag_id_4925ec37_uniq");
  CHECK(create_index_name("django_session", {"expire_date"}) == "django_session_expire_date_a5c62663");
}

TEST_CASE("reserved and invalid names are errors", "[models][diagnostics]") {
  auto l = load("Post:\n  fields:\n    class: IntegerField\n    my-field: IntegerField\n    when: {type: DateField, "
                "default: 2026-13-01}\nclass:\n  fields: {}\n");
  std::string text = l.diags.format();
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:3:5: error: invalid field name 'class'"));
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:4:5: error: invalid field name 'my-field'"));
  CHECK_THAT(text, Catch::Contains("expected a valid date YYYY-MM-DD, not '2026-13-01'"));
  CHECK_THAT(text, Catch::Contains("blog/models.yaml:6:1: error: invalid model name 'class'"));
}
