#include "runserver/edit_views.hpp"

#include <nlohmann/json.hpp>

#include "dtl/text.hpp"
#include "dtl/timezone.hpp"
#include "runserver/field_file.hpp"
#include "runserver/field_values.hpp"
#include "runserver/file_storage.hpp"
#include "runserver/forms.hpp"
#include "runserver/model_save.hpp"
#include "runserver/views.hpp"

namespace mvt::runserver {

using models::FieldDef;
using models::ModelDef;

namespace {

std::vector<std::string> form_field_names(const ModelDef& model, const ViewConfig& v) {
  if (!v.fields_all) return v.fields;
  std::vector<std::string> names;
  for (const auto& f : model.fields)
    if (f.effective_editable() && !f.is_auto() && !f.auto_created) names.push_back(f.name);
  return names;
}

/// A JSON request body as form data (lists for many-to-many, booleans as
/// "true"/"false", null as an empty value).
QueryDict json_body_data(const std::string& body) {
  QueryDict q;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("JSON parse error - the body must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    auto add = [&](const nlohmann::json& v) {
      if (v.is_string()) q.append(it.key(), v.get<std::string>());
      else if (v.is_boolean()) q.append(it.key(), v.get<bool>() ? "true" : "false");
      else if (v.is_null()) q.append(it.key(), "");
      else q.append(it.key(), v.dump());
    };
    if (it.value().is_array()) for (const auto& e : it.value()) add(e);
    else add(it.value());
  }
  return q;
}

std::string errors_json(const ModelForm& form) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, msgs] : form.errors()) out[name.empty() ? "non_field_errors" : name] = msgs;
  return out.dump();
}

dtl::Value load_instance(RequestEnv& env, const ModelDef& model, const db::SqlValue& pk) {
  db::Lookup l;
  l.path = {model.pk()->name};
  l.values = {pk};
  auto batch = run_query(env, db::QuerySet(env.site().models, model).filter({l}).order_by({}));
  if (batch->rows.empty()) throw Http404("No " + model.verbose_name() + " found matching the query");
  return make_instance(batch, 0);
}

/// Where to go after a save: success_url (rendered with `object`), else the
/// object's get_absolute_url. Django: ImproperlyConfigured otherwise.
std::string success_url(RequestEnv& env, const ViewConfig& v, const dtl::Value* object) {
  const auto& t = env.site().view_templates.at(&v);
  dtl::Context::Items items;
  if (object) items.emplace_back("object", *object);
  if (t.success_url) return render_option(env, *t.success_url, items);
  if (object)
    if (auto url = object->as_object().resolve("get_absolute_url")) return url->str();
  throw std::runtime_error("No URL to redirect to.  Either provide a url or define a get_absolute_url method on the Model.");
}

/// The values of `set:`, rendered and typed for their fields.
FieldValues set_values(RequestEnv& env, const ViewConfig& v, const ModelDef& model) {
  FieldValues out;
  const auto& t = env.site().view_templates.at(&v);
  for (const auto& [name, tmpl] : t.set) {
    const FieldDef* f = model.field(name);
    if (!f || !tmpl) continue;
    std::string text = render_option(env, *tmpl);
    out.emplace_back(f, text == "None" && f->null ? dtl::Value::none() : dtl::Value::string(text));
  }
  return out;
}

HttpResponse render_form(RequestEnv& env, const ViewConfig& v, const ModelDef& model, std::shared_ptr<ModelForm> form,
                         const dtl::Value* object) {
  dtl::Context::Items ctx{{"form", form_value(form)}};
  if (object) {
    ctx.emplace_back("object", *object);
    ctx.emplace_back(v.context_object_name.empty() ? model.name_lower() : v.context_object_name, *object);
  }
  for (auto& item : extra_context(env, v)) ctx.push_back(std::move(item));
  return html_response(env.render_page(template_names(env, v, v.template_name_suffix.empty() ? "_form" : v.template_name_suffix), ctx));
}

std::string object_label(const ModelDef& model, const dtl::Value& object) {
  return dtl::py_lower(model.verbose_name()) + " “" + object.str() + "”";
}

