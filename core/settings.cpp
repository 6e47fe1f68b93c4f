#include "core/settings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <set>

#include "core/apps.hpp"
#include "core/yaml.hpp"

namespace mvt {

namespace fs = std::filesystem;
using yaml::Document;

namespace {

std::optional<std::string> system_getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

/// Reads values of one settings.yaml, reporting type errors against the key.
struct Reader {
  const Document& doc;
  Diagnostics& diags;
  const Settings& settings;

  void type_error(const YAML::Node& n, const std::string& key, const std::string& expected) {
    std::string msg = key + " must be " + expected + ", not " + yaml::describe(n);
    std::string hint = yaml::unquoted_template_hint(n);
    if (!hint.empty()) msg += " (" + hint + ")";
    doc.error(diags, n, msg);
  }

  std::optional<std::string> str(const YAML::Node& n, const std::string& key) {
    if (n.IsScalar() && !yaml::is_null(n)) return n.Scalar();
    type_error(n, key, "a string");
    return std::nullopt;
  }

  std::optional<bool> boolean(const YAML::Node& n, const std::string& key) {
    if (auto b = yaml::to_bool(n)) return b;
    type_error(n, key, "true or false");
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(const YAML::Node& n, const std::string& key) {
    if (auto i = yaml::to_int(n)) return i;
    type_error(n, key, "an integer");
    return std::nullopt;
  }

  std::optional<std::vector<std::string>> str_list(const YAML::Node& n, const std::string& key) {
    if (!n.IsSequence()) {
      type_error(n, key, "a list of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& item : n) {
      if (auto s = str(item, key + " item")) out.push_back(*s);
      else ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  fs::path resolve(const std::string& p) const {
    fs::path path(p);
    return (path.is_absolute() ? path : settings.base_dir / path).lexically_normal();
  }

  std::optional<std::vector<fs::path>> path_list(const YAML::Node& n, const std::string& key) {
    auto l = str_list(n, key);
    if (!l) return std::nullopt;
    std::vector<fs::path> out;
    for (const auto& s : *l) out.push_back(resolve(s));
    return out;
  }

  /// Checks a mapping's keys against the known ones; unknown keys are errors.
  bool check_keys(const YAML::Node& n, const std::string& key, const std::vector<std::string>& known) {
    if (!n.IsMap()) {
      type_error(n, key, "a mapping");
      return false;
    }
    bool ok = true;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      std::string msg = "unknown key '" + k + "' in " + key;
      std::string guess = closest_match(k, known);
      if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
      doc.error(diags, it->first, msg);
      ok = false;
    }
    return ok;
  }
};

using Handler = std::function<void(Reader&, const YAML::Node&, Settings&)>;

template <typename T>
void assign(std::optional<T> v, T& target) {
  if (v) target = std::move(*v);
}

/// Sink for the non-throwing std::filesystem calls: a name too long or
/// otherwise unusable is simply not there (found by fuzz_settings).
thread_local std::error_code fs_error;

std::string strip_prefix(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0 ? s.substr(prefix.size()) : s;
}

void read_databases(Reader& r, const YAML::Node& n, Settings& s) {
  if (!n.IsMap()) {
    r.type_error(n, "DATABASES", "a mapping of aliases");
    return;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string alias = it->first.Scalar();
    const YAML::Node db = it->second;  // a copy: `it->second` lives in a temporary proxy
    const std::string where = "DATABASES." + alias;
    if (!r.check_keys(db, where, {"ENGINE", "NAME", "OPTIONS", "TEST", "ATOMIC_REQUESTS"})) continue;
    DatabaseSettings d;
    if (db["ENGINE"]) {
      if (auto e = r.str(db["ENGINE"], where + ".ENGINE")) {
        std::string engine = strip_prefix(*e, "django.db.backends.");
        if (engine != "sqlite3")
          r.doc.error(r.diags, db["ENGINE"],
                      "unsupported database engine '" + *e + "': mvt embeds SQLite ('sqlite3')");
        d.engine = engine;
      }
    }
    if (db["NAME"]) assign(r.str(db["NAME"], where + ".NAME"), d.name);
    s.databases[alias] = d;
  }
  if (!s.databases.count("default"))
    r.doc.error(r.diags, n, "DATABASES must define a 'default' database");
}

void read_templates(Reader& r, const YAML::Node& n, Settings& s) {
  if (!r.check_keys(n, "TEMPLATES", {"BACKEND", "DIRS", "APP_DIRS", "OPTIONS"})) return;
  if (n["BACKEND"]) {
    auto b = r.str(n["BACKEND"], "TEMPLATES.BACKEND");
    if (b && *b != "django" && *b != "django.template.backends.django.DjangoTemplates")
      r.doc.error(r.diags, n["BACKEND"], "unsupported template backend '" + *b + "': mvt renders the Django Template Language only");
  }
  if (n["DIRS"]) assign(r.path_list(n["DIRS"], "TEMPLATES.DIRS"), s.templates.dirs);
  if (n["APP_DIRS"]) assign(r.boolean(n["APP_DIRS"], "TEMPLATES.APP_DIRS"), s.templates.app_dirs);
  if (const YAML::Node opts = n["OPTIONS"]) {
    if (!r.check_keys(opts, "TEMPLATES.OPTIONS",
                      {"autoescape", "string_if_invalid", "debug", "context_processors", "builtins",
                       "libraries"}))
      return;
    if (opts["autoescape"]) assign(r.boolean(opts["autoescape"], "TEMPLATES.OPTIONS.autoescape"), s.templates.autoescape);
    if (opts["string_if_invalid"]) {
      const YAML::Node v = opts["string_if_invalid"];
      if (!v.IsScalar()) r.type_error(v, "TEMPLATES.OPTIONS.string_if_invalid", "a string");
      else s.templates.string_if_invalid = yaml::is_null(v) ? "" : v.Scalar();
    }
  }
}

void read_choice(Reader& r, const YAML::Node& n, const std::string& key, const std::string& prefix,
                 const std::vector<std::string>& choices, std::string& target) {
  auto v = r.str(n, key);
  if (!v) return;
  std::string name = strip_prefix(*v, prefix);
  if (std::find(choices.begin(), choices.end(), name) == choices.end()) {
    std::string msg = key + " must be one of ";
    for (std::size_t i = 0; i < choices.size(); ++i) msg += (i ? ", " : "") + choices[i];
    msg += ", not '" + *v + "'";
    std::string guess = closest_match(name, choices);
    if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
    r.doc.error(r.diags, n, msg);
    return;
  }
  target = name;
}

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> h = {
      {"SECRET_KEY", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "SECRET_KEY"), s.secret_key); }},
      {"DEBUG", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "DEBUG"), s.debug); }},
      {"ALLOWED_HOSTS", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str_list(n, "ALLOWED_HOSTS"), s.allowed_hosts); }},
      {"INSTALLED_APPS", [](Reader& r, const YAML::Node& n, Settings& s) {
         auto apps = r.str_list(n, "INSTALLED_APPS");
         if (!apps) return;
         std::vector<std::string> labels;
         std::set<std::string> seen;
         std::size_t i = 0;
         for (const auto& a : *apps) {
           const YAML::Node item = n[i++];
           std::string label = builtin_app_label(a).value_or(a);
           // [A-Za-z_][A-Za-z0-9_]*, scanned (std::regex recurses per character).
           auto word = [](unsigned char c) { return c == '_' || std::isalnum(c) != 0; };
           if (label.empty() || std::isdigit(static_cast<unsigned char>(label[0])) ||
               !std::all_of(label.begin(), label.end(), [&](char c) { return word(static_cast<unsigned char>(c)); })) {
             r.doc.error(r.diags, item, "'" + a + "' is not a valid app label");
             continue;
           }
           if (!seen.insert(label).second) {
             r.doc.error(r.diags, item, "Application labels aren't unique, duplicates: " + label);
             continue;
           }
           if (!is_builtin_app(label) && !fs::is_directory(s.base_dir / label, fs_error)) {
             std::string msg = "no app named '" + label + "': there is no folder " +
                               yaml::display_path(s.base_dir / label) + "/";
             r.doc.error(r.diags, item, msg);
           }
           labels.push_back(label);
         }
         s.installed_apps = labels;
       }},
      {"DATABASES", read_databases},
      {"ROOT_URLCONF", [](Reader& r, const YAML::Node& n, Settings& s) {
         if (auto v = r.str(n, "ROOT_URLCONF")) s.root_urlconf = r.resolve(*v);
       }},
      {"TEMPLATES", read_templates},
      {"STATIC_URL", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "STATIC_URL"), s.static_url); }},
      {"STATIC_ROOT", [](Reader& r, const YAML::Node& n, Settings& s) {
         if (yaml::is_null(n)) { s.static_root.reset(); return; }
         if (auto v = r.str(n, "STATIC_ROOT")) s.static_root = r.resolve(*v);
       }},
      {"STATICFILES_DIRS", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.path_list(n, "STATICFILES_DIRS"), s.staticfiles_dirs); }},
      {"STATICFILES_STORAGE", [](Reader& r, const YAML::Node& n, Settings& s) {
         read_choice(r, n, "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.",
                     {"StaticFilesStorage", "ManifestStaticFilesStorage"}, s.staticfiles_storage);
       }},
      {"MEDIA_URL", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "MEDIA_URL"), s.media_url); }},
      {"MEDIA_ROOT", [](Reader& r, const YAML::Node& n, Settings& s) {
         if (auto v = r.str(n, "MEDIA_ROOT")) s.media_root = r.resolve(*v);
       }},
      {"DEFAULT_AUTO_FIELD", [](Reader& r, const YAML::Node& n, Settings& s) {
         read_choice(r, n, "DEFAULT_AUTO_FIELD", "django.db.models.",
                     {"AutoField", "BigAutoField", "SmallAutoField"}, s.default_auto_field);
       }},
      {"TIME_ZONE", [](Reader& r, const YAML::Node& n, Settings& s) {
         auto v = r.str(n, "TIME_ZONE");
         if (!v) return;
         if (*v != "UTC" && (v->find("..") != std::string::npos ||
                             !fs::is_regular_file(fs::path("/usr/share/zoneinfo") / *v, fs_error))) {
           r.doc.error(r.diags, n, "Incorrect timezone setting: " + *v);
           return;
         }
         s.time_zone = *v;
       }},
      {"USE_TZ", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "USE_TZ"), s.use_tz); }},
      {"USE_L10N", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "USE_L10N"), s.use_l10n); }},
      {"USE_I18N", [](Reader& r, const YAML::Node& n, Settings&) { r.boolean(n, "USE_I18N"); }},
      {"LANGUAGE_CODE", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "LANGUAGE_CODE"), s.language_code); }},
      {"LOGIN_URL", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "LOGIN_URL"), s.login_url); }},
      {"LOGIN_REDIRECT_URL", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "LOGIN_REDIRECT_URL"), s.login_redirect_url); }},
      {"LOGOUT_REDIRECT_URL", [](Reader& r, const YAML::Node& n, Settings& s) {
         if (yaml::is_null(n)) s.logout_redirect_url.reset();
         else if (auto v = r.str(n, "LOGOUT_REDIRECT_URL")) s.logout_redirect_url = *v;
       }},
      {"APPEND_SLASH", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "APPEND_SLASH"), s.append_slash); }},
      {"SESSION_COOKIE_NAME", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "SESSION_COOKIE_NAME"), s.session_cookie_name); }},
      {"SESSION_COOKIE_AGE", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.integer(n, "SESSION_COOKIE_AGE"), s.session_cookie_age); }},
      {"SESSION_COOKIE_SECURE", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "SESSION_COOKIE_SECURE"), s.session_cookie_secure); }},
      {"SESSION_COOKIE_HTTPONLY", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "SESSION_COOKIE_HTTPONLY"), s.session_cookie_httponly); }},
      {"SESSION_COOKIE_SAMESITE", [](Reader& r, const YAML::Node& n, Settings& s) {
         read_choice(r, n, "SESSION_COOKIE_SAMESITE", "", {"Lax", "Strict", "None"}, s.session_cookie_samesite);
       }},
      {"CSRF_COOKIE_NAME", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "CSRF_COOKIE_NAME"), s.csrf_cookie_name); }},
      {"CSRF_COOKIE_SECURE", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "CSRF_COOKIE_SECURE"), s.csrf_cookie_secure); }},
      {"CSRF_COOKIE_HTTPONLY", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "CSRF_COOKIE_HTTPONLY"), s.csrf_cookie_httponly); }},
      {"CSRF_TRUSTED_ORIGINS", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str_list(n, "CSRF_TRUSTED_ORIGINS"), s.csrf_trusted_origins); }},
      {"SECURE_SSL_REDIRECT", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "SECURE_SSL_REDIRECT"), s.secure_ssl_redirect); }},
      {"SECURE_HSTS_SECONDS", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.integer(n, "SECURE_HSTS_SECONDS"), s.secure_hsts_seconds); }},
      {"SECURE_HSTS_INCLUDE_SUBDOMAINS", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "SECURE_HSTS_INCLUDE_SUBDOMAINS"), s.secure_hsts_include_subdomains); }},
      {"SECURE_HSTS_PRELOAD", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "SECURE_HSTS_PRELOAD"), s.secure_hsts_preload); }},
      {"SECURE_CONTENT_TYPE_NOSNIFF", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.boolean(n, "SECURE_CONTENT_TYPE_NOSNIFF"), s.secure_content_type_nosniff); }},
      {"SECURE_REFERRER_POLICY", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str(n, "SECURE_REFERRER_POLICY"), s.secure_referrer_policy); }},
      {"X_FRAME_OPTIONS", [](Reader& r, const YAML::Node& n, Settings& s) {
         read_choice(r, n, "X_FRAME_OPTIONS", "", {"DENY", "SAMEORIGIN"}, s.x_frame_options);
       }},
      {"SILENCED_SYSTEM_CHECKS", [](Reader& r, const YAML::Node& n, Settings& s) { assign(r.str_list(n, "SILENCED_SYSTEM_CHECKS"), s.silenced_system_checks); }},
  };
  return h;
}

