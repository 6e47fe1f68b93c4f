#include "runserver/auth.hpp"

#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "core/hashers.hpp"
#include "core/password_validation.hpp"
#include "dtl/errors.hpp"
#include "dtl/node.hpp"
#include "runserver/field_values.hpp"
#include "runserver/forms.hpp"
#include "runserver/model_save.hpp"
#include "runserver/request_objects.hpp"
#include "runserver/views.hpp"

namespace mvt::runserver {

using models::FieldDef;

namespace {

constexpr const char* kSessionKey = "_auth_user_id";
constexpr const char* kBackendKey = "_auth_user_backend";
constexpr const char* kHashKey = "_auth_user_hash";
constexpr const char* kBackend = "django.contrib.auth.backends.ModelBackend";

const models::ModelDef& user_model(const RequestEnv& env) {
  const auto* m = env.site().models.get("auth.User");
  if (!m) throw std::runtime_error("the auth app is not installed (auth.User is unknown)");
  return *m;
}

std::optional<AuthUser> user_from(RequestEnv& env, std::vector<db::Lookup> lookups) {
  const auto& model = user_model(env);
  auto batch = run_query(env, db::QuerySet(env.site().models, model).filter(std::move(lookups)).order_by({}));
  if (batch->rows.empty()) return std::nullopt;
  AuthUser u;
  u.instance = make_instance(batch, 0);
  const auto& inst = static_cast<const ModelInstance&>(u.instance.as_object());
  u.pk = inst.pk();
  u.username = inst.raw(*model.field("username")).to_text();
  u.password = inst.raw(*model.field("password")).to_text();
  u.is_active = inst.raw(*model.field("is_active")) == db::SqlValue(1);
  u.is_superuser = inst.raw(*model.field("is_superuser")) == db::SqlValue(1);
  return u;
}

db::Lookup eq(const std::string& field, db::SqlValue v) {
  db::Lookup l;
  l.path = {field};
  l.values = {std::move(v)};
  return l;
}

/// request.user in templates: the auth.User instance plus the user API
/// (is_authenticated, get_username, get_full_name...).
class UserObject : public dtl::Object {
 public:
  explicit UserObject(dtl::Value instance) : inst_(std::move(instance)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "is_authenticated") return dtl::Value::boolean(true);
    if (name == "is_anonymous") return dtl::Value::boolean(false);
    if (name == "get_username") return inst_.as_object().resolve("username");
    if (name == "get_full_name") {
      std::string full = field("first_name") + " " + field("last_name");
      full.erase(0, full.find_first_not_of(' '));
      full.erase(full.find_last_not_of(' ') + 1);
      return dtl::Value::string(full);
    }
    if (name == "get_short_name") return dtl::Value::string(field("first_name"));
    if (name == "password") return std::nullopt;  // never shown
    return inst_.as_object().resolve(name);
  }
  std::string str() const override { return field("username"); }
  std::optional<bool> equals(const dtl::Value& other) const override { return dtl::equals(inst_, other); }
  std::string type_name() const override { return "User"; }