HttpResponse form_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match, bool create) {
  const ModelDef& model = view_model(env, v);
  const std::string& method = env.request().method;
  const bool json = v.format == ResponseFormat::Json;
  std::optional<dtl::Value> object;
  if (!create) object = get_object(env, v, match);
  auto names = form_field_names(model, v);
  auto form = std::make_shared<ModelForm>(env, model, names, object);
  if (method == "GET" || method == "HEAD") {
    if (json) return json_response(object ? to_json_text(static_cast<const ModelInstance&>(object->as_object()).to_json_value()) : "{}");
    return render_form(env, v, model, form, object ? &*object : nullptr);
  }
  // POST (and PUT / PATCH, which Django's ProcessFormView treats as POST).
  if (json) {
    try {
      form->bind(json_body_data(env.request().body));
    } catch (const std::invalid_argument& e) {
      return json_response(nlohmann::json{{"detail", e.what()}}.dump(), 400);
    }
  } else {
    form->bind(env.request().POST, std::make_shared<const UploadedFiles>(env.request().FILES));
  }
  if (!form->is_valid()) {
    if (json) return json_response(errors_json(*form), 400);
    return render_form(env, v, model, form, object ? &*object : nullptr);
  }
  FieldValues values;
  std::vector<std::pair<const FieldDef*, const UploadedFile*>> uploads;
  for (const auto& f : form->fields()) {
    const dtl::Value& value = form->cleaned_data().at(f.name);
    if (f.kind == FormFieldKind::File || f.kind == FormFieldKind::Image) {
      // FileField.save_form_data: None (and the current file) change
      // nothing, False (cleared) stores '', an upload is stored below.
      if (value.is_bool()) values.emplace_back(f.model_field, dtl::Value::string(""));
      else if (const UploadedFile* up = uploaded_file(value)) uploads.emplace_back(f.model_field, up);
      continue;
    }
    values.emplace_back(f.model_field, value);
  }
  for (auto& sv : set_values(env, v, model)) values.push_back(std::move(sv));
  // The uploads go to MEDIA_ROOT only now that the form is valid (as
  // FileField.pre_save during save()); if the row cannot be written they are
  // removed again.
  const auto& settings = env.site().settings();
  FileSystemStorage storage(settings.media_root, settings.media_url);
  std::vector<std::string> stored;
  db::SqlValue pk;
  try {
    if (!uploads.empty()) {
      const dtl::TimeZone* tz = dtl::TimeZone::locate(settings.time_zone);
      dtl::DateTime now = dtl::now(nullptr, tz);  // datetime.now(): naive, in TIME_ZONE
      std::tm tm{};
      tm.tm_year = now.date.year - 1900;
      tm.tm_mon = now.date.month - 1;
      tm.tm_mday = now.date.day;
      tm.tm_hour = now.time.hour;
      tm.tm_min = now.time.minute;
      tm.tm_sec = now.time.second;
      tm.tm_wday = (dtl::weekday(now.date) + 1) % 7;
      tm.tm_yday = static_cast<int>(dtl::days_from_civil(now.date.year, now.date.month, now.date.day) -
                                    dtl::days_from_civil(now.date.year, 1, 1));
      for (const auto& [field, up] : uploads) {
        std::string name = generate_filename(field->upload_to, up->name, tm);
        std::int64_t max_length = field->effective_max_length().value_or(100);
        stored.push_back(storage.save(name, up->content, max_length));
        values.emplace_back(field, dtl::Value::string(stored.back()));
      }
    }
    if (create) {
      pk = insert_object(env.data(), model, values);
    } else {
      pk = static_cast<const ModelInstance&>(object->as_object()).pk();
      update_object(env.data(), model, pk, values);
    }
  } catch (const SuspiciousFileOperation&) {
    // A SuspiciousOperation: Django answers 400 Bad Request.
    for (const auto& name : stored) storage.remove(name);
    return default_error_page(400);
  } catch (...) {
    for (const auto& name : stored) storage.remove(name);
    throw;
  }
  dtl::Value saved = load_instance(env, model, pk);
  if (json)
    return json_response(to_json_text(static_cast<const ModelInstance&>(saved.as_object()).to_json_value()), create ? 201 : 200);
  env.add_message(25, "The " + object_label(model, saved) + (create ? " was added successfully." : " was changed successfully."));
  return HttpResponse::redirect(success_url(env, v, &saved));
}

HttpResponse delete_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  const ModelDef& model = view_model(env, v);
  dtl::Value object = get_object(env, v, match);
  const std::string& method = env.request().method;
  if (method == "GET" || method == "HEAD") {
    if (v.format == ResponseFormat::Json)
      return json_response(to_json_text(static_cast<const ModelInstance&>(object.as_object()).to_json_value()));
    dtl::Context::Items ctx{{"object", object}};
    ctx.emplace_back(v.context_object_name.empty() ? model.name_lower() : v.context_object_name, object);
    for (auto& item : extra_context(env, v)) ctx.push_back(std::move(item));
    return html_response(env.render_page(
        template_names(env, v, v.template_name_suffix.empty() ? "_confirm_delete" : v.template_name_suffix), ctx));
  }
  // DeletionMixin: the success URL is computed before the object is gone.
  const auto& t = env.site().view_templates.at(&v);
  std::string url;
  if (t.success_url) url = render_option(env, *t.success_url, {{"object", object}});
  else if (v.format != ResponseFormat::Json) throw std::runtime_error("No URL to redirect to. Provide a success_url.");
  std::string label = object_label(model, object);
  try {
    delete_object(env.data(), model, static_cast<const ModelInstance&>(object.as_object()).pk());
  } catch (const ProtectedError& e) {
    if (v.format == ResponseFormat::Json) return json_response(nlohmann::json{{"detail", e.what()}}.dump(), 409);
    throw;
  }
  if (v.format == ResponseFormat::Json) return HttpResponse(204, "", "application/json");
  env.add_message(25, "The " + label + " was deleted successfully.");
  return HttpResponse::redirect(url);
}

}  // namespace

HttpResponse run_edit_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  const std::string& method = env.request().method;
  env.set_kwargs(kwargs_value(match));
  const bool del = v.kind == ViewKind::DeleteView;
  const std::string allow = del ? "GET, POST, DELETE, HEAD, OPTIONS" : "GET, POST, PUT, PATCH, HEAD, OPTIONS";
  bool allowed = method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "POST" ||
                 (del ? method == "DELETE" : (method == "PUT" || method == "PATCH"));
  if (!allowed) {
    HttpResponse r(405, "");
    r.set_header("Allow", allow);
    return r;
  }
  if (v.login_required) {
    auto auth = env.user().is_object() ? env.user().as_object().resolve("is_authenticated") : std::nullopt;
    if (!auth || !auth->truthy()) return redirect_to_login(env.site().settings().login_url, env.request().get_full_path());
  }
  if (method == "OPTIONS") {
    HttpResponse r(200, "");
    r.set_header("Allow", allow);
    r.set_header("Content-Length", "0");
    return r;
  }
  if (del) return delete_view(env, v, match);
  return form_view(env, v, match, v.kind == ViewKind::CreateView);
}

}  // namespace mvt::runserver
