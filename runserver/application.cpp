#include "runserver/application.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "core/version.hpp"
#include "core/yaml.hpp"
#include "db/connection.hpp"
#include "db/query.hpp"
#include "dtl/errors.hpp"
#include "runserver/data_session.hpp"
#include "runserver/debug_pages.hpp"
#include "runserver/auth.hpp"
#include "runserver/edit_views.hpp"
#include "runserver/middleware.hpp"
#include "runserver/model_save.hpp"
#include "runserver/field_values.hpp"
#include "runserver/pyurl.hpp"
#include "runserver/request_env.hpp"
#include "runserver/static_serve.hpp"
#include "runserver/views.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;

Application::Application(fs::path settings_file, ApplicationOptions options, Console console)
    : settings_file_(std::move(settings_file)), options_(options), console_(std::move(console)) {}

Application::~Application() = default;

void Application::start_watching(const Site* site) {
  if (!options_.reload || watcher_) return;
  std::vector<fs::path> excluded, ignored;
  if (site) {
    const Settings& s = site->settings();
    if (s.static_root) excluded.push_back(*s.static_root);
    excluded.push_back(s.media_root);
    ignored.push_back(s.default_database().path);
  }
  try {
    watcher_ = std::make_unique<FileWatcher>(settings_file_.parent_path(), excluded, ignored);
  } catch (const std::exception& e) {
    console_(std::string("Live reload is off: ") + e.what());
  }
}

bool Application::load(Diagnostics& diags) {
  Diagnostics warnings;
  try {
    auto site = load_site(settings_file_, warnings);
    std::lock_guard<std::mutex> lock(mutex_);
    site_ = site;
    last_debug_ = site->settings().debug;
    broken_.reset();
    diags.append(warnings);
    start_watching(site.get());
    watch_templates(*site);
    return true;
  } catch (const DiagnosticError& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    broken_ = e.diagnostics();
    diags.append(e.diagnostics());
    start_watching(nullptr);
    return false;
  }
}

void Application::watch_templates(const Site& site) {
  std::vector<fs::path> dirs = site.engine->options().dirs;
  const auto& app_dirs = site.engine->options().app_dirs;
  dirs.insert(dirs.end(), app_dirs.begin(), app_dirs.end());
  std::error_code ec;
  const fs::path root = fs::absolute(settings_file_, ec).parent_path().lexically_normal();
  // Under the project watcher: inside its root, not in a hidden or excluded
  // folder (FileWatcher skips those).
  auto covered_by_project = [&](const fs::path& dir) {
    if (!watcher_) return false;
    const Settings& s = site.settings();
    fs::path rel = dir.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") return false;
    for (const auto& part : rel) {
      std::string p = part.string();
      if (!p.empty() && p[0] == '.' && p != ".") return false;
    }
    for (const auto& ex : {s.media_root, s.static_root.value_or(fs::path())})
      if (!ex.empty()) {
        fs::path r = dir.lexically_relative(fs::absolute(ex, ec).lexically_normal());
        if (!r.empty() && *r.begin() != "..") return false;
      }
    return true;
  };
  std::vector<std::unique_ptr<FileWatcher>> watchers;
  for (const auto& d : dirs) {
    if (!fs::is_directory(d, ec)) return;  // a folder that may appear later: keep checking files
    if (covered_by_project(fs::absolute(d, ec).lexically_normal())) continue;
    try {
      watchers.push_back(std::make_unique<FileWatcher>(d, std::vector<fs::path>{}, std::vector<fs::path>{}));
    } catch (const std::exception&) {
      return;  // no inotify: keep checking files
    }
  }
  template_watchers_ = std::move(watchers);
  template_generation_.fetch_add(1, std::memory_order_release);
  site.engine->set_sources_generation(&template_generation_);
}

std::shared_ptr<const Site> Application::site() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return site_;
}