 private:
  std::string field(const char* n) const {
    auto v = inst_.as_object().resolve(n);
    return v ? v->str() : "";
  }
  dtl::Value inst_;
};

/// ModelBackend.get_all_permissions: the user's own and their groups'
/// permissions as "app_label.codename"; a superuser has every permission.
std::vector<std::string> permissions_of(RequestEnv& env, const db::SqlValue& pk, bool superuser) {
  std::vector<std::string> out;
  const std::string all =
      "SELECT ct.app_label, p.codename FROM auth_permission p INNER JOIN django_content_type ct ON p.content_type_id = ct.id";
  const std::string sql = superuser ? all : all +
      " WHERE p.id IN (SELECT permission_id FROM auth_user_user_permissions WHERE user_id = ?) "
      "OR p.id IN (SELECT gp.permission_id FROM auth_group_permissions gp INNER JOIN auth_user_groups ug ON gp.group_id = ug.group_id WHERE ug.user_id = ?)";
  try {
    std::vector<db::SqlValue> params;
    if (!superuser) params = {pk, pk};
    for (const auto& row : env.data().fetch({sql, params})) out.push_back(row[0].to_text() + "." + row[1].to_text());
  } catch (const std::exception&) {
  }
  return out;
}

FormField char_field(const FieldDef* mf, std::string name, std::string label, WidgetKind widget,
                     std::vector<std::pair<std::string, std::string>> attrs) {
  FormField f;
  f.name = std::move(name);
  f.model_field = mf;
  f.kind = FormFieldKind::Char;
  f.widget = widget;
  f.label = std::move(label);
  f.attrs = std::move(attrs);
  return f;
}

/// Django's AuthenticationForm.
std::shared_ptr<ModelForm> authentication_form(RequestEnv& env) {
  const auto& model = user_model(env);
  std::vector<FormField> fields{
      char_field(model.field("username"), "username", "Username", WidgetKind::TextInput,
                 {{"autofocus", kBareAttr}, {"autocapitalize", "none"}, {"autocomplete", "username"}, {"maxlength", "150"}}),
      char_field(model.field("password"), "password", "Password", WidgetKind::PasswordInput,
                 {{"autocomplete", "current-password"}})};
  fields[0].max_length = 150;
  return std::make_shared<ModelForm>(env, model, std::move(fields));
}

/// A template of the project, else mvt's plain built-in one.
std::string render_or_default(RequestEnv& env, const std::string& name, const std::string& fallback,
                              const dtl::Context::Items& items) {
  try {
    return env.render_page({name}, items);
  } catch (const dtl::TemplateDoesNotExist& e) {
    if (std::string(e.what()) != name) throw;  // a missing include inside the project's template
  }
  auto tmpl = env.site().engine->from_string(fallback);
  dtl::Context ctx;
  env.prepare_page_context(ctx, items);
  return tmpl->render(ctx);
}

const char* kLoginTemplate =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Log in</title></head>\n<body>\n"
    "<h1>Log in</h1>\n<form method=\"post\">{% csrf_token %}\n{{ form.as_p }}\n"
    "<input type=\"hidden\" name=\"next\" value=\"{{ next }}\">\n<button type=\"submit\">Log in</button>\n</form>\n"
    "</body>\n</html>\n";
const char* kLoggedOutTemplate =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{{ title }}</title></head>\n<body>\n"
    "<p>Thanks for spending some quality time with the Web site today.</p>\n<p><a href=\"{% url 'login' %}\">Log in again</a></p>\n"
    "</body>\n</html>\n";
const char* kPasswordChangeTemplate =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{{ title }}</title></head>\n<body>\n"
    "<h1>{{ title }}</h1>\n<form method=\"post\">{% csrf_token %}\n{{ form.as_p }}\n<button type=\"submit\">Change my password</button>\n"
    "</form>\n</body>\n</html>\n";
const char* kPasswordChangeDoneTemplate =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{{ title }}</title></head>\n<body>\n"
    "<p>Your password was changed.</p>\n</body>\n</html>\n";

bool is_authenticated(const RequestEnv& env) {
  auto a = env.user().is_object() ? env.user().as_object().resolve("is_authenticated") : std::nullopt;
  return a && a->truthy();
}

/// get_redirect_url of LoginView/LogoutView: `next` when it is safe.
std::string safe_next(const RequestEnv& env) {
  const HttpRequest& r = env.request();
  std::string next = r.POST.get("next").value_or(r.GET.get("next").value_or(""));
  if (next.empty()) return "";
  std::vector<std::string> hosts{r.raw_host()};
  return url_has_allowed_host_and_scheme(next, hosts, r.secure) ? next : "";
}

std::string resolve_url(const RequestEnv& env, const std::string& to) {
  // django.shortcuts.resolve_url: a URL name reverses, a path stays.
  if (to.find('/') != std::string::npos || to.find('.') != std::string::npos) return to;
  try {
    return env.site().resolver ? env.site().resolver->reverse(to) : to;
  } catch (const std::exception&) {
    return to;
  }
}

HttpResponse login_view(RequestEnv& env, RequestState& state) {
  const auto& method = env.request().method;
  auto form = authentication_form(env);
  if (method == "POST") {
    form->bind(env.request().POST);
    if (form->is_valid()) {
      auto user = authenticate(env, form->cleaned_data().at("username").str(), form->cleaned_data().at("password").str());
      if (user) {
        login(env, state, *user);
        std::string next = safe_next(env);
        return HttpResponse::redirect(next.empty() ? resolve_url(env, env.site().settings().login_redirect_url) : next);
      }
      // ModelBackend refuses inactive users in authenticate() itself, so
      // Django 3.2 gives them the same message as a wrong password
      // ("This account is inactive." needs AllowAllUsersModelBackend).
      form->add_error("", "Please enter a correct username and password. Note that both fields may be case-sensitive.");
    }
  } else if (method != "GET" && method != "HEAD") {
    HttpResponse r(405, "");
    r.set_header("Allow", "GET, POST, PUT, HEAD, OPTIONS");
    return r;
  }
  const HttpRequest& r = env.request();
  std::string next = r.POST.get("next").value_or(r.GET.get("next").value_or(""));
  dtl::Context::Items items{{"form", form_value(form)},
                            {"next", dtl::Value::string(next)},
                            {"site_name", dtl::Value::string(r.raw_host())},
                            {"title", dtl::Value::string("Log in")}};
  return html_response(render_or_default(env, "registration/login.html", kLoginTemplate, items));
}

HttpResponse logout_view(RequestEnv& env, RequestState& state) {
  if (env.request().method != "POST") {  // Django 5.0: logout by POST only
    HttpResponse r(405, "");
    r.set_header("Allow", "POST, OPTIONS");
    return r;
  }
  if (state.session) state.session->flush();
  env.set_user(anonymous_user_value(), [] { return std::vector<std::string>{}; }, false, false);
  const auto& s = env.site().settings();
  // LogoutView.get_success_url: a safe `next` first, then LOGOUT_REDIRECT_URL.
  std::string to = safe_next(env);
  if (to.empty() && s.logout_redirect_url) to = resolve_url(env, *s.logout_redirect_url);
  if (!to.empty()) return HttpResponse::redirect(to);
  return html_response(render_or_default(env, "registration/logged_out.html", kLoggedOutTemplate,
                                         {{"title", dtl::Value::string("Logged out")}}));
}

HttpResponse password_change_view(RequestEnv& env, RequestState& state, bool done) {
  if (!is_authenticated(env)) return redirect_to_login(env.site().settings().login_url, env.request().get_full_path());
  if (done)
    return html_response(render_or_default(env, "registration/password_change_done.html", kPasswordChangeDoneTemplate,
                                           {{"title", dtl::Value::string("Password change successful")}}));
  const auto& model = user_model(env);
  const FieldDef* pw = model.field("password");
  std::vector<FormField> fields{
      char_field(pw, "old_password", "Old password", WidgetKind::PasswordInput,
                 {{"autocomplete", "current-password"}, {"autofocus", kBareAttr}}),
      char_field(pw, "new_password1", "New password", WidgetKind::PasswordInput, {{"autocomplete", "new-password"}}),
      char_field(pw, "new_password2", "New password confirmation", WidgetKind::PasswordInput,
                 {{"autocomplete", "new-password"}})};
  // password_validators_help_text_html()
  std::string help = "<ul>";
  for (const auto& t : password_validation::password_validators_help_texts()) {
    help += "<li>";
    dtl::append_escaped(help, t);
    help += "</li>";
  }
  fields[1].help_text = help + "</ul>";
  auto form = std::make_shared<ModelForm>(env, model, std::move(fields));
  const auto& user_inst = static_cast<const ModelInstance&>(env.user_instance()->as_object());
  AuthUser user = *user_from(env, {eq("id", user_inst.pk())});
  if (env.request().method == "POST") {
    form->bind(env.request().POST);
    if (form->is_valid()) {
      const auto& cd = form->cleaned_data();
      std::string old_pw = cd.at("old_password").str(), p1 = cd.at("new_password1").str(), p2 = cd.at("new_password2").str();
      bool ok = true;
      if (!hashers::check_password(old_pw, user.password)) {
        form->add_error("old_password", "Your old password was entered incorrectly. Please enter it again.");
        ok = false;
      }
      if (p1 != p2) {
        form->add_error("new_password2", "The two password fields didn’t match.");
        ok = false;
      } else {
        // validate_password(password2, self.user): every attribute of
        // UserAttributeSimilarityValidator's DEFAULT_USER_ATTRIBUTES.
        password_validation::UserAttributes attrs;
        attrs.username = user.username;
        auto attr = [&](const char* n) {
          auto v = user.instance.as_object().resolve(n);
          return v && !v->is_none() ? v->str() : std::string();
        };
        attrs.first_name = attr("first_name");
        attrs.last_name = attr("last_name");
        attrs.email = attr("email");
        auto problems = password_validation::validate_password(p2, &attrs);
        for (auto& p : problems) form->add_error("new_password2", p.message);
        ok = ok && problems.empty();
      }
      if (ok) {
        std::string hash = hashers::make_password(p2);
        env.data().execute({"UPDATE auth_user SET password = ? WHERE id = ?", {hash, user.pk}});
        // update_session_auth_hash: this session stays signed in.
        if (state.session) {
          state.session->cycle_key();
          state.session->set_string(kHashKey, hashers::session_auth_hash(hash, env.site().settings().secret_key));
        }
        return HttpResponse::redirect(resolve_url(env, "password_change_done"));
      }
    }
  }
  return html_response(render_or_default(env, "registration/password_change_form.html", kPasswordChangeTemplate,
                                         {{"form", form_value(form)}, {"title", dtl::Value::string("Password change")}}));
}

}  // namespace

