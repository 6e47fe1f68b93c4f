#include "runserver/request_objects.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

namespace mvt::runserver {

namespace {

class QueryDictObject : public dtl::Object {
 public:
  explicit QueryDictObject(QueryDict q) : q_(std::move(q)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    std::string key(name);
    if (name == "urlencode") return dtl::Value::string(q_.urlencode());
    if (name == "dict") {  // QueryDict.dict(): each key with its last value, in first-seen order
      std::vector<std::pair<std::string, dtl::Value>> out;
      for (const auto& item : q_.items()) {
        const std::string& k = item.first;  // clang 14: no structured binding in a lambda capture
        if (std::none_of(out.begin(), out.end(), [&](const auto& e) { return e.first == k; }))
          out.emplace_back(k, dtl::Value::string(q_.getlist(k).back()));
      }
      return dtl::Value::map(std::move(out));
    }
    if (name == "items" || name == "lists" || name == "keys" || name == "values") {
      std::vector<dtl::Value> out;
      std::vector<std::string> keys;
      for (const auto& [k, v] : q_.items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
      for (const auto& k : keys) {
        auto all = q_.getlist(k);
        if (name == "keys") out.push_back(dtl::Value::string(k));
        else if (name == "values") out.push_back(dtl::Value::string(all.back()));
        else if (name == "items")
          out.push_back(dtl::Value::list({dtl::Value::string(k), dtl::Value::string(all.back())}, true));
        else {
          std::vector<dtl::Value> vals;
          for (auto& v : all) vals.push_back(dtl::Value::string(v));
          out.push_back(dtl::Value::list({dtl::Value::string(k), dtl::Value::list(vals)}, true));
        }
      }
      return dtl::Value::list(std::move(out));
    }
    if (auto v = q_.get(key)) return dtl::Value::string(*v);
    return std::nullopt;
  }
  std::string str() const override {
    std::string out = "<QueryDict: {";
    std::vector<std::string> keys;
    for (const auto& [k, v] : q_.items())
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::string k;
      dtl::append_python_string_repr(k, keys[i]);
      out += (i ? ", " : "") + k + ": [";
      auto vals = q_.getlist(keys[i]);
      for (std::size_t j = 0; j < vals.size(); ++j) {
        if (j) out += ", ";
        dtl::append_python_string_repr(out, vals[j]);
      }
      out += "]";
    }
    return out + "}>";
  }
  bool truthy() const override { return !q_.empty(); }
  std::optional<std::size_t> length() const override { return q_.items().size(); }
  std::optional<dtl::List> iterate() const override {
    auto keys = resolve("keys");
    return keys->list_ptr();
  }
  std::optional<bool> equals(const dtl::Value&) const override { return std::nullopt; }
  std::string type_name() const override { return "QueryDict"; }

 private:
  QueryDict q_;
};

/// Python's str.title(): the first letter of each run of letters upper-cased, the rest lower-cased.
std::string title_case(std::string_view s) {
  std::string out(s);
  bool prev_letter = false;
  for (auto& c : out) {
    bool letter = std::isalpha(static_cast<unsigned char>(c)) != 0;
    c = static_cast<char>(letter && !prev_letter ? std::toupper(static_cast<unsigned char>(c))
                                                 : std::tolower(static_cast<unsigned char>(c)));
    prev_letter = letter;
  }
  return out;
}

/// request.META as wsgiref's WSGIServer builds it for Django's runserver,
/// in its order: the CGI variables, then one HTTP_* entry per header
/// (repeats joined by ','). A header whose name holds an underscore is
/// dropped, as Django's WSGIRequestHandler.get_environ does, so that "X_Auth"
/// cannot pass for "X-Auth". The process environment, which wsgiref also
/// copies in, is left out: templates would show its secrets.
std::vector<std::pair<std::string, std::string>> meta_items(const HttpRequest& r) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"SERVER_NAME", r.server_name}, {"GATEWAY_INTERFACE", "CGI/1.1"}, {"SERVER_PORT", std::to_string(r.server_port)},
      {"REMOTE_HOST", ""}, {"CONTENT_LENGTH", ""}, {"SCRIPT_NAME", ""}, {"SERVER_PROTOCOL", r.http_version},
      {"REQUEST_METHOD", r.method}, {"PATH_INFO", r.path}, {"QUERY_STRING", r.query_string},
      {"REMOTE_ADDR", r.remote_addr}, {"CONTENT_TYPE", r.header("content-type").value_or("text/plain")}};
  if (auto length = r.header("content-length"); length && !length->empty()) env[4].second = *length;
  auto find = [&](const std::string& k) {
    return std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == k; });
  };
  for (const auto& [name, value] : r.headers) {
    if (name.find('_') != std::string::npos) continue;
    std::string k;
    for (char c : name) k += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (find(k) != env.end()) continue;  // CONTENT_TYPE, CONTENT_LENGTH
    if (auto it = find("HTTP_" + k); it != env.end()) it->second += "," + value;
    else env.emplace_back("HTTP_" + k, value);
  }
  return env;
}

