#include "runserver/request_state.hpp"

#include <nlohmann/json.hpp>

#include "core/csrf.hpp"
#include "core/signing.hpp"

namespace mvt::runserver {

std::string CsrfState::get_token() {
  if (!cookie) cookie = csrf::new_csrf_token();
  used = true;
  return csrf::token_for_cookie(*cookie);
}

void CsrfState::rotate() {
  cookie = csrf::new_csrf_token();
  used = true;
  needs_reset = true;
}

namespace {

const char* level_tag(int level) {
  switch (level) {
    case 10: return "debug";
    case 20: return "info";
    case 25: return "success";
    case 30: return "warning";
    case 40: return "error";
    default: return "";
  }
}

class LazyCsrfToken : public dtl::Object {
 public:
  explicit LazyCsrfToken(CsrfState& c) : c_(c) {}
  std::optional<dtl::Value> resolve(std::string_view) const override { return std::nullopt; }
  std::string str() const override {
    if (!value_) value_ = c_.get_token();
    return *value_;
  }
  std::string type_name() const override { return "str"; }

 private:
  CsrfState& c_;
  mutable std::optional<std::string> value_;
};

class MessageObject : public dtl::Object {
 public:
  explicit MessageObject(Message m) : m_(std::move(m)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "message") return dtl::Value::string(m_.text);
    if (name == "level") return dtl::Value::integer(m_.level);
    if (name == "level_tag") return dtl::Value::string(level_tag(m_.level));
    if (name == "extra_tags") return dtl::Value::string(m_.extra_tags);
    if (name == "tags") {
      std::string tags = m_.extra_tags;
      std::string lt = level_tag(m_.level);
      if (!lt.empty()) tags = tags.empty() ? lt : tags + " " + lt;
      return dtl::Value::string(tags);
    }
    return std::nullopt;
  }
  std::string str() const override { return m_.text; }
  std::string type_name() const override { return "Message"; }

 private:
  Message m_;
};

class MessagesObject : public dtl::Object {
 public:
  explicit MessagesObject(MessageStore& s) : s_(s) {}
  std::optional<dtl::Value> resolve(std::string_view) const override { return std::nullopt; }
  std::string str() const override { return "<FallbackStorage>"; }
  bool truthy() const override { return !s_.loaded.empty() || !s_.queued.empty(); }
  std::optional<std::size_t> length() const override { return s_.loaded.size() + s_.queued.size(); }
  std::optional<dtl::List> iterate() const override {
    // BaseStorage.__iter__: marks used and folds the queued messages in.
    s_.used = true;
    for (auto& m : s_.queued) s_.loaded.push_back(std::move(m));
    s_.queued.clear();
    std::vector<dtl::Value> items;
    for (const auto& m : s_.loaded) items.push_back(dtl::Value::object(std::make_shared<MessageObject>(m)));
    return dtl::Value::list(std::move(items)).list_ptr();
  }
  std::string type_name() const override { return "FallbackStorage"; }

 private:
  MessageStore& s_;
};

}  // namespace

namespace {

constexpr const char* kNotFinished = "__messagesnotfinished__";
constexpr std::size_t kMaxCookieSize = 2048;  // CookieStorage.max_cookie_size

/// MessageDecoder: ["__json_message", is_safedata, level, message(, extra_tags)].
std::vector<Message> decode_messages(const nlohmann::json& j) {
  std::vector<Message> out;
  for (const auto& e : j) {
    if (!e.is_array() || e.size() < 4 || e[0] != "__json_message") continue;
    Message m;
    m.level = e[2].is_number_integer() ? e[2].get<int>() : 20;
    m.text = e[3].is_string() ? e[3].get<std::string>() : e[3].dump();
    if (e.size() > 4 && e[4].is_string()) m.extra_tags = e[4].get<std::string>();
    out.push_back(std::move(m));
  }
  return out;
}

/// MessageEncoder's JSON for a list of messages (plus the sentinel); the
/// separators do not matter: the signer and the session re-serialise.
std::string encode_messages(const std::vector<Message>& messages, bool not_finished) {
  std::string out = "[";
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    out += std::string(i ? ", " : "") + "[\"__json_message\", 0, " + std::to_string(m.level) + ", " +
           nlohmann::json(m.text).dump(-1, ' ', true);
    if (!m.extra_tags.empty()) out += ", " + nlohmann::json(m.extra_tags).dump(-1, ' ', true);
    out += "]";
  }
  if (not_finished) out += std::string(messages.empty() ? "" : ", ") + "\"" + kNotFinished + "\"";
  return out + "]";
}

}  // namespace

void MessageStore::load(const std::optional<std::string>& cookie, SessionStore* session, const std::string& secret_key) {
  if (!cookie || cookie->empty()) return;  // CookieStorage._get gives None: the session is not read
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(signing::get_cookie_signer(secret_key, "django.contrib.messages").unsign_object(*cookie),
                              nullptr, false);
  } catch (const std::exception&) {
    return;  // a bad signature or payload: Django ignores the cookie
  }
  if (!j.is_array()) return;
  bool all_retrieved = !(!j.empty() && j.back() == kNotFinished);
  loaded = decode_messages(j);
  cookie_used = !loaded.empty();
  if (all_retrieved || !session) return;
  auto text = session->get_string("_messages");
  if (!text) return;
  auto sj = nlohmann::json::parse(*text, nullptr, false);
  if (!sj.is_array()) return;
  auto more = decode_messages(sj);
  session_used = !more.empty();
  for (auto& m : more) loaded.push_back(std::move(m));
}

MessagesCookie MessageStore::update(SessionStore* session, const std::string& secret_key) {
  std::vector<Message> messages;
  if (used) messages = queued;
  else if (added) {
    messages = loaded;
    messages.insert(messages.end(), queued.begin(), queued.end());
  } else {
    return {};  // nothing changed
  }
  MessagesCookie result;
  // CookieStorage._store(messages, remove_oldest=False): drop the newest
  // until the signed value fits, marking the list as not finished.
  if (!messages.empty()) {
    auto signer = signing::get_cookie_signer(secret_key, "django.contrib.messages");
    std::vector<Message> unstored;
    std::string encoded = signer.sign_object(encode_messages(messages, false), true);
    while (!messages.empty() && encoded.size() > kMaxCookieSize) {
      // The value is base64url, ':' and '.': http.cookies never quotes it.
      unstored.insert(unstored.begin(), messages.back());
      messages.pop_back();
      encoded = signer.sign_object(encode_messages(messages, true), true);
    }
    result = {MessagesCookie::Action::Set, encoded};
    messages = std::move(unstored);
  } else if (cookie_used) {
    result.action = MessagesCookie::Action::Delete;
  }
  // SessionStorage._store: what did not fit, or flush what it held.
  if (session) {
    if (!messages.empty()) session->set_string("_messages", encode_messages(messages, false));
    else if (session_used && session->contains("_messages")) session->erase("_messages");
  }
  return result;
}

dtl::Value csrf_token_value(CsrfState& csrf) { return dtl::Value::object(std::make_shared<LazyCsrfToken>(csrf)); }

dtl::Value messages_value(MessageStore& store) { return dtl::Value::object(std::make_shared<MessagesObject>(store)); }

}  // namespace mvt::runserver
