#include "runserver/middleware.hpp"

#include "core/csrf.hpp"
#include "runserver/auth.hpp"

namespace mvt::runserver {

namespace {

bool installed(const RequestEnv& env, const char* label) { return env.site().project.app(label) != nullptr; }

void patch_vary_cookie(HttpResponse& r) {
  auto vary = r.header("Vary");
  if (!vary) r.set_header("Vary", "Cookie");
  else if (vary->find("Cookie") == std::string::npos) r.set_header("Vary", *vary + ", Cookie");
}

/// urlparse(referer) -> (scheme, netloc).
std::pair<std::string, std::string> scheme_netloc(const std::string& url) {
  auto colon = url.find("://");
  if (colon == std::string::npos) return {"", ""};
  std::string scheme = url.substr(0, colon);
  std::string rest = url.substr(colon + 3);
  return {scheme, rest.substr(0, rest.find_first_of("/?#"))};
}

bool is_same_domain(const std::string& host, const std::string& pattern) {
  if (pattern.empty()) return false;
  if (pattern[0] == '.')
    return (host.size() >= pattern.size() && host.compare(host.size() - pattern.size(), pattern.size(), pattern) == 0) ||
           host == pattern.substr(1);
  return host == pattern;
}

}  // namespace

void middleware_request(RequestEnv& env, RequestState& state) {
  const HttpRequest& r = env.request();
  const Settings& s = env.site().settings();
  env.set_state(&state);
  if (auto cookie = r.COOKIES.find(s.csrf_cookie_name); cookie != r.COOKIES.end()) {
    std::string token = csrf::sanitize_token(cookie->second);
    if (token != cookie->second) state.csrf.needs_reset = true;
    state.csrf.cookie = token;
  }
  std::optional<std::string> messages_cookie;
  if (auto c = r.COOKIES.find("messages"); c != r.COOKIES.end()) messages_cookie = c->second;
  if (!installed(env, "sessions")) {
    if (installed(env, "messages")) state.messages.load(messages_cookie, nullptr, s.secret_key);
    return;
  }
  std::optional<std::string> key;
  if (auto c = r.COOKIES.find(s.session_cookie_name); c != r.COOKIES.end()) key = c->second;
  state.session.emplace(env.data(), s.secret_key, key, s.session_cookie_age);
  if (key && installed(env, "auth") && env.site().models.get("auth.User"))
    if (auto user = session_user(env, *state.session)) set_request_user(env, *user);
  // MessageMiddleware: FallbackStorage reads the cookie, and the session
  // only when the cookie says it holds the rest.
  if (installed(env, "messages")) state.messages.load(messages_cookie, key ? &*state.session : nullptr, s.secret_key);
}

std::optional<std::string> csrf_check(const RequestEnv& env, RequestState& state) {
  const HttpRequest& r = env.request();
  const Settings& s = env.site().settings();
  if (r.secure) {
    auto referer = r.header("referer");
    if (!referer) return std::string(csrf::kReasonNoReferer);
    auto [scheme, netloc] = scheme_netloc(*referer);
    if (scheme.empty() || netloc.empty()) return std::string(csrf::kReasonMalformedReferer);
    if (scheme != "https") return std::string(csrf::kReasonInsecureReferer);
    std::vector<std::string> good = s.csrf_trusted_origins;
    try {
      good.push_back(r.get_host(s.effective_allowed_hosts()));
    } catch (const DisallowedHost&) {
    }
    bool ok = false;
    for (const auto& h : good) ok = ok || is_same_domain(netloc, h);
    if (!ok) {
      std::string reason(csrf::kReasonBadReferer);
      reason.replace(reason.find("%s"), 2, *referer);
      return reason;
    }
  }
  if (!state.csrf.cookie) return std::string(csrf::kReasonNoCsrfCookie);
  std::string token;
  if (r.method == "POST") token = r.POST.get("csrfmiddlewaretoken").value_or("");
  if (token.empty()) token = r.header("x-csrftoken").value_or("");
  if (!csrf::compare_masked_tokens(csrf::sanitize_token(token), *state.csrf.cookie))
    return std::string(csrf::kReasonBadToken);
  return std::nullopt;
}

HttpResponse csrf_failure(const RequestEnv& env, const std::string& reason) {
  // django.views.csrf.csrf_failure's page.
  std::string body =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; "
      "charset=utf-8\">\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <title>403 Forbidden</title>\n</head>\n"
      "<body>\n<div id=\"summary\">\n  <h1>Forbidden <span>(403)</span></h1>\n  <p>CSRF verification failed. Request "
      "aborted.</p>\n";
  if (!env.request().header("cookie"))
    body += "  <p>You are seeing this message because this site requires a CSRF cookie when submitting forms. This "
            "cookie is required for security reasons, to ensure that your browser is not being hijacked by third "
            "parties.</p>\n  <p>If you have configured your browser to disable cookies, please re-enable them, at least "
            "for this site, or for “same-origin” requests.</p>\n";
  body += "</div>\n";
  if (env.site().settings().debug) {
    std::string escaped = html_escape(reason);
    body += "<div id=\"info\">\n  <h2>Help</h2>\n    <p>Reason given for failure:</p>\n    <pre>\n    " + escaped +
            "\n    </pre>\n  <p>In general, this can occur when there is a genuine Cross Site Request Forgery, or when "
            "the CSRF mechanism has not been used correctly. For POST forms, you need to ensure:</p>\n  <ul>\n    "
            "<li>Your browser is accepting cookies.</li>\n    <li>The view passes a <code>request</code> to the "
            "template’s <code>render</code> method.</li>\n    <li>In the template, there is a <code>{% csrf_token "
            "%}</code> template tag inside each POST form that targets an internal URL.</li>\n  </ul>\n</div>\n"
            "<div id=\"explanation\">\n  <p>You’re seeing the help section of this page because you have "
            "<code>DEBUG: true</code> in your settings.yaml. Change that to <code>false</code>, and only the initial "
            "error message will be displayed.</p>\n</div>\n";
  } else {
    body += "<div id=\"explanation\">\n  <p><small>More information is available with DEBUG: true.</small></p>\n</div>\n";
  }
  return HttpResponse(403, body + "</body>\n</html>\n");
}

void middleware_response(RequestEnv& env, RequestState& state, HttpResponse& response) {
  const Settings& s = env.site().settings();
  // MessageMiddleware: CookieStorage sets its cookie as Django does (no
  // max_age; the session cookie's secure, httponly and samesite).
  if (installed(env, "messages")) {
    MessagesCookie c = state.messages.update(state.session ? &*state.session : nullptr, s.secret_key);
    if (c.action == MessagesCookie::Action::Set) {
      CookieOptions o;
      o.secure = s.session_cookie_secure;
      o.httponly = s.session_cookie_httponly;
      o.samesite = s.session_cookie_samesite;
      response.set_cookie("messages", c.value, o);
    } else if (c.action == MessagesCookie::Action::Delete) {
      response.delete_cookie("messages", "/", s.session_cookie_samesite);
    }
  }
  // SessionMiddleware
  if (state.session) {
    SessionStore& session = *state.session;
    bool had_cookie = env.request().COOKIES.count(s.session_cookie_name) > 0;
    bool empty = session.is_empty();
    if (had_cookie && empty) {
      response.delete_cookie(s.session_cookie_name, "/", s.session_cookie_samesite);
      patch_vary_cookie(response);
    } else {
      if (session.accessed()) patch_vary_cookie(response);
      if (session.modified() && !empty && response.status != 500) {
        session.save();
        CookieOptions o;
        o.max_age = s.session_cookie_age;
        o.secure = s.session_cookie_secure;
        o.httponly = s.session_cookie_httponly;
        o.samesite = s.session_cookie_samesite;
        response.set_cookie(s.session_cookie_name, session.session_key(), o);
      }
    }
  }
  // CsrfViewMiddleware
  if ((state.csrf.used || state.csrf.needs_reset) && state.csrf.cookie) {
    CookieOptions o;
    o.max_age = 31449600;  // CSRF_COOKIE_AGE: one year
    o.secure = s.csrf_cookie_secure;
    o.httponly = s.csrf_cookie_httponly;
    o.samesite = "Lax";
    response.set_cookie(s.csrf_cookie_name, *state.csrf.cookie, o);
    patch_vary_cookie(response);
  }
}

}  // namespace mvt::runserver
