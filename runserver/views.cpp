#include "runserver/views.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>

#include "dtl/errors.hpp"
#include "runserver/field_values.hpp"
#include "runserver/paginator.hpp"

namespace mvt::runserver {

using models::FieldDef;
using models::ModelDef;

namespace {

dtl::Value url_value(const URLValue& v) {
  if (v.type == URLValue::Type::Int) {
    if (auto i = v.as_int()) return dtl::Value::integer(*i);
  }
  if (v.type == URLValue::Type::None) return dtl::Value::none();
  if (v.type == URLValue::Type::Bool) return dtl::Value::boolean(v.text == "True");
  return dtl::Value::string(v.text);
}

/// The field whose type converts a lookup's value: the last field of the
/// path; for a relation compared as a whole, the target's key field.
const FieldDef* lookup_field(const models::ModelRegistry& reg, const ModelDef& model,
                             const std::vector<std::string>& path) {
  const ModelDef* m = &model;
  const FieldDef* f = nullptr;
  for (const auto& part : path) {
    if (!m) return f;
    f = part == "pk" ? m->pk() : m->field(part);
    if (!f) {
      if (const auto* byc = m->field_by_column(part); byc && byc->attname() == part) {
        f = reg.target_field(*byc);
        m = nullptr;
        continue;
      }
      for (const auto& r : reg.related_objects(*m))
        if (r.query_name == part) {
          f = r.model->pk();
          m = r.model;
        }
      continue;
    }
    if (f->many_to_many()) {
      m = reg.related_model(*f);
      f = m ? m->pk() : f;
    } else if (f->is_relation()) {
      const FieldDef* target = reg.target_field(*f);
      m = reg.related_model(*f);
      f = target ? target : f;
    } else {
      m = nullptr;
    }
  }
  return f;
}

std::vector<db::Lookup> build_lookups(RequestEnv& env, const ModelDef& model, const std::vector<LookupSpec>& specs,
                                      const std::map<std::string, std::shared_ptr<const dtl::Template>>& templates) {
  const auto& reg = env.site().models;
  std::vector<db::Lookup> out;
  // Django's Q(**kwargs) takes the lookups sorted by key: that order decides
  // the order of the joins and conditions in the SQL.
  std::vector<const LookupSpec*> sorted;
  for (const auto& spec : specs) sorted.push_back(&spec);
  std::stable_sort(sorted.begin(), sorted.end(), [](const LookupSpec* a, const LookupSpec* b) { return a->key < b->key; });
  for (const LookupSpec* sp : sorted) {
    const LookupSpec& spec = *sp;
    db::Lookup l;
    std::string err = resolve_lookup(reg, model, spec.key, l.path, l.lookup);
    if (!err.empty()) throw db::QueryError(err);
    const FieldDef* field = lookup_field(reg, model, l.path);
    std::vector<dtl::Value> values;
    if (spec.value.is_string()) {
      auto t = templates.find(spec.key);
      std::string text = t != templates.end() && t->second ? render_option(env, *t->second) : spec.value.as_string();
      if (l.lookup == "in" || l.lookup == "range") {
        for (std::size_t start = 0; start <= text.size();) {
          std::size_t comma = text.find(',', start);
          if (comma == std::string::npos) comma = text.size();
          std::string part = text.substr(start, comma - start);
          if (!part.empty()) values.push_back(dtl::Value::string(part));
          start = comma + 1;
        }
      } else {
        values.push_back(dtl::Value::string(text));
      }
    } else if (spec.value.kind() == models::Value::Kind::List) {
      for (const auto& e : spec.value.as_list()) values.push_back(model_value_to_dtl(e));
    } else {
      values.push_back(model_value_to_dtl(spec.value));
    }
    if (l.lookup == "isnull") {
      bool b = !values.empty() && values[0].is_string() ? (values[0].as_string() == "true" || values[0].as_string() == "True" || values[0].as_string() == "1")
                                                        : !values.empty() && values[0].truthy();
      l.values.clear();
      l.values.emplace_back(static_cast<std::int64_t>(b));
    } else if (values.size() == 1 && values[0].is_none()) {
      l.value_is_none = true;
    } else {
      for (const auto& v : values) {
        // Pattern lookups compare text (Django's get_db_prep_lookup for LIKE).
        bool text_lookup = l.lookup.find("contains") != std::string::npos || l.lookup.find("startswith") != std::string::npos ||
                           l.lookup.find("endswith") != std::string::npos || l.lookup == "iexact";
        if (text_lookup || !field) l.values.emplace_back(v.str());
        else l.values.push_back(to_db_value(*field, v, env.data().settings()));
      }
    }
    out.push_back(std::move(l));
  }
  return out;
}

HttpResponse method_not_allowed(const std::string& allow) {
  HttpResponse r(405, "");
  r.set_header("Allow", allow);
  return r;
}

std::string replace_query_param(const HttpRequest& req, const std::string& key, const std::string* value) {
  QueryDict q = req.GET;
  if (value) q.set(key, *value);
  else q.remove(key);
  std::string url = req.scheme() + "://" + req.raw_host() + url_quote(req.path, "/");
  std::string qs = q.urlencode();
  return qs.empty() ? url : url + "?" + qs;
}

std::string model_name_lower(const ModelDef& m) { return m.name_lower(); }

/// An integer parsed as Python's int(str): surrounding whitespace, a sign,
/// digits with single underscores between them. `text` is str(int(s)); a value
/// beyond int64 is clamped (every page number that large is out of range).
struct PythonInt {
  std::int64_t value;
  std::string text;
};
std::optional<PythonInt> python_int(std::string_view s) {
  auto space = [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); };
  while (!s.empty() && space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '_' || s.back() == '_') return std::nullopt;
  std::string digits;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (s[i + 1] == '_') return std::nullopt;
      continue;
    }
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    if (!digits.empty() || s[i] != '0') digits += s[i];
  }
  if (digits.empty()) return PythonInt{0, "0"};
  std::int64_t value = 0;
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  for (char c : digits) value = value > (max - (c - '0')) / 10 ? max : value * 10 + (c - '0');
  return PythonInt{negative ? -value : value, (negative ? "-" : "") + digits};
}