std::shared_ptr<const Site> Application::current_site(std::optional<Diagnostics>& broken) {
  std::lock_guard<std::mutex> lock(mutex_);
  // One poll() over every watcher's descriptor tells which have events
  // (usually none): a request costs one system call here, not a read() per
  // watcher. The events are queued by the time the editor's write returns,
  // so a request sent after a save still sees it.
  std::vector<pollfd> fds;
  fds.reserve(template_watchers_.size() + 1);
  for (auto& w : template_watchers_) fds.push_back({w->fd(), POLLIN, 0});
  if (watcher_) fds.push_back({watcher_->fd(), POLLIN, 0});
  int ready;
  do {
    ready = fds.empty() ? 0 : ::poll(fds.data(), fds.size(), 0);
  } while (ready < 0 && errno == EINTR);
  auto pending = [&](std::size_t i) { return ready != 0 && (ready < 0 || fds[i].revents != 0); };
  for (std::size_t i = 0; i < template_watchers_.size(); ++i)
    if (pending(i) && !template_watchers_[i]->poll_changes().empty())
      template_generation_.fetch_add(1, std::memory_order_release);
  if (watcher_ && pending(fds.size() - 1)) {
    // Only YAML files change what a Site holds: templates are looked up
    // again by the engine after any change (template_generation_), static
    // files come from disk.
    auto changed = watcher_->poll_changes();
    if (!changed.empty()) template_generation_.fetch_add(1, std::memory_order_release);
    changed.erase(std::remove_if(changed.begin(), changed.end(),
                                 [](const fs::path& p) {
                                   auto ext = p.extension();
                                   return ext != ".yaml" && ext != ".yml";
                                 }),
                  changed.end());
    if (!changed.empty()) {
      console_(yaml::display_path(changed.front()) + " changed, reloading.");
      Diagnostics warnings;
      try {
        site_ = load_site(settings_file_, warnings);
        last_debug_ = site_->settings().debug;
        watch_templates(*site_);
        if (broken_) console_("The project loads again.");
        broken_.reset();
        if (!warnings.empty()) console_(warnings.format());
      } catch (const DiagnosticError& e) {
        broken_ = e.diagnostics();
        console_(e.diagnostics().format());
      }
    }
  }
  broken = broken_;
  return broken_ ? nullptr : site_;
}

void Application::add_security_headers(const Site& site, HttpResponse& r) const {
  const Settings& s = site.settings();
  // SecurityMiddleware (Django 3.2), the outermost: every response but the
  // static files' (runserver's StaticFilesHandler answers before any middleware).
  if (s.secure_content_type_nosniff && !r.has_header("X-Content-Type-Options"))
    r.set_header("X-Content-Type-Options", "nosniff");
  if (!s.secure_referrer_policy.empty() && !r.has_header("Referrer-Policy"))
    r.set_header("Referrer-Policy", s.secure_referrer_policy);
}

HttpResponse Application::handle(HttpRequest& request) {
  // The request's database connection goes back to the pool however it ends.
  struct ReleaseConnection {
    ~ReleaseConnection() { release_thread_connection(); }
  } release_connection;
  std::optional<Diagnostics> broken;
  std::shared_ptr<const Site> site;
  try {
    site = current_site(broken);
  } catch (const std::exception& e) {
    console_(std::string("Internal Server Error: ") + e.what());
    return default_error_page(500);
  }
  if (!site) {
    // The project's files fail to load: show why (the server keeps running).
    if (last_debug_ && broken) return diagnostics_page(*broken);
    return default_error_page(500);
  }
  const Settings& s = site->settings();
  const bool static_allowed = options_.serve_static && (s.debug || options_.insecure);
  // runserver's StaticFilesHandler runs before any middleware.
  if (static_allowed && !s.static_url.empty() && s.static_url.find("://") == std::string::npos &&
      request.path.rfind(s.static_url, 0) == 0)
    return serve_static(*site, request, false);

  HttpResponse response;
  bool before_xframe = false;
  try {
    response = dispatch(*site, request, before_xframe);
  } catch (const std::exception& e) {
    console_(std::string("Internal Server Error: ") + request.path + "\n" + e.what());
    response = default_error_page(500);
  }
  // XFrameOptionsMiddleware: every response the view layer returns.
  if (!before_xframe && !response.has_header("X-Frame-Options"))
    response.set_header("X-Frame-Options", s.x_frame_options);
  add_security_headers(*site, response);
  return response;
}