std::optional<AuthUser> load_user(RequestEnv& env, const db::SqlValue& pk) { return user_from(env, {eq("id", pk)}); }

std::optional<AuthUser> session_user(RequestEnv& env, SessionStore& session) {
  auto id = session.get_string(kSessionKey);
  auto backend = session.get_string(kBackendKey);
  if (!id || !backend || *backend != kBackend) return std::nullopt;
  std::optional<AuthUser> user;
  try {
    user = load_user(env, db::SqlValue(static_cast<std::int64_t>(std::stoll(*id))));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!user || !user->is_active) return std::nullopt;
  auto hash = session.get_string(kHashKey).value_or("");
  const std::string& secret = env.site().settings().secret_key;
  if (hash.empty() || !(crypto::constant_time_compare(hash, hashers::session_auth_hash(user->password, secret)) ||
                        crypto::constant_time_compare(hash, hashers::legacy_session_auth_hash(user->password, secret)))) {
    session.flush();
    return std::nullopt;
  }
  return user;
}

std::optional<AuthUser> authenticate(RequestEnv& env, const std::string& username, const std::string& password) {
  auto user = user_from(env, {eq("username", username)});
  if (!user) {
    hashers::make_password(password);  // ModelBackend: the same work, so timing tells nothing
    return std::nullopt;
  }
  if (!hashers::check_password(password, user->password) || !user->is_active) return std::nullopt;
  if (hashers::must_update(user->password)) {  // the hasher's setter: upgrade the stored hash
    user->password = hashers::make_password(password);
    env.data().execute({"UPDATE auth_user SET password = ? WHERE id = ?", {user->password, user->pk}});
  }
  return user;
}