HttpResponse list_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  const ModelDef& model = view_model(env, v);
  db::QuerySet qs = view_queryset(env, v);
  const HttpRequest& req = env.request();
  dtl::Context::Items ctx;
  dtl::Value object_list;
  std::shared_ptr<const Paginator> paginator;
  dtl::Value page;
  if (v.paginate_by > 0) {
    paginator = std::make_shared<Paginator>(env, qs, v.paginate_by, v.paginate_orphans, v.allow_empty);
    // MultipleObjectMixin.paginate_queryset: kwargs['page'] or GET['page'] or 1
    // (an empty value falls through), then int(page) or 'last'.
    std::string page_text;
    if (const URLValue* kw = kwargs_get(match.kwargs, "page"); kw && url_value(*kw).truthy())
      page_text = url_value(*kw).str();
    if (page_text.empty()) page_text = req.GET.get("page").value_or("");
    if (page_text.empty()) page_text = "1";
    std::int64_t number = 0;
    std::string shown;  // str(int(page)) for the 404 message
    if (page_text == "last") {
      number = paginator->num_pages();
      shown = std::to_string(number);
    } else if (auto parsed = python_int(page_text)) {
      number = parsed->value;
      shown = parsed->text;
    } else {
      throw Http404("Page is not “last”, nor can it be converted to an int.");
    }
    try {
      page = paginator->page(number, paginator);
    } catch (const InvalidPage& e) {
      throw Http404("Invalid page (" + shown + "): " + e.what());
    }
    object_list = page.as_object().resolve("object_list").value();
  } else {
    object_list = dtl::Value::object(std::make_shared<QuerySetObject>(env, qs));
    if (!v.allow_empty && !object_list.truthy())
      throw Http404("Empty list and “ListView.allow_empty” is False.");
  }
  if (v.paginate_by > 0 && !v.allow_empty && paginator->count() == 0)
    throw Http404("Empty list and “ListView.allow_empty” is False.");

  if (v.format == ResponseFormat::Json) {
    const auto& list = static_cast<const QuerySetObject&>(object_list.as_object());
    std::string results = "[";
    bool first = true;
    for (const auto& item : list.items()) {
      results += (first ? "" : ",") + to_json_text(static_cast<const ModelInstance&>(item.as_object()).to_json_value());
      first = false;
    }
    results += "]";
    std::string next = "null", previous = "null";
    std::int64_t count = static_cast<std::int64_t>(list.items().size());
    if (paginator) {
      count = paginator->count();
      std::int64_t n = page_number(page);
      if (n < paginator->num_pages()) {
        std::string p = std::to_string(n + 1);
        next = to_json_text(dtl::Value::string(replace_query_param(req, "page", &p)));
      }
      if (n > 1) {
        std::string p = std::to_string(n - 1);
        previous = to_json_text(dtl::Value::string(replace_query_param(req, "page", n - 1 == 1 ? nullptr : &p)));
      }
    }
    return json_response("{\"count\":" + std::to_string(count) + ",\"next\":" + next + ",\"previous\":" + previous +
                         ",\"results\":" + results + "}");
  }

  ctx.emplace_back("paginator", paginator ? paginator_value(paginator) : dtl::Value::none());
  ctx.emplace_back("page_obj", paginator ? page : dtl::Value::none());
  ctx.emplace_back("is_paginated", dtl::Value::boolean(paginator && paginator->num_pages() > 1));
  ctx.emplace_back("object_list", object_list);
  ctx.emplace_back(v.context_object_name.empty() ? model_name_lower(model) + "_list" : v.context_object_name, object_list);
  for (auto& item : extra_context(env, v)) ctx.push_back(std::move(item));
  return html_response(env.render_page(template_names(env, v, v.template_name_suffix.empty() ? "_list" : v.template_name_suffix), ctx));
}

