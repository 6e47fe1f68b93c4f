#include "runserver/views_config.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/models_yaml.hpp"
#include "core/yaml.hpp"
#include "runserver/url_resolver.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;

const char* view_kind_name(ViewKind k) {
  switch (k) {
    case ViewKind::TemplateView: return "TemplateView";
    case ViewKind::RedirectView: return "RedirectView";
    case ViewKind::ListView: return "ListView";
    case ViewKind::DetailView: return "DetailView";
    case ViewKind::CreateView: return "CreateView";
    case ViewKind::UpdateView: return "UpdateView";
    case ViewKind::DeleteView: return "DeleteView";
  }
  return "";
}

const ViewConfig* ViewRegistry::find(const std::string& app_label, const std::string& name) const {
  auto a = apps.find(app_label);
  if (a == apps.end()) return nullptr;
  auto v = a->second.find(name);
  return v == a->second.end() ? nullptr : &v->second;
}

std::function<bool(const ViewRef&)> view_exists(const ViewRegistry& views) {
  return [&views](const ViewRef& ref) { return ref.app == "auth" || views.find(ref.app, ref.name) != nullptr; };
}

std::function<std::vector<std::string>(const std::string&)> view_names(const ViewRegistry& views) {
  return [&views](const std::string& app) {
    std::vector<std::string> names;
    if (auto it = views.apps.find(app); it != views.apps.end())
      for (const auto& [n, _] : it->second) names.push_back(n);
    return names;
  };
}

const std::vector<std::string>& supported_lookups() {
  static const std::vector<std::string> l{"exact", "iexact",     "contains", "icontains", "in",
                                          "gt",    "gte",        "lt",       "lte",       "startswith",
                                          "istartswith", "endswith", "iendswith", "isnull", "range"};
  return l;
}

namespace {

const std::vector<std::string> kCommon{"view", "template_name", "extra_context", "login_required", "format"};

std::vector<std::string> allowed_options(ViewKind k) {
  std::vector<std::string> o = kCommon;
  auto add = [&](std::initializer_list<const char*> names) {
    for (const char* n : names) o.emplace_back(n);
  };
  const auto single = {"model", "queryset", "context_object_name", "pk_url_kwarg", "slug_field", "slug_url_kwarg",
                       "query_pk_and_slug", "template_name_suffix"};
  switch (k) {
    case ViewKind::TemplateView: break;
    case ViewKind::RedirectView:
      o = {"view", "url", "pattern_name", "permanent", "query_string", "login_required"};
      break;
    case ViewKind::ListView:
      add({"model", "queryset", "ordering", "paginate_by", "paginate_orphans", "allow_empty", "context_object_name",
           "template_name_suffix"});
      break;
    case ViewKind::DetailView: add(single); break;
    case ViewKind::CreateView:
      add({"model", "fields", "success_url", "set", "template_name_suffix", "context_object_name"});
      break;
    case ViewKind::UpdateView:
      add(single);
      add({"fields", "success_url", "set"});
      break;
    case ViewKind::DeleteView:
      add(single);
      add({"success_url"});
      break;
  }
  return o;
}

std::optional<ViewKind> parse_kind(const std::string& s) {
  for (ViewKind k : {ViewKind::TemplateView, ViewKind::RedirectView, ViewKind::ListView, ViewKind::DetailView,
                     ViewKind::CreateView, ViewKind::UpdateView, ViewKind::DeleteView})
    if (s == view_kind_name(k)) return k;
  return std::nullopt;
}

std::vector<std::string> kind_names() {
  return {"TemplateView", "RedirectView", "ListView", "DetailView", "CreateView", "UpdateView", "DeleteView"};
}

/// Reads one app's views.yaml.
class ViewsLoader {
 public:
  ViewsLoader(const yaml::Document& doc, Diagnostics& diags, std::string app_label,
              const models::ModelRegistry* models)
      : doc_(doc), diags_(diags), app_(std::move(app_label)), models_(models) {}