/// Replaces `${...}` in every string scalar of the tree, in place.
/// Returns false when a variable was missing (the error is reported).
bool expand_tree(const Document& doc, YAML::Node n, const std::string& key, Diagnostics& diags,
                 std::optional<std::string> (*getenv)(const std::string&)) {
  bool ok = true;
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it)
      ok &= expand_tree(doc, it->second,
                        key.empty() ? it->first.Scalar() : key + "." + it->first.Scalar(), diags, getenv);
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) ok &= expand_tree(doc, n[i], key, diags, getenv);
  } else if (n.IsScalar() && n.Scalar().find('$') != std::string::npos) {
    std::vector<std::string> missing;
    std::string out = expand_env(n.Scalar(), getenv, missing);
    for (const auto& m : missing)
      doc.error(diags, n, "environment variable '" + m + "' is not set (used by " + key +
                              "; write ${" + m + ":-default} to give a default)");
    ok = missing.empty();
    if (out != n.Scalar()) {
      // An expanded value converts like a plain scalar: DEBUG: "${DEBUG:-false}" is a bool.
      n = out;  // yaml-cpp assigns in place: the node keeps its mark
      n.SetTag("?");
    }
  }
  return ok;
}

}  // namespace

std::string expand_env(const std::string& text, std::optional<std::string> (*getenv)(const std::string&),
                       std::vector<std::string>& missing) {
  if (!getenv) getenv = system_getenv;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") == 0) {
      std::size_t close = text.find('}', i + 2);
      if (close != std::string::npos) {
        std::string inner = text.substr(i + 2, close - i - 2);
        std::string name = inner;
        std::optional<std::string> fallback;
        if (auto p = inner.find(":-"); p != std::string::npos) {
          name = inner.substr(0, p);
          fallback = inner.substr(p + 2);
        }
        auto v = getenv(name);
        if (v && !(v->empty() && fallback)) out += *v;
        else if (fallback) out += *fallback;
        else missing.push_back(name);
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

DatabaseSettings parse_database_url(const std::string& url) {
  const std::string scheme = "sqlite://";
  if (url.rfind(scheme, 0) != 0) {
    auto colon = url.find("://");
    std::string engine = colon == std::string::npos ? url : url.substr(0, colon);
    throw std::invalid_argument("unsupported DATABASE_URL scheme '" + engine +
                                "': mvt embeds SQLite (sqlite:///path/to/db.sqlite3)");
  }
  std::string rest = url.substr(scheme.size());
  DatabaseSettings d;
  if (rest == ":memory:" || rest.empty() || rest == "/:memory:") {
    d.name = ":memory:";
    return d;
  }
  if (rest[0] != '/')
    throw std::invalid_argument("DATABASE_URL '" + url + "' has a host; write sqlite:///relative/path or sqlite:////absolute/path");
  d.name = rest.substr(1);  // sqlite:///db.sqlite3 -> db.sqlite3; sqlite:////abs -> /abs
  if (d.name.empty()) d.name = ":memory:";
  return d;
}

std::vector<std::string> Settings::effective_allowed_hosts() const {
  if (debug && allowed_hosts.empty()) return {".localhost", "127.0.0.1", "[::1]"};
  return allowed_hosts;
}

const std::vector<std::string>& known_setting_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [k, _] : handlers()) n.push_back(k);
    return n;
  }();
  return names;
}

