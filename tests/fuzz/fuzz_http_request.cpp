// fuzz-links: core dtl db migrator runserver
// libFuzzer target for the HTTP request path of `mvt runserver`: the input
// is the raw bytes a client sends on a connection ("POST /new/ HTTP/1.1\r\n
// Host: ...\r\n\r\nbody"). They go through what a served connection goes
// through — httplib's request parser (request line, headers, chunked and
// multipart bodies), the conversion to HttpRequest (path_info, GET, POST,
// COOKIES), and the Application: host validation, static and media files,
// URL resolution with APPEND_SLASH, sessions, authentication, CSRF,
// messages, the generic views (list, detail, create, update, delete, JSON,
// template, redirect), model forms and saving, Django's auth views, error
// pages — then httplib's response writer (DevServer::handle_buffer).
//
// The project is created once, at start-up, in a temporary folder the way
// a user's is: settings.yaml, an app "blog" with models.yaml, views.yaml,
// urls.yaml, templates, static and media files; makemigrations' and
// migrate's library calls create the SQLite database, a fixture fills it,
// and a login through the pipeline gives a signed-in session whose key is
// then fixed to "fuzzsessionkey000000000000000000" (seed requests carry it
// as the sessionid cookie, with the csrftoken cookie and a matching
// csrfmiddlewaretoken/X-CSRFToken of kCsrfToken). The database is restored
// from a pristine copy whenever a request changed it, so every input sees
// the same data.
//
// Requests carrying the header "X-Debug: off" go to the same project loaded
// with DEBUG off (production error pages, no static serving); the others
// to DEBUG on.
//
// Any status is a valid answer. A finding is a crash, a sanitizer report, a
// leak, a hang, or an exception the server did not expect (logged as
// "Internal Server Error" with the generic "Error:" type: a bug, where
// Django would show a traceback).
//
// Not fuzzed: requests that make the server run PBKDF2 (a POST with a
// password to the auth views: 600,000 rounds, ~0.5 s each would eat the
// whole run); they are answered 204 without reaching the application.
#include <sqlite3.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "core/hashers.hpp"
#include "core/models_load.hpp"
#include "core/project.hpp"
#include "migrator/autodetector.hpp"
#include "migrator/executor.hpp"
#include "migrator/post_migrate.hpp"
#include "migrator/project_support.hpp"
#include "migrator/writer.hpp"
#include "runserver/application.hpp"
#include "runserver/data_session.hpp"
#include "runserver/dev_server.hpp"
#include "runserver/fixtures.hpp"

namespace {

namespace fs = std::filesystem;
using namespace mvt;
using namespace mvt::runserver;

constexpr std::string_view kSessionKey = "fuzzsessionkey000000000000000000";
constexpr std::string_view kCsrfToken = "FuzzCsrfToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO";
constexpr std::string_view kPassword = "fuzz-Passw0rd!";

const char* const kSettings = R"(SECRET_KEY: "fuzz-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
DEBUG: true
ALLOWED_HOSTS: [testserver, .example.com, localhost, 127.0.0.1]
INSTALLED_APPS: [contenttypes, auth, sessions, messages, staticfiles, blog]
DATABASES:
  default: {ENGINE: sqlite3, NAME: db.sqlite3}
ROOT_URLCONF: urls.yaml
TEMPLATES: {DIRS: [templates], APP_DIRS: true}
STATIC_URL: /static/
STATICFILES_DIRS: [static]
MEDIA_URL: /media/
MEDIA_ROOT: media
TIME_ZONE: America/Chicago
USE_TZ: true
LOGIN_URL: /accounts/login/
LOGIN_REDIRECT_URL: /
)";

const char* const kUrls = R"(urlpatterns:
  - {path: "", include: blog}
  - {path: "accounts/", include: auth}
  - {re_path: "^legacy/(?P<pk>[0-9]+)/$", view: blog.old, name: legacy}
)";