  std::map<std::string, ViewConfig> load() {
    std::map<std::string, ViewConfig> out;
    if (!doc_.root.IsMap()) {
      doc_.error(diags_, doc_.root, "views.yaml must be a mapping of view names to views, not " +
                                        yaml::describe(doc_.root));
      return out;
    }
    for (auto it = doc_.root.begin(); it != doc_.root.end(); ++it) {
      const std::string name = it->first.Scalar();
      if (auto v = load_view(it->first, it->second, name)) out.emplace(name, std::move(*v));
    }
    return out;
  }

 private:
  std::optional<std::string> str(const YAML::Node& n, const std::string& what) {
    if (n.IsScalar() && !yaml::is_null(n)) return n.Scalar();
    std::string msg = what + " must be a string, not " + yaml::describe(n);
    std::string hint = yaml::unquoted_template_hint(n);
    if (!hint.empty()) msg += " (" + hint + ")";
    doc_.error(diags_, n, msg);
    return std::nullopt;
  }
  std::optional<bool> boolean(const YAML::Node& n, const std::string& what) {
    if (auto b = yaml::to_bool(n)) return b;
    doc_.error(diags_, n, what + " must be true or false, not " + yaml::describe(n));
    return std::nullopt;
  }
  std::optional<int> positive_int(const YAML::Node& n, const std::string& what) {
    auto i = yaml::to_int(n);
    if (i && *i >= 0 && *i < (1 << 30)) return static_cast<int>(*i);
    doc_.error(diags_, n, what + " must be a non-negative integer, not " + yaml::describe(n));
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> str_list(const YAML::Node& n, const std::string& what) {
    if (!n.IsSequence()) {
      doc_.error(diags_, n, what + " must be a list of strings, not " + yaml::describe(n));
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : n) {
      auto s = str(item, what + " item");
      if (!s) return std::nullopt;
      out.push_back(*s);
    }
    return out;
  }
  models::SourceLocation loc(const YAML::Node& n) const {
    return {doc_.display_name, doc_.line(n), doc_.column(n)};
  }

  const models::ModelDef* model_of(const ViewConfig& v) const {
    return models_ && !v.model.empty() ? models_->get(v.model) : nullptr;
  }

  void check_field_names(const ViewConfig& v, const YAML::Node& list_node, const std::vector<std::string>& names,
                         const std::string& what, bool allow_minus) {
    const auto* m = model_of(v);
    if (!m) return;
    std::size_t i = 0;
    for (const auto& raw : names) {
      const YAML::Node item = list_node[i++];
      std::string name = allow_minus && !raw.empty() && raw[0] == '-' ? raw.substr(1) : raw;
      if (allow_minus && name == "?") continue;
      std::vector<std::string> path;
      std::string lookup;
      std::string err = resolve_lookup(*models_, *m, name, path, lookup);
      if (err.empty() && lookup != "exact") err = "'" + name + "' is a lookup, not a field";
      if (!err.empty()) doc_.error(diags_, item, "invalid " + what + " '" + raw + "': " + err);
    }
  }

  void read_lookups(const ViewConfig& v, const YAML::Node& n, const std::string& what, std::vector<LookupSpec>& out) {
    if (!n.IsMap()) {
      doc_.error(diags_, n, what + " must be a mapping of lookups to values, not " + yaml::describe(n));
      return;
    }
    const auto* m = model_of(v);
    for (auto it = n.begin(); it != n.end(); ++it) {
      LookupSpec spec;
      spec.key = it->first.Scalar();
      spec.value = models::yaml_to_value(it->second);
      spec.loc = loc(it->first);
      std::string hint = yaml::unquoted_template_hint(it->second);
      if (!hint.empty()) {
        doc_.error(diags_, it->second, "the value of " + spec.key + " is a mapping: " + hint);
        continue;
      }
      if (m) {
        std::vector<std::string> path;
        std::string lookup;
        std::string err = resolve_lookup(*models_, *m, spec.key, path, lookup);
        if (!err.empty()) {
          doc_.error(diags_, it->first, err);
          continue;
        }
        bool list_value = spec.value.kind() == models::Value::Kind::List;
        if ((lookup == "in" || lookup == "range") && !list_value && !spec.value.is_string())
          doc_.error(diags_, it->second, "the '" + lookup + "' lookup takes a list");
        if (lookup == "range" && list_value && spec.value.as_list().size() != 2)
          doc_.error(diags_, it->second, "the 'range' lookup takes a list of two values");
      }
      out.push_back(std::move(spec));
    }
  }

  std::optional<ViewConfig> load_view(const YAML::Node& key, const YAML::Node& n, const std::string& name) {
    ViewConfig v;
    v.app_label = app_;
    v.name = name;
    v.loc = loc(key);
    if (!n.IsMap()) {
      doc_.error(diags_, n, "view '" + name + "' must be a mapping with a 'view' key, not " + yaml::describe(n));
      return std::nullopt;
    }
    const YAML::Node kind_node = n["view"];
    if (!kind_node) {
      doc_.error(diags_, key, "view '" + name + "' has no 'view' (one of TemplateView, RedirectView, ListView, "
                              "DetailView, CreateView, UpdateView, DeleteView)");
      return std::nullopt;
    }
    auto kind_text = str(kind_node, "view");
    if (!kind_text) return std::nullopt;
    auto kind = parse_kind(*kind_text);
    if (!kind) {
      std::string msg = "unknown view '" + *kind_text + "'";
      std::string guess = closest_match(*kind_text, kind_names());
      if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
      doc_.error(diags_, kind_node, msg);
      return std::nullopt;
    }
    v.kind = *kind;
    const auto allowed = allowed_options(v.kind);
    std::size_t errors_before = diags_.items().size();

    // Unknown options first, so a typo is reported even when other options are fine.
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string opt = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), opt) != allowed.end()) continue;
      std::string msg = "unknown option '" + opt + "' for " + *kind_text;
      std::string guess = closest_match(opt, allowed);
      if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
      doc_.error(diags_, it->first, msg);
    }
    // The model comes first: other options are checked against it.
    if (const YAML::Node m = n["model"]) {
      if (auto s = str(m, "model")) {
        std::string label = s->find('.') == std::string::npos ? app_ + "." + *s : *s;
        const models::ModelDef* def = models_ ? models_->get(label) : nullptr;
        if (models_ && !def) {
          std::vector<std::string> names;
          for (const auto* md : models_->models()) names.push_back(md->app_label == app_ ? md->name : md->label());
          std::string msg = "unknown model '" + *s + "'";
          std::string guess = closest_match(*s, names);
          if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
          doc_.error(diags_, m, msg);
        } else {
          v.model = def ? def->label() : label;
        }
      }
    }
    bool needs_model = v.kind != ViewKind::TemplateView && v.kind != ViewKind::RedirectView;
    if (needs_model && !n["model"])
      doc_.error(diags_, key, *kind_text + " '" + name + "' needs a 'model'");

    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string opt = it->first.Scalar();
      const YAML::Node val = it->second;
      if (std::find(allowed.begin(), allowed.end(), opt) == allowed.end()) continue;
      if (opt == "view" || opt == "model") continue;
      if (opt == "template_name") { if (auto s = str(val, opt)) v.template_name = *s; }
      else if (opt == "template_name_suffix") { if (auto s = str(val, opt)) v.template_name_suffix = *s; }
      else if (opt == "context_object_name") { if (auto s = str(val, opt)) v.context_object_name = *s; }
      else if (opt == "pk_url_kwarg") { if (auto s = str(val, opt)) v.pk_url_kwarg = *s; }
      else if (opt == "slug_field") { if (auto s = str(val, opt)) v.slug_field = *s; }
      else if (opt == "slug_url_kwarg") { if (auto s = str(val, opt)) v.slug_url_kwarg = *s; }
      else if (opt == "success_url") { if (auto s = str(val, opt)) v.success_url = *s; }
      else if (opt == "url") { if (auto s = str(val, opt)) v.url = *s; }
      else if (opt == "pattern_name") { if (auto s = str(val, opt)) v.pattern_name = *s; }
      else if (opt == "login_required") { if (auto b = boolean(val, opt)) v.login_required = *b; }
      else if (opt == "permanent") { if (auto b = boolean(val, opt)) v.permanent = *b; }
      else if (opt == "query_string") { if (auto b = boolean(val, opt)) v.query_string = *b; }
      else if (opt == "allow_empty") { if (auto b = boolean(val, opt)) v.allow_empty = *b; }
      else if (opt == "query_pk_and_slug") { if (auto b = boolean(val, opt)) v.query_pk_and_slug = *b; }
      else if (opt == "paginate_by") { if (auto i = positive_int(val, opt)) v.paginate_by = *i; }
      else if (opt == "paginate_orphans") { if (auto i = positive_int(val, opt)) v.paginate_orphans = *i; }
      else if (opt == "format") {
        if (auto s = str(val, opt)) {
          if (*s == "html") v.format = ResponseFormat::Html;
          else if (*s == "json") v.format = ResponseFormat::Json;
          else doc_.error(diags_, val, "format must be 'html' or 'json', not '" + *s + "'");
        }
      } else if (opt == "ordering") {
        if (val.IsScalar()) {
          if (auto s = str(val, opt)) v.ordering = {*s};
        } else if (auto l = str_list(val, opt)) {
          v.ordering = *l;
        }
        YAML::Node list_node = val;
        if (val.IsScalar()) {
          list_node = YAML::Node(YAML::NodeType::Sequence);
          list_node.push_back(val);
        }
        check_field_names(v, list_node, v.ordering, "ordering", true);
      } else if (opt == "fields") {
        if (val.IsScalar() && val.Scalar() == "__all__") {
          v.fields_all = true;
        } else if (auto l = str_list(val, opt)) {
          v.fields = *l;
          if (const auto* m = model_of(v)) {
            std::size_t i = 0;
            for (const auto& f : v.fields) {
              const YAML::Node item = val[i++];
              const auto* fd = m->field(f);
              if (!fd) doc_.error(diags_, item, "Unknown field(s) (" + f + ") specified for " + m->name);
              else if (!fd->effective_editable() || fd->is_auto())
                doc_.error(diags_, item, "'" + f + "' cannot be specified for " + m->name +
                                             " model form as it is a non-editable field");
            }
          }
        }
      } else if (opt == "set") {
        if (!val.IsMap()) {
          doc_.error(diags_, val, "set must be a mapping of field names to values, not " + yaml::describe(val));
          continue;
        }
        const auto* m = model_of(v);
        for (auto s = val.begin(); s != val.end(); ++s) {
          const std::string field = s->first.Scalar();
          if (m && !m->field(field)) {
            std::vector<std::string> names;
            for (const auto& f : m->fields) names.push_back(f.name);
            std::string msg = "set: " + m->name + " has no field '" + field + "'";
            std::string guess = closest_match(field, names);
            if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
            doc_.error(diags_, s->first, msg);
            continue;
          }
          if (auto text = str(s->second, "set." + field)) v.set.emplace_back(field, *text);
        }
      } else if (opt == "extra_context") {
        if (!val.IsMap()) {
          doc_.error(diags_, val, "extra_context must be a mapping, not " + yaml::describe(val));
          continue;
        }
        for (auto e = val.begin(); e != val.end(); ++e) {
          std::string hint = yaml::unquoted_template_hint(e->second);
          if (!hint.empty()) doc_.error(diags_, e->second, "extra_context." + e->first.Scalar() + ": " + hint);
          else v.extra_context.emplace_back(e->first.Scalar(), models::yaml_to_value(e->second));
        }
      } else if (opt == "queryset") {
        if (!val.IsMap()) {
          doc_.error(diags_, val, "queryset must be a mapping with filter, exclude and order_by, not " +
                                      yaml::describe(val));
          continue;
        }
        QuerysetSpec q;
        const std::vector<std::string> qkeys{"filter", "exclude", "order_by"};
        for (auto qi = val.begin(); qi != val.end(); ++qi) {
          const std::string qk = qi->first.Scalar();
          if (qk == "filter") read_lookups(v, qi->second, "queryset.filter", q.filter);
          else if (qk == "exclude") read_lookups(v, qi->second, "queryset.exclude", q.exclude);
          else if (qk == "order_by") {
            if (auto l = str_list(qi->second, "queryset.order_by")) {
              q.order_by = *l;
              check_field_names(v, qi->second, q.order_by, "order_by", true);
            }
          } else {
            std::string msg = "unknown key '" + qk + "' in queryset";
            std::string guess = closest_match(qk, qkeys);
            if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
            doc_.error(diags_, qi->first, msg);
          }
        }
        v.queryset = std::move(q);
      }
    }
    if (v.kind == ViewKind::RedirectView && v.url.empty() && v.pattern_name.empty())
      doc_.error(diags_, key, "RedirectView '" + name + "' needs a 'url' or a 'pattern_name'");
    if (v.kind == ViewKind::TemplateView && v.template_name.empty())
      doc_.error(diags_, key, "TemplateView '" + name + "' needs a 'template_name'");
    if ((v.kind == ViewKind::CreateView || v.kind == ViewKind::UpdateView) && v.fields.empty() && !v.fields_all)
      doc_.error(diags_, key, *kind_text + " '" + name +
                                  "' needs 'fields' (Using ModelFormMixin without the 'fields' attribute is prohibited.)");
    bool failed = false;
    for (std::size_t i = errors_before; i < diags_.items().size(); ++i)
      if (diags_.items()[i].severity == Severity::Error) failed = true;
    if (failed) return std::nullopt;
    return v;
  }

  const yaml::Document& doc_;
  Diagnostics& diags_;
  std::string app_;
  const models::ModelRegistry* models_;
};