void set_request_user(RequestEnv& env, const AuthUser& user) {
  db::SqlValue pk = user.pk;
  RequestEnv* e = &env;
  bool superuser = user.is_superuser;
  env.set_user(dtl::Value::object(std::make_shared<UserObject>(user.instance)),
               [e, pk, superuser] { return permissions_of(*e, pk, superuser); }, user.is_active, user.is_superuser);
  env.set_user_instance(user.instance);
}

void login(RequestEnv& env, RequestState& state, const AuthUser& user) {
  if (!state.session) throw std::runtime_error("login needs the sessions app in INSTALLED_APPS");
  SessionStore& s = *state.session;
  const std::string hash = hashers::session_auth_hash(user.password, env.site().settings().secret_key);
  auto current = s.get_string(kSessionKey);
  if (current) {
    if (*current != user.pk.to_text() || !crypto::constant_time_compare(s.get_string(kHashKey).value_or(""), hash))
      s.flush();
  } else {
    s.cycle_key();
  }
  s.set_string(kSessionKey, user.pk.to_text());
  s.set_string(kBackendKey, kBackend);
  s.set_string(kHashKey, hash);
  state.csrf.rotate();
  // user_logged_in -> update_last_login
  const auto& model = user_model(env);
  update_object(env.data(), model, user.pk, {{model.field("last_login"), field_default(*model.field("date_joined"), env.data().settings())}});
  set_request_user(env, user);
}

HttpResponse run_auth_view(RequestEnv& env, RequestState& state, const std::string& name, const ResolverMatch&) {
  if (name == "login") return login_view(env, state);
  if (name == "logout") return logout_view(env, state);
  if (name == "password_change") return password_change_view(env, state, false);
  if (name == "password_change_done") return password_change_view(env, state, true);
  // The password reset views send email, which mvt does not do.
  throw Http404("The '" + name + "' view needs email, which mvt does not send.");
}

}  // namespace mvt::runserver