const char* const kModels = R"(Category:
  fields:
    name: {type: CharField, max_length: 50, unique: true}
    slug: {type: SlugField, unique: true}
  meta:
    ordering: [name]
    verbose_name_plural: categories
  str: "{{ name }}"
Tag:
  fields:
    name: {type: CharField, max_length: 30}
  str: "#{{ name }}"
Post:
  fields:
    title: {type: CharField, max_length: 200}
    slug: {type: SlugField, max_length: 50, blank: true}
    content: {type: TextField, blank: true}
    published_date: {type: DateTimeField, null: true, blank: true}
    day: {type: DateField, null: true, blank: true}
    status: {type: CharField, max_length: 10, default: draft, choices: [[draft, Draft], [published, Published]]}
    rating: {type: IntegerField, default: 0}
    price: {type: DecimalField, max_digits: 6, decimal_places: 2, default: "0.00"}
    ratio: {type: FloatField, null: true, blank: true}
    is_featured: {type: BooleanField, default: false}
    email: {type: EmailField, blank: true}
    website: {type: URLField, blank: true}
    author: {type: ForeignKey, to: auth.User, on_delete: CASCADE, null: true, blank: true, related_name: posts}
    category: {type: ForeignKey, to: Category, on_delete: PROTECT, null: true, blank: true}
    tags: {type: ManyToManyField, to: Tag, blank: true}
  meta:
    ordering: [-published_date, id]
  str: "{{ title }}"
  absolute_url: "{% url 'blog:post_detail' pk=id %}"
)";

const char* const kViews = R"(index:
  view: ListView
  model: Post
  template_name: blog/index.html
  context_object_name: posts
  paginate_by: 2
  queryset: {filter: {status: published}}
search:
  view: ListView
  model: Post
  paginate_by: 2
  format: json
  queryset: {filter: {title__icontains: "{{ request.GET.q }}"}, order_by: [title]}
post_detail:
  view: DetailView
  model: Post
post_by_slug:
  view: DetailView
  model: Post
  slug_field: slug
post_json:
  view: DetailView
  model: Post
  format: json
post_create:
  view: CreateView
  model: Post
  fields: [title, slug, content, published_date, day, status, rating, price, ratio, is_featured, email, website, category, tags]
  set: {author: "{{ request.user.id }}"}
post_update:
  view: UpdateView
  model: Post
  fields: [title, content, rating, tags]
  login_required: true
  queryset: {filter: {author: "{{ user.id }}"}}
post_delete:
  view: DeleteView
  model: Post
  login_required: true
  success_url: "{% url 'blog:index' %}"
api_create:
  view: CreateView
  model: Post
  fields: [title, slug, rating, price, category, tags, published_date]
  format: json
api_update:
  view: UpdateView
  model: Post
  fields: [title, rating, is_featured]
  format: json
categories:
  view: ListView
  model: Category
  format: json
category_posts:
  view: ListView
  model: Post
  template_name: blog/index.html
  context_object_name: posts
  queryset: {filter: {category__slug: "{{ kwargs.slug }}"}, exclude: {status: draft}}
about:
  view: TemplateView
  template_name: blog/about.html
  extra_context: {title: "About {{ request.path }}"}
old:
  view: RedirectView
  url: "{% url 'blog:post_detail' pk=kwargs.pk %}"
  permanent: true
)";

const char* const kAppUrls = R"(app_name: blog
urlpatterns:
  - {path: "", view: index, name: index}
  - {path: "search/", view: search, name: search}
  - {path: "post/<int:pk>/", view: post_detail, name: post_detail}
  - {path: "post/<slug:slug>/", view: post_by_slug, name: post_by_slug}
  - {path: "post/<int:pk>/json/", view: post_json, name: post_json}
  - {path: "post/<int:pk>/edit/", view: post_update, name: post_update}
  - {path: "post/<int:pk>/delete/", view: post_delete, name: post_delete}
  - {path: "new/", view: post_create, name: post_create}
  - {path: "api/posts/", view: api_create, name: api_create}
  - {path: "api/posts/<int:pk>/", view: api_update, name: api_update}
  - {path: "categories/", view: categories, name: categories}
  - {path: "category/<slug:slug>/", view: category_posts, name: category_posts}
  - {path: "about/<path:rest>", view: about, name: about}
  - {path: "u/<uuid:id>/", view: about, name: about_uuid}
  - {re_path: "^old/(?P<pk>[0-9]+)/$", view: old, name: old}
)";