HttpResponse Application::serve_static(const Site& site, const HttpRequest& request, bool media) {
  const Settings& s = site.settings();
  const std::string& prefix = media ? s.media_url : s.static_url;
  // Match on the raw path: the finders decode it exactly once themselves.
  std::string raw = request.raw_path.rfind(prefix, 0) == 0 ? request.raw_path.substr(prefix.size())
                                                            : request.path.substr(prefix.size());
  StaticServeResult found = (media ? *site.media : *site.finders).resolve_url_path(raw);
  if (found.status == StaticServeResult::Status::Found) return serve_file(found.file, request);
  std::string reason = found.message.empty() ? "“" + url_unquote(raw) + "” could not be found" : found.message;
  if (media && found.status == StaticServeResult::Status::NotFound) {
    // MEDIA_URL is Django's django.views.static.serve: it names the full path.
    std::string rel = py::normpath(url_unquote(raw));
    rel.erase(0, std::min(rel.size(), rel.find_first_not_of('/')));
    if (rel != ".." && rel.rfind("../", 0) != 0)
      reason = "“" + py::path_join(fs::absolute(s.media_root).lexically_normal().string(), rel) + "” does not exist";
  }
  // Media go through the URLconf (Django's static() patterns) and get_response
  // logs their 404; runserver's StaticFilesHandler answers its own silently.
  if (media) console_("Not Found: " + request.path);
  if (s.debug) return technical_404(request, "", {}, reason, true);
  return default_error_page(404);
}

HttpResponse Application::not_found(const Site& site, const HttpRequest& request, const std::string& reason,
                                    bool resolved, const std::optional<Tried>& tried, const std::string& raising_view) {
  const Settings& s = site.settings();
  if (s.debug) {
    if (!site.has_urlpatterns && !resolved) return welcome_page(kVersion);
    console_("Not Found: " + request.path);
    std::vector<TriedPattern> list;
    if (tried)
      for (const auto& entry : *tried) {
        TriedPattern t;
        for (const auto* node : entry) t.patterns.push_back(node->pattern().str());
        if (!entry.empty() && entry.back()->name()) t.name = *entry.back()->name();
        list.push_back(std::move(t));
      }
    return technical_404(request, yaml::display_path(s.root_urlconf), list, reason, resolved, raising_view);
  }
  console_("Not Found: " + request.path);
  try {
    RequestEnv env(site, request);
    std::string body = env.render_page({"404.html"}, {{"request_path", dtl::Value::string(url_quote(request.path))},
                                                      {"exception", dtl::Value::string(reason.empty() ? "Resolver404" : reason)}});
    return HttpResponse(404, body);
  } catch (const std::exception&) {
    return default_error_page(404);
  }
}

HttpResponse Application::server_error(const Site& site, const HttpRequest& request, const std::string& type,
                                       const std::string& message, const std::string& template_name, int line) {
  std::string where = template_name.empty() ? "" : " (" + template_name + ", line " + std::to_string(line) + ")";
  console_("Internal Server Error: " + request.path + "\n" + type + ": " + message + where);
  if (site.settings().debug) {
    TemplateErrorInfo info;
    const TemplateErrorInfo* info_ptr = nullptr;
    if (!template_name.empty()) {
      info.name = template_name;
      info.line = line;
      if (fs::is_regular_file(template_name)) {
        info.file = template_name;
        std::ifstream in(template_name);
        std::ostringstream ss;
        ss << in.rdbuf();
        info.source = ss.str();
      }
      info_ptr = &info;
    }
    return technical_500(request, type, message, info_ptr);
  }
  try {
    auto tmpl = site.engine->get_template("500.html");
    dtl::Context ctx;
    site.engine->configure(ctx);
    return HttpResponse(500, tmpl->render(ctx));
  } catch (const std::exception&) {
    return default_error_page(500);
  }
}