HttpResponse detail_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  const ModelDef& model = view_model(env, v);
  dtl::Value object = get_object(env, v, match);
  if (v.format == ResponseFormat::Json)
    return json_response(to_json_text(static_cast<const ModelInstance&>(object.as_object()).to_json_value()));
  dtl::Context::Items ctx{{"object", object}};
  ctx.emplace_back(v.context_object_name.empty() ? model_name_lower(model) : v.context_object_name, object);
  for (auto& item : extra_context(env, v)) ctx.push_back(std::move(item));
  std::vector<std::string> names;
  if (!v.template_name.empty()) names = {v.template_name};
  else names = template_names(env, v, v.template_name_suffix.empty() ? "_detail" : v.template_name_suffix);
  return html_response(env.render_page(names, ctx));
}

HttpResponse template_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  dtl::Context::Items ctx;
  for (const auto& [k, val] : match.kwargs) ctx.emplace_back(k, url_value(val));
  for (auto& item : extra_context(env, v)) ctx.push_back(std::move(item));
  if (v.format == ResponseFormat::Json) {
    std::vector<std::pair<std::string, dtl::Value>> items(ctx.begin(), ctx.end());
    return json_response(to_json_text(dtl::Value::map(std::move(items))));
  }
  return html_response(env.render_page({v.template_name}, ctx));
}

HttpResponse redirect_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  const auto& t = env.site().view_templates.at(&v);
  std::string url;
  if (t.url) {
    url = render_option(env, *t.url);
  } else if (!v.pattern_name.empty()) {
    std::vector<ReverseArg> args;
    for (const auto& a : match.args) args.push_back(a.type == URLValue::Type::Str ? ReverseArg::str(a.text) : ReverseArg::value(a.text, a.repr()));
    ReverseKwargs kw;
    for (const auto& [k, a] : match.kwargs)
      kw.emplace_back(k, a.type == URLValue::Type::Str ? ReverseArg::str(a.text) : ReverseArg::value(a.text, a.repr()));
    try {
      url = env.site().resolver->reverse(v.pattern_name, args, kw);
    } catch (const NoReverseMatch&) {
      url.clear();
    }
  }
  if (url.empty()) return HttpResponse(410, "");  // HttpResponseGone
  if (v.query_string && !env.request().query_string.empty()) url += "?" + env.request().query_string;
  return HttpResponse::redirect(url, v.permanent);
}

}  // namespace

dtl::Value kwargs_value(const ResolverMatch& match) {
  std::vector<std::pair<std::string, dtl::Value>> items;
  for (const auto& [k, v] : match.kwargs) items.emplace_back(k, url_value(v));
  return dtl::Value::map(std::move(items));
}

HttpResponse redirect_to_login(const std::string& login_url, const std::string& next) {
  // QueryDict.urlencode(safe='/') quotes with quote(), not quote_plus().
  std::string encoded = "next=" + url_quote(next, "/");
  std::string sep = login_url.find('?') == std::string::npos ? "?" : "&";
  return HttpResponse::redirect(login_url + sep + encoded);
}

const ModelDef& view_model(const RequestEnv& env, const ViewConfig& view) {
  const ModelDef* m = env.site().models.get(view.model);
  if (!m) throw std::logic_error("view " + view.app_label + "." + view.name + " has no model");
  return *m;
}

db::QuerySet view_queryset(RequestEnv& env, const ViewConfig& v) {
  const ModelDef& model = view_model(env, v);
  db::QuerySet qs(env.site().models, model);
  const auto& t = env.site().view_templates.at(&v);
  if (v.queryset) {
    qs = qs.filter(build_lookups(env, model, v.queryset->filter, t.filter));
    auto ex = build_lookups(env, model, v.queryset->exclude, t.exclude);
    if (!ex.empty()) qs = qs.exclude(std::move(ex));
    if (!v.queryset->order_by.empty()) qs = qs.order_by(v.queryset->order_by);
  }
  if (!v.ordering.empty()) qs = qs.order_by(v.ordering);
  return qs;
}