const char* const kBase = R"({% load static %}<!DOCTYPE html>
<html><head><title>{% block title %}fuzz{% endblock %}</title>
<link rel="stylesheet" href="{% static 'css/site.css' %}"></head>
<body><nav><a href="{% url 'blog:index' %}">Blog</a>
{% if user.is_authenticated %}{{ user.get_username }} ({{ user.get_full_name|default:"-" }})
<form method="post" action="{% url 'logout' %}">{% csrf_token %}<button>Log out</button></form>
{% else %}<a href="{% url 'login' %}?next={{ request.path|urlencode }}">Log in</a>{% endif %}</nav>
{% if messages %}<ul>{% for message in messages %}<li class="{{ message.tags }}">{{ message }}</li>{% endfor %}</ul>{% endif %}
{% block content %}{% endblock %}
<footer>{{ request.GET.urlencode }} {{ request.COOKIES|length }} {% now "Y-m-d H:i" %}</footer>
</body></html>
)";

const char* const kIndex = R"({% extends "base.html" %}
{% block content %}<h1>Posts</h1>
{% for post in posts %}<article><a href="{{ post.get_absolute_url }}">{{ post.title|title }}</a>
{{ post.published_date|date:"DATETIME_FORMAT" }} {{ post.price|floatformat:2 }} {{ post.get_status_display }}
{{ post.content|truncatewords:5|linebreaksbr }} {% for tag in post.tags.all %}{{ tag }}{% if not forloop.last %}, {% endif %}{% endfor %}
{{ post.category.name|default_if_none:"" }} {{ post.author.username }}</article>
{% empty %}<p>No posts.</p>{% endfor %}
{% if is_paginated %}{% if page_obj.has_previous %}<a href="?page={{ page_obj.previous_page_number }}">prev</a>{% endif %}
{{ page_obj.number }}/{{ paginator.num_pages }}
{% if page_obj.has_next %}<a href="?page={{ page_obj.next_page_number }}">next</a>{% endif %}{% endif %}
{% endblock %}
)";

const char* const kDetail = R"({% extends "base.html" %}
{% block title %}{{ object.title }}{% endblock %}
{% block content %}<h1>{{ object }}</h1><p>{{ post.content|urlize }}</p>
<p>{{ object.day|date:"l jS F Y"|default:"no day" }} {{ object.ratio|floatformat:"-3" }} {{ object.website|urlizetrunc:15 }}</p>
<a href="{% url 'blog:post_update' pk=object.pk %}">edit</a> <a href="{% url 'blog:post_delete' object.pk %}">delete</a>
{% endblock %}
)";

const char* const kForm = R"({% extends "base.html" %}
{% block content %}<form method="post" enctype="multipart/form-data">{% csrf_token %}
{{ form.non_field_errors }}
{% for field in form %}<div>{{ field.label_tag }} {{ field }} {{ field.errors }} {{ field.help_text }}</div>{% endfor %}
{{ form.as_p }}<button>Save</button></form>{% if object %}<p>{{ object.pk }}</p>{% endif %}
{% endblock %}
)";

const char* const kConfirmDelete = R"({% extends "base.html" %}
{% block content %}<form method="post">{% csrf_token %}<p>Delete "{{ object }}"?</p><button>Yes</button></form>{% endblock %}
)";

const char* const kAbout = R"({% extends "base.html" %}
{% block content %}<h1>{{ title }}</h1><p>{{ kwargs.rest|default:"" }} {{ request.GET.q|default:"?" }} {{ request.method }}</p>{% endblock %}
)";