/// django.http.request.HttpHeaders over META: HTTP_* and the two unprefixed
/// CONTENT_* entries, named "X-Foo" (title-cased); lookups ignore case and
/// take underscores for hyphens (`{{ request.headers.user_agent }}`).
class HeadersObject : public dtl::Object {
 public:
  explicit HeadersObject(const HttpRequest& r) {
    for (auto& [k, v] : meta_items(r)) {
      std::string name;
      if (k.rfind("HTTP_", 0) == 0) name = k.substr(5);
      else if (k == "CONTENT_TYPE" || k == "CONTENT_LENGTH") name = k;
      else continue;
      for (auto& c : name) c = c == '_' ? '-' : c;
      items_.emplace_back(title_case(name), std::move(v));
    }
  }
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    std::string key(name);
    for (auto& c : key) c = c == '_' ? '-' : c;
    for (const auto& [k, v] : items_)
      if (std::equal(k.begin(), k.end(), key.begin(), key.end(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          }))
        return dtl::Value::string(v);
    if (name == "keys" || name == "values" || name == "items") {
      std::vector<dtl::Value> out;
      for (const auto& [k, v] : items_) {
        if (name == "keys") out.push_back(dtl::Value::string(k));
        else if (name == "values") out.push_back(dtl::Value::string(v));
        else out.push_back(dtl::Value::list({dtl::Value::string(k), dtl::Value::string(v)}, true));
      }
      return dtl::Value::list(std::move(out));
    }
    return std::nullopt;
  }
  std::string str() const override {
    std::string out = "{";
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (i) out += ", ";
      dtl::append_python_string_repr(out, items_[i].first);
      out += ": ";
      dtl::append_python_string_repr(out, items_[i].second);
    }
    return out + "}";
  }
  bool truthy() const override { return !items_.empty(); }
  std::optional<std::size_t> length() const override { return items_.size(); }
  std::optional<dtl::List> iterate() const override { return resolve("keys")->list_ptr(); }
  std::string type_name() const override { return "HttpHeaders"; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;  // title-cased names, META order
};

dtl::Value meta_value(const HttpRequest& r) {
  std::vector<std::pair<std::string, dtl::Value>> items;
  for (auto& [k, v] : meta_items(r)) items.emplace_back(k, dtl::Value::string(std::move(v)));
  return dtl::Value::map(std::move(items));
}

class RequestObject : public dtl::Object {
 public:
  RequestObject(const HttpRequest& r, dtl::Value user) : r_(r), user_(std::move(user)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "path" || name == "path_info") return dtl::Value::string(r_.path);
    if (name == "method") return dtl::Value::string(r_.method);
    if (name == "GET") return querydict_value(r_.GET);
    if (name == "POST") return querydict_value(r_.POST);
    if (name == "user") return user_;
    if (name == "scheme") return dtl::Value::string(r_.scheme());
    if (name == "is_secure") return dtl::Value::boolean(r_.secure);
    if (name == "get_full_path") return dtl::Value::string(r_.get_full_path());
    if (name == "build_absolute_uri") return dtl::Value::string(r_.build_absolute_uri());
    if (name == "get_host") return dtl::Value::string(r_.raw_host());
    if (name == "COOKIES") {
      std::vector<std::pair<std::string, dtl::Value>> items;
      for (const auto& [k, v] : r_.COOKIES) items.emplace_back(k, dtl::Value::string(v));
      return dtl::Value::map(std::move(items));
    }
    if (name == "headers") return dtl::Value::object(std::make_shared<HeadersObject>(r_));
    if (name == "META") return meta_value(r_);
    return std::nullopt;
  }
  std::string str() const override { return "<WSGIRequest: " + r_.method + " '" + r_.get_full_path() + "'>"; }
  std::string type_name() const override { return "WSGIRequest"; }

 private:
  const HttpRequest& r_;
  dtl::Value user_;
};

