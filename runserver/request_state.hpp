#pragma once
// What the middleware keeps per request (Django's request.session,
// request.META['CSRF_COOKIE'] / CSRF_COOKIE_USED, request._messages):
// created by the request cycle, read by views and templates, turned into
// cookies and session writes on the way out.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dtl/value.hpp"
#include "runserver/sessions.hpp"

namespace mvt::runserver {

/// CsrfViewMiddleware's per-request state (Django 3.2: the cookie holds a
/// 64-character masked token).
struct CsrfState {
  std::optional<std::string> cookie;  // sanitized cookie token, or a new one once get_token ran
  bool used = false;                  // CSRF_COOKIE_USED: the response sets the cookie
  bool needs_reset = false;           // rotate_token() ran (login)
  /// django.middleware.csrf.get_token: a fresh masking of the secret.
  std::string get_token();
  /// rotate_token(): a new secret (after login).
  void rotate();
};

/// One message of the messages framework.
struct Message {
  int level = 20;
  std::string text;
  std::string extra_tags;
};

/// What the messages framework does to the `messages` cookie on the way out.
struct MessagesCookie {
  enum class Action { Keep, Set, Delete } action = Action::Keep;
  std::string value;  // for Set: the signed value
};

/// The messages framework's storage for one request: Django's default
/// FallbackStorage (CookieStorage first, then SessionStorage for what does
/// not fit in 2048 bytes), with BaseStorage's semantics: iterating marks
/// messages as used; used ones are not stored again.
struct MessageStore {
  std::vector<Message> loaded;  // from the cookie (and the session)
  std::vector<Message> queued;  // added during this request
  bool used = false;
  bool added = false;
  bool cookie_used = false;   // FallbackStorage._used_storages: the cookie held messages
  bool session_used = false;  // the session's "_messages" held messages
  /// FallbackStorage._get: the `messages` cookie (signed with
  /// get_cookie_signer(salt="django.contrib.messages")); the session's
  /// "_messages" only when the cookie ends with the not-finished sentinel.
  /// A missing or tampered cookie loads nothing. `session` may be null.
  void load(const std::optional<std::string>& cookie, SessionStore* session, const std::string& secret_key);
  /// BaseStorage.update / FallbackStorage._store: what remains goes to the
  /// cookie, the oldest first, and what does not fit to the session.
  /// Returns what to do with the cookie.
  MessagesCookie update(SessionStore* session, const std::string& secret_key);
};

struct RequestState {
  std::optional<SessionStore> session;
  CsrfState csrf;
  MessageStore messages;
};

/// The `csrf_token` context variable: lazy, so that only pages that use it
/// set the cookie (Django's csrf context processor).
dtl::Value csrf_token_value(CsrfState& csrf);

/// The `messages` context variable (iterable; marks the messages used).
dtl::Value messages_value(MessageStore& store);

}  // namespace mvt::runserver