const char* const kCss = R"(body { background: url("../img/bg.png"); }
@import url('print.css');
)";

void write_file(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    std::fprintf(stderr, "fuzz_http_request: cannot write %s\n", path.c_str());
    std::abort();
  }
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_http_request: set-up failed: %s\n", what.c_str());
  std::abort();
}

/// makemigrations and migrate, as the commands do them.
void migrate(const fs::path& settings_file) {
  Diagnostics warnings;
  Project project = load_project(settings_file, warnings);
  auto registry = models::load_valid_models(project, warnings);
  {
    auto conn = migrator::open_project_database(project, true);
    migrator::MigrationExecutor executor(project, *conn);
    migrator::MigrationQuestioner questioner;
    questioner.specified_apps = {"blog"};
    migrator::ProjectState from = executor.loader.project_state();
    for (const auto* m : registry.models())
      if (executor.loader.unmigrated_apps.count(m->app_label)) from.add(*m);
    migrator::MigrationAutodetector detector(from, migrator::current_models_state(registry), questioner,
                                             executor.loader.unmigrated_apps);
    auto changes = detector.changes(executor.loader.graph, {"blog"}, {"blog"});
    for (const auto& [app, list] : changes)
      for (const auto& m : list)
        write_file(project.base_dir() / app / "migrations" / (m->name + ".yaml"), migrator::write_migration(*m));
  }
  auto conn = migrator::open_project_database(project, true);
  migrator::MigrationExecutor executor(project, *conn);
  std::vector<migrator::Target> targets;
  for (const auto& [a, n] : executor.loader.graph.leaf_nodes()) targets.push_back({a, n});
  auto state = executor.migrate(executor.migration_plan(targets));
  migrator::emit_post_migrate(*conn, project, state);
}

std::string fixture() {
  const std::string hash = hashers::make_password(kPassword);
  return R"([
  {"model": "auth.user", "pk": 1, "fields": {"username": "fuzzer", "password": ")" + hash +
         R"(", "email": "fuzzer@example.com", "first_name": "Fuzz", "last_name": "Er", "is_active": true, "is_staff": true, "is_superuser": false, "date_joined": "2021-01-01T00:00:00Z"}},
  {"model": "auth.user", "pk": 2, "fields": {"username": "other", "password": "!unusable", "is_active": true, "date_joined": "2021-01-01T00:00:00Z"}},
  {"model": "blog.category", "pk": 1, "fields": {"name": "News", "slug": "news"}},
  {"model": "blog.category", "pk": 2, "fields": {"name": "Émoji ☃", "slug": "emoji"}},
  {"model": "blog.tag", "pk": 1, "fields": {"name": "c++"}},
  {"model": "blog.tag", "pk": 2, "fields": {"name": "<script>"}},
  {"model": "blog.post", "pk": 1, "fields": {"title": "Hello <world>", "slug": "hello", "content": "First post, see https://example.com/ & more.\nSecond line.", "published_date": "2021-03-14T15:09:26Z", "day": "2021-03-14", "status": "published", "rating": 5, "price": "9.99", "ratio": 0.333, "is_featured": true, "email": "a@example.com", "website": "https://example.com/a/very/long/path", "author": 1, "category": 1, "tags": [1, 2]}},
  {"model": "blog.post", "pk": 2, "fields": {"title": "Draft", "slug": "draft", "content": "", "published_date": null, "status": "draft", "rating": -1, "price": "0.00", "author": 2, "category": null, "tags": []}},
  {"model": "blog.post", "pk": 3, "fields": {"title": "Third", "slug": "third", "content": "x", "published_date": "2020-02-29T00:00:00Z", "status": "published", "rating": 0, "price": "1.50", "author": 1, "category": 2, "tags": [2]}}
]
)";
}