class AnonymousUser : public dtl::Object {
 public:
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "is_authenticated" || name == "is_staff" || name == "is_superuser" || name == "is_active")
      return dtl::Value::boolean(false);
    if (name == "is_anonymous") return dtl::Value::boolean(true);
    if (name == "id" || name == "pk") return dtl::Value::none();
    if (name == "username" || name == "get_username") return dtl::Value::string("");
    return std::nullopt;
  }
  std::string str() const override { return "AnonymousUser"; }
  std::string type_name() const override { return "AnonymousUser"; }
};

/// PermWrapper / PermLookupDict.
class Perms : public dtl::Object {
 public:
  using Loader = std::function<std::vector<std::string>()>;
  struct Shared {
    Loader load;
    std::optional<std::vector<std::string>> perms;
    const std::vector<std::string>& get() {
      if (!perms) perms = load ? load() : std::vector<std::string>{};
      return *perms;
    }
  };
  Perms(std::shared_ptr<Shared> perms, bool active, bool superuser, std::string app = "")
      : perms_(std::move(perms)), active_(active), superuser_(superuser), app_(std::move(app)) {}
  bool has(const std::string& perm) const {
    if (!active_) return false;
    if (superuser_) return true;
    const auto& p = perms_->get();
    return std::find(p.begin(), p.end(), perm) != p.end();
  }
  bool has_module(const std::string& app) const {
    if (!active_) return false;
    if (superuser_) return true;
    const auto& all = perms_->get();
    return std::any_of(all.begin(), all.end(), [&](const std::string& p) { return p.rfind(app + ".", 0) == 0; });
  }
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (app_.empty()) return dtl::Value::object(std::make_shared<Perms>(perms_, active_, superuser_, std::string(name)));
    return dtl::Value::boolean(has(app_ + "." + std::string(name)));
  }
  /// PermLookupDict.__repr__ is str(user.get_all_permissions()): a Python
  /// set of every permission of the user (all apps, not just this one);
  /// Python's set order is arbitrary, mvt prints it sorted.
  std::string str() const override {
    if (app_.empty()) return "<PermWrapper>";
    std::vector<std::string> all = active_ ? perms_->get() : std::vector<std::string>{};
    if (all.empty()) return "set()";
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    std::string out = "{";
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (i) out += ", ";
      dtl::append_python_string_repr(out, all[i]);
    }
    return out + "}";
  }
  bool truthy() const override { return app_.empty() || has_module(app_); }
  std::optional<std::size_t> length() const override { return std::nullopt; }
  /// PermWrapper.__contains__: 'app' asks for any permission of the app,
  /// 'app.codename' for that one. PermLookupDict has no __contains__ (its
  /// __iter__ raises TypeError): nullopt.
  std::optional<bool> contains(const dtl::Value& needle) const override {
    if (!app_.empty() || !needle.is_string()) return std::nullopt;
    const std::string& name = needle.as_string();
    auto dot = name.find('.');
    if (dot == std::string::npos) return has_module(name);
    return has(name);
  }
  std::string type_name() const override { return app_.empty() ? "PermWrapper" : "PermLookupDict"; }

 private:
  std::shared_ptr<Shared> perms_;
  bool active_, superuser_;
  std::string app_;
};

}  // namespace

dtl::Value querydict_value(const QueryDict& q) { return dtl::Value::object(std::make_shared<QueryDictObject>(q)); }

dtl::Value request_value(const HttpRequest& request, dtl::Value user) {
  return dtl::Value::object(std::make_shared<RequestObject>(request, std::move(user)));
}

dtl::Value anonymous_user_value() { return dtl::Value::object(std::make_shared<AnonymousUser>()); }

dtl::Value perms_value(std::function<std::vector<std::string>()> load, bool is_active, bool is_superuser) {
  auto shared = std::make_shared<Perms::Shared>();
  shared->load = std::move(load);
  return dtl::Value::object(std::make_shared<Perms>(std::move(shared), is_active, is_superuser));
}

}  // namespace mvt::runserver