dtl::Value get_object(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  const ModelDef& model = view_model(env, v);
  db::QuerySet qs = view_queryset(env, v);
  const URLValue* pk = kwargs_get(match.kwargs, v.pk_url_kwarg);
  const URLValue* slug = kwargs_get(match.kwargs, v.slug_url_kwarg);
  std::vector<db::Lookup> lookups;
  if (pk) {
    db::Lookup l;
    l.path = {model.pk()->name};
    l.values = {to_db_value(*model.pk(), url_value(*pk), env.data().settings())};
    lookups.push_back(l);
  }
  if (slug && (!pk || v.query_pk_and_slug)) {
    const FieldDef* f = model.field(v.slug_field);
    if (!f) throw db::QueryError("Cannot resolve keyword '" + v.slug_field + "' into field.");
    db::Lookup l;
    l.path = {f->name};
    l.values = {to_db_value(*f, url_value(*slug), env.data().settings())};
    lookups.push_back(l);
  }
  if (lookups.empty())
    throw std::runtime_error("Generic detail view " + v.name +
                             " must be called with either an object pk or a slug in the URLconf.");
  auto batch = run_query(env, qs.filter(lookups).slice(0, 21));
  if (batch->rows.empty()) throw Http404("No " + model.verbose_name() + " found matching the query");
  if (batch->rows.size() > 1)
    throw std::runtime_error("get() returned more than one " + model.name + " -- it returned " +
                             (batch->rows.size() > 20 ? std::string("more than 20") : std::to_string(batch->rows.size())) + "!");
  return make_instance(batch, 0);
}

dtl::Context::Items extra_context(RequestEnv& env, const ViewConfig& v) {
  dtl::Context::Items items;
  const auto& t = env.site().view_templates.at(&v);
  for (const auto& [k, val] : v.extra_context) {
    auto it = t.extra_context.find(k);
    if (val.is_string() && it != t.extra_context.end() && it->second)
      items.emplace_back(k, dtl::Value::string(render_option(env, *it->second)));
    else
      items.emplace_back(k, model_value_to_dtl(val));
  }
  return items;
}

std::string render_option(RequestEnv& env, const dtl::Template& t, const dtl::Context::Items& items) {
  dtl::Context ctx;
  env.prepare_text_context(ctx, items);
  return t.render(ctx);
}

std::vector<std::string> template_names(const RequestEnv& env, const ViewConfig& v, const std::string& suffix) {
  std::vector<std::string> names;
  if (!v.template_name.empty()) names.push_back(v.template_name);
  const ModelDef& m = view_model(env, v);
  names.push_back(m.app_label + "/" + m.name_lower() + suffix + ".html");
  return names;
}

HttpResponse html_response(std::string body, int status) { return HttpResponse(status, std::move(body)); }

HttpResponse json_response(const std::string& body, int status) { return HttpResponse(status, body, "application/json"); }

HttpResponse run_view(RequestEnv& env, const ViewConfig& v, const ResolverMatch& match) {
  const std::string& method = env.request().method;
  env.set_kwargs(kwargs_value(match));
  bool redirect = v.kind == ViewKind::RedirectView;
  std::string allow = redirect ? "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS" : "GET, HEAD, OPTIONS";
  bool allowed = method == "GET" || method == "HEAD" || method == "OPTIONS" ||
                 (redirect && (method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE"));
  if (!allowed) return method_not_allowed(allow);
  if (v.login_required) {
    const dtl::Value& user = env.user();
    auto auth = user.is_object() ? user.as_object().resolve("is_authenticated") : std::nullopt;
    if (!auth || !auth->truthy()) return redirect_to_login(env.site().settings().login_url, env.request().get_full_path());
  }
  if (method == "OPTIONS") {
    HttpResponse r(200, "");
    r.set_header("Allow", allow);
    r.set_header("Content-Length", "0");
    return r;
  }
  switch (v.kind) {
    case ViewKind::TemplateView: return template_view(env, v, match);
    case ViewKind::RedirectView: return redirect_view(env, v, match);
    case ViewKind::ListView: return list_view(env, v, match);
    case ViewKind::DetailView: return detail_view(env, v, match);
    default: break;
  }
  throw std::logic_error(std::string(view_kind_name(v.kind)) + " is served by the edit views");
}

}  // namespace mvt::runserver