std::string header_value(const std::string& response, std::string_view name, std::string_view prefix) {
  for (std::size_t p = response.find(name); p != std::string::npos; p = response.find(name, p + 1)) {
    auto v = p + name.size();
    if (response.compare(v, prefix.size(), prefix) != 0) continue;
    auto end = response.find_first_of(";\r", v);
    return response.substr(v + prefix.size(), end - v - prefix.size());
  }
  return "";
}

struct Fuzzer {
  fs::path dir;
  fs::path db_path;
  std::unique_ptr<Application> debug_app, production_app;
  std::unique_ptr<DevServer> server;
  std::string console;  // what the applications logged for the current input
  bool verbose = std::getenv("MVT_FUZZ_VERBOSE") != nullptr;
  sqlite3* live = nullptr;      // the served database
  sqlite3* pristine = nullptr;  // its contents after set-up (in memory)
  std::int64_t data_version = 0;

  Fuzzer() {
    const char* shm = "/dev/shm";
    std::error_code ec;
    fs::path base = fs::is_directory(shm, ec) && access(shm, W_OK) == 0 ? fs::path(shm) : fs::temp_directory_path();
    std::string templ = (base / "mvt-fuzz-http-XXXXXX").string();
    if (!mkdtemp(templ.data())) fail("mkdtemp");
    dir = templ;
    write_project();
    try {
      migrate(dir / "settings.yaml");
      Diagnostics warnings;
      Project project = load_project(dir / "settings.yaml", warnings);
      db_path = project.settings.default_database().path;
      auto registry = models::load_valid_models(project, warnings);
      DataSession data(db_path, registry, ValueSettings{true, "America/Chicago"});
      load_fixture(data, fixture(), "fuzz.json");
    } catch (const std::exception& e) {
      fail(e.what());
    }
    auto console_sink = [this](const std::string& line) {
      console += line;
      console += '\n';
      if (verbose) std::fprintf(stderr, "[console] %s\n", line.c_str());
    };
    ApplicationOptions options;
    options.reload = false;
    debug_app = std::make_unique<Application>(dir / "settings.yaml", options, console_sink);
    production_app = std::make_unique<Application>(dir / "settings_production.yaml", options, console_sink);
    Diagnostics diags;
    if (!debug_app->load(diags) || !production_app->load(diags)) fail(diags.format());
    DevServerOptions server_options;
    server_options.port = 8000;
    server = std::make_unique<DevServer>(
        server_options, [this](HttpRequest& r) { return handle(r); },
        [this](const std::string& line, int) {
          if (verbose) std::fprintf(stderr, "[log] %s\n", line.c_str());
        });
    sign_in();
    if (sqlite3_open(db_path.c_str(), &live) != SQLITE_OK || sqlite3_open(":memory:", &pristine) != SQLITE_OK)
      fail("sqlite3_open");
    copy_database(live, pristine);
    data_version = current_data_version();
  }