/// Django's get_field_names_from_opts plus reverse query names: the "Choices are" list.
std::string field_choices(const models::ModelRegistry& registry, const models::ModelDef& m) {
  std::set<std::string> names;
  for (const auto& f : m.fields) {
    names.insert(f.name);
    if (f.concrete()) names.insert(f.attname());
  }
  for (const auto& r : registry.related_objects(m)) names.insert(r.query_name);
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::string resolve_lookup(const models::ModelRegistry& registry, const models::ModelDef& model,
                           const std::string& key, std::vector<std::string>& path, std::string& lookup) {
  path.clear();
  lookup = "exact";
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    std::size_t sep = key.find("__", start);
    parts.push_back(key.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  const models::ModelDef* current = &model;  // the model the next part is looked up in
  const models::FieldDef* last_field = nullptr;
  const auto& lookups = supported_lookups();
  auto is_lookup = [&](const std::string& p) { return std::find(lookups.begin(), lookups.end(), p) != lookups.end(); };
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    if (current) {
      std::string name = part == "pk" && current->pk() ? current->pk()->name : part;
      const models::FieldDef* f = current->field(name);
      if (!f) {
        if (const auto* byc = current->field_by_column(part); byc && byc->is_relation() && part == byc->attname())
          f = byc;  // author_id: the column itself, no join
      }
      if (f) {
        path.push_back(part);
        last_field = f;
        current = f->is_relation() && (f->many_to_many() || part != f->attname()) ? registry.related_model(*f) : nullptr;
        continue;
      }
      bool reverse = false;
      for (const auto& r : registry.related_objects(*current))
          if (r.query_name == part) {
            path.push_back(part);
            last_field = r.field;
            current = r.model;
            reverse = true;
            break;
          }
      if (reverse) continue;
      if (!path.empty() && last && is_lookup(part)) {
        lookup = part;  // a lookup on a relation: author__in, comments__isnull
        return "";
      }
      if (!path.empty() && last)
        return "Related Field got invalid lookup: " + part;
      return "Cannot resolve keyword '" + part + "' into field. Choices are: " + field_choices(registry, *current);
    }
    // After a plain field only a lookup may follow.
    if (last && is_lookup(part)) {
      lookup = part;
      return "";
    }
    return "Unsupported lookup '" + part + "' for " + std::string(last_field ? last_field->type_name() : "field") +
           " or join on the field not permitted.";
  }
  return "";
}

ViewRegistry load_views(const Project& project, const models::ModelRegistry* models, Diagnostics& diags) {
  ViewRegistry reg;
  for (const auto& app : project.apps) {
    if (app.builtin) continue;
    fs::path file = app.path / "views.yaml";
    if (!fs::exists(file)) {
      reg.apps[app.label];
      continue;
    }
    Diagnostics local;
    auto doc = yaml::load_file(file, local);
    if (doc) {
      ViewsLoader loader(*doc, local, app.label, models);
      reg.apps[app.label] = loader.load();
    }
    // Report in file order, whatever order the checks ran in.
    std::vector<Diagnostic> items = local.items();
    std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    for (auto& d : items) diags.add(std::move(d));
  }
  return reg;
}

}  // namespace mvt::runserver