namespace {

/// Django's answer to a SuspiciousOperation (response_for_exception): with
/// DEBUG the technical 500 page with status 400, else the bad_request view
/// (400.html rendered with no context, when the project has one).
HttpResponse suspicious_operation(const Site& site, const HttpRequest& request, const std::string& type,
                                  const std::string& message) {
  if (site.settings().debug) {
    HttpResponse r = technical_500(request, type, message, nullptr);
    r.status = 400;
    return r;
  }
  try {
    auto tmpl = site.engine->get_template("400.html");
    dtl::Context ctx;
    site.engine->configure(ctx);
    return HttpResponse(400, tmpl->render(ctx));
  } catch (const std::exception&) {
    return default_error_page(400);
  }
}

}  // namespace

HttpResponse Application::dispatch(const Site& site, HttpRequest& request, bool& before_xframe) {
  const Settings& s = site.settings();
  try {
    request.get_host(s.effective_allowed_hosts());
  } catch (const DisallowedHost& e) {
    // Django logs this to django.security.DisallowedHost and answers 400.
    console_(e.what());
    before_xframe = true;
    return suspicious_operation(site, request, "DisallowedHost", e.what());
  }
  // MEDIA_URL as Django's django.conf.urls.static.static() patterns: only
  // while DEBUG (--insecure is for the staticfiles handler alone).
  if (s.debug && !s.media_url.empty() && s.media_url != "/" &&
      s.media_url.find("://") == std::string::npos && request.path.rfind(s.media_url, 0) == 0)
    return serve_static(site, request, true);

  std::optional<ResolverMatch> match = site.resolver ? site.resolver->match(request.path) : std::nullopt;
  if (!match) {
    // CommonMiddleware: APPEND_SLASH redirects to the URL with a slash when
    // only that one resolves.
    if (s.append_slash && !request.path.empty() && request.path.back() != '/' && site.resolver &&
        site.resolver->match(request.path + "/")) {
      if (s.debug && (request.method == "POST" || request.method == "PUT" || request.method == "PATCH"))
        return server_error(site, request, "RuntimeError",
                            "You called this URL via " + request.method +
                                ", but the URL doesn't end in a slash and you have APPEND_SLASH set. mvt can't "
                                "redirect to the slash URL while maintaining " + request.method +
                                " data. Change your form to point to " + request.raw_host() + request.path +
                                "/ (note the trailing slash), or set APPEND_SLASH: false in your settings.yaml.",
                            "", 0);
      std::string target = url_quote(request.path + "/", "/#%[]=:;$&()+,!?*@'~");
      if (target.rfind("//", 0) == 0) target = "/%2F" + target.substr(2);  // escape_leading_slashes
      if (!request.query_string.empty()) target += "?" + request.query_string;
      before_xframe = true;
      return HttpResponse::redirect(target, true);
    }
    std::optional<Tried> tried;
    if (site.resolver) {
      try {
        site.resolver->resolve(request.path);
      } catch (const Resolver404& e) {
        tried = e.tried();
      }
    }
    return not_found(site, request, "", false, tried);
  }

  const ViewRef& ref = match->func();
  RequestEnv env(site, request, match->namespace_());
  RequestState state;
  const ViewConfig* view = ref.app == "auth" ? nullptr : site.views.find(ref.app, ref.name);
  HttpResponse response;
  try {
    middleware_request(env, state);
    const std::string& m = request.method;
    bool unsafe = m != "GET" && m != "HEAD" && m != "OPTIONS" && m != "TRACE";
    // JSON views check CSRF only for a signed-in session, as Django REST
    // framework's SessionAuthentication does.
    bool json = view && view->format == ResponseFormat::Json;
    auto authenticated = env.user().as_object().resolve("is_authenticated");
    bool check_csrf = unsafe && (!json || (authenticated && authenticated->truthy()));
    // A body past DATA_UPLOAD_MAX_MEMORY_SIZE / _NUMBER_FIELDS raises where
    // Django first reads request.POST: CsrfViewMiddleware, once it has found
    // the CSRF cookie, or the view.
    if (m == "POST" && !request.post_error.empty() && (!check_csrf || state.csrf.cookie)) {
      console_(request.post_error);
      response = suspicious_operation(site, request, request.post_error_type, request.post_error);
      middleware_response(env, state, response);
      console_("Bad Request: " + request.path);
      return response;
    }
    if (check_csrf) {
      if (auto reason = csrf_check(env, state)) {
        console_("Forbidden (" + *reason + "): " + request.path);
        response = csrf_failure(env, *reason);
        middleware_response(env, state, response);
        return response;
      }
    }
    if (ref.app == "auth") {
      response = run_auth_view(env, state, match->url_name().value_or(ref.name), *match);
    } else {
      if (!view) throw std::runtime_error("View '" + ref.str() + "' does not exist");
      response = is_edit_view(*view) ? run_edit_view(env, *view, *match) : run_view(env, *view, *match);
    }
    middleware_response(env, state, response);
    // A 4xx/5xx the view answered is logged as Django's handler does
    // (log_response: "Gone: /old/", "Bad Request: /api/"), a 405 as
    // View.http_method_not_allowed does.
    if (response.status == 405)
      console_("Method Not Allowed (" + request.method + "): " + request.path);
    else if (response.status >= 400)
      console_(std::string(HttpResponse::reason_phrase(response.status)) + ": " + request.path);
    return response;
  } catch (const Http404& e) {
    if (view && view->format == ResponseFormat::Json) {
      // Django REST framework's exception handler: Http404 becomes NotFound,
      // {"detail": "Not found."}; its paginator's own is "Invalid page.".
      const std::string what = e.what();
      bool bad_page = what.rfind("Invalid page (", 0) == 0 || what.rfind("Page is not “last”", 0) == 0;
      console_("Not Found: " + request.path);
      return json_response(bad_page ? R"({"detail":"Invalid page."})" : R"({"detail":"Not found."})", 404);
    }
    // Django's technical 404 for a view's Http404 lists request.resolver_match.tried
    // (ending with the pattern that matched) and names the raising view.
    std::optional<Tried> tried;
    if (site.settings().debug && site.resolver) {
      try {
        tried = site.resolver->resolve(request.path).tried;
      } catch (const std::exception&) {
      }
    }
    return not_found(site, request, e.what(), true, tried, ref.str());
  } catch (const dtl::TemplateError& e) {
    return server_error(site, request, e.error_class(), e.what(), e.template_name, e.line);
  } catch (const FieldValueError& e) {
    return server_error(site, request, "ValidationError", e.what(), "", 0);
  } catch (const ProtectedError& e) {
    return server_error(site, request, "ProtectedError", e.what(), "", 0);
  } catch (const db::QueryError& e) {
    return server_error(site, request, "FieldError", e.what(), "", 0);
  } catch (const db::DatabaseError& e) {
    // Python's sqlite3 raises IntegrityError for constraint violations and
    // OperationalError for the other errors a running query meets; Django
    // re-raises them under the same names (django.db.utils).
    return server_error(site, request, e.is_integrity_error() ? "IntegrityError" : "OperationalError", e.what(), "", 0);
  } catch (const std::exception& e) {
    return server_error(site, request, "Error", e.what(), "", 0);
  }
}

}  // namespace mvt::runserver