namespace {
std::optional<Settings> load_settings_document(std::optional<yaml::Document> doc, const fs::path& file,
                                               Diagnostics& diags, Diagnostics& local,
                                               const SettingsEnvironment& env);
}  // namespace

std::optional<Settings> load_settings(const fs::path& file, Diagnostics& diags,
                                      const SettingsEnvironment& env) {
  Diagnostics local;
  auto doc = yaml::load_file(file, local);
  return load_settings_document(std::move(doc), file, diags, local, env);
}

std::optional<Settings> load_settings_text(const std::string& text, const fs::path& file, Diagnostics& diags,
                                           const SettingsEnvironment& env) {
  Diagnostics local;
  auto doc = yaml::parse(text, yaml::display_path(file), local);
  return load_settings_document(std::move(doc), file, diags, local, env);
}

namespace {

std::optional<Settings> load_settings_document(std::optional<yaml::Document> doc, const fs::path& file,
                                               Diagnostics& diags, Diagnostics& local,
                                               const SettingsEnvironment& env) {
  auto getenv = env.getenv ? env.getenv : system_getenv;
  if (!doc) {
    diags.append(local);
    return std::nullopt;
  }
  Settings s;
  s.file = fs::absolute(file).lexically_normal();
  s.base_dir = s.file.parent_path();
  s.root_urlconf = s.base_dir / "urls.yaml";
  s.templates.dirs = {s.base_dir / "templates"};
  s.staticfiles_dirs = {s.base_dir / "static"};
  s.media_root = s.base_dir / "media";
  s.databases["default"] = DatabaseSettings{};

  if (!doc->root.IsMap()) {
    doc->error(local, doc->root, "settings must be a mapping of setting names to values, not " +
                                     yaml::describe(doc->root));
    diags.append(local);
    return std::nullopt;
  }
  Reader reader{*doc, local, s};
  const auto& h = handlers();
  std::set<std::string> unexpanded;  // keys whose value lacks a variable: no follow-on errors
  for (auto it = doc->root.begin(); it != doc->root.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (!expand_tree(*doc, it->second, key, local, getenv)) {
      unexpanded.insert(key);
      continue;
    }
    auto found = h.find(key);
    if (found == h.end()) {
      std::string msg = "unknown setting '" + key + "'";
      std::string guess = closest_match(key, known_setting_names());
      if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
      doc->warning(local, it->first, msg);
      continue;
    }
    found->second(reader, it->second, s);
  }
  if (unexpanded.count("SECRET_KEY")) {
    // already reported
  } else if (s.secret_key.empty() && !doc->root["SECRET_KEY"])
    local.error(doc->display_name, 0, 0, "The SECRET_KEY setting must not be empty.");
  else if (s.secret_key.empty())
    doc->error(local, doc->root["SECRET_KEY"], "The SECRET_KEY setting must not be empty.");

  if (auto url = getenv("DATABASE_URL"); url && !url->empty()) {
    try {
      s.databases["default"] = parse_database_url(*url);
    } catch (const std::invalid_argument& e) {
      local.error("DATABASE_URL", 0, 0, e.what());
    }
  }
  for (auto& [alias, db] : s.databases) {
    if (db.name == ":memory:") db.path = db.name;
    else db.path = reader.resolve(db.name);
  }
  diags.append(local);
  if (local.has_errors()) return std::nullopt;
  return s;
}

}  // namespace

}  // namespace mvt