  ~Fuzzer() {
    sqlite3_close(live);
    sqlite3_close(pristine);
    server.reset();
    debug_app.reset();
    production_app.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void write_project() {
    write_file(dir / "settings.yaml", kSettings);
    std::string production = kSettings;
    production.replace(production.find("DEBUG: true"), 11, "DEBUG: false");
    write_file(dir / "settings_production.yaml", production);
    write_file(dir / "urls.yaml", kUrls);
    write_file(dir / "blog" / "models.yaml", kModels);
    write_file(dir / "blog" / "views.yaml", kViews);
    write_file(dir / "blog" / "urls.yaml", kAppUrls);
    write_file(dir / "templates" / "base.html", kBase);
    write_file(dir / "templates" / "404.html", "<h1>Not Found</h1><p>{{ request_path }}</p>");
    write_file(dir / "templates" / "500.html", "<h1>Server Error</h1>");
    write_file(dir / "blog" / "templates" / "blog" / "index.html", kIndex);
    write_file(dir / "blog" / "templates" / "blog" / "post_detail.html", kDetail);
    write_file(dir / "blog" / "templates" / "blog" / "post_form.html", kForm);
    write_file(dir / "blog" / "templates" / "blog" / "post_confirm_delete.html", kConfirmDelete);
    write_file(dir / "blog" / "templates" / "blog" / "about.html", kAbout);
    write_file(dir / "static" / "css" / "site.css", kCss);
    write_file(dir / "static" / "img" / "bg.png", std::string_view("\x89PNG\r\n\x1a\n\0\0\0\0", 12));
    write_file(dir / "static" / "a b%20c.txt", "spaces");
    write_file(dir / "media" / "uploads" / "file.txt", "media file\n");
  }

  /// Signs in through the pipeline and fixes the session's key.
  void sign_in() {
    std::string cookies = "Cookie: csrftoken=" + std::string(kCsrfToken) + "\r\n";
    std::string body = "csrfmiddlewaretoken=" + std::string(kCsrfToken) + "&username=fuzzer&password=" +
                       std::string(kPassword) + "&next=/";
    std::string request = "POST /accounts/login/ HTTP/1.1\r\nHost: testserver\r\n" + cookies +
                          "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    signing_in = true;
    std::string response = server->handle_buffer(request);
    signing_in = false;
    std::string key = header_value(response, "Set-Cookie: ", "sessionid=");
    if (response.rfind("HTTP/1.1 302", 0) != 0 || key.empty()) fail("login failed:\n" + response + console);
    sqlite3* db = nullptr;
    sqlite3_open(db_path.c_str(), &db);
    std::string sql = "UPDATE django_session SET session_key = '" + std::string(kSessionKey) +
                      "' WHERE session_key = '" + key + "'";
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK || sqlite3_changes(db) != 1)
      fail("cannot fix the session key");
    sqlite3_close(db);
    // The signed-in session works.
    std::string check = server->handle_buffer("GET /post/1/edit/ HTTP/1.1\r\nHost: testserver\r\nCookie: sessionid=" +
                                              std::string(kSessionKey) + "\r\n\r\n");
    if (check.rfind("HTTP/1.1 200", 0) != 0) fail("the fixed session is not signed in:\n" + check + console);
  }

  static void copy_database(sqlite3* from, sqlite3* to) {
    sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) fail(std::string("sqlite3_backup_init: ") + sqlite3_errmsg(to));
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) fail(std::string("sqlite3_backup_step: ") + sqlite3_errstr(rc));
  }

  std::int64_t current_data_version() {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(live, "PRAGMA data_version", -1, &st, nullptr);
    std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
  }

  /// Puts the database back as set-up left it when a request changed it.
  void restore_database() {
    if (current_data_version() == data_version) return;
    copy_database(pristine, live);
    data_version = current_data_version();
  }

  static bool runs_pbkdf2(const HttpRequest& r) {
    if (r.method != "POST" || r.path.find("accounts") == std::string::npos) return false;
    return r.POST.contains("password") || r.POST.contains("old_password");
  }

  HttpResponse handle(HttpRequest& r) {
    if (!signing_in && runs_pbkdf2(r)) return HttpResponse(204, "");
    auto debug = r.header("x-debug");
    return (debug && *debug == "off" ? production_app : debug_app)->handle(r);
  }

  bool signing_in = false;
};

Fuzzer* g_fuzzer = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static Fuzzer fuzzer;
  g_fuzzer = &fuzzer;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fuzzer& f = *g_fuzzer;
  f.console.clear();
  std::string response = f.server->handle_buffer(std::string_view(reinterpret_cast<const char*>(data), size));
  // An exception the server did not expect reached the generic handler.
  if (f.console.find("Internal Server Error: ") != std::string::npos && f.console.find("\nError: ") != std::string::npos) {
    std::fprintf(stderr, "fuzz_http_request: unexpected exception:\n%s\n", f.console.c_str());
    __builtin_trap();
  }
  f.restore_database();
  return 0;
}
