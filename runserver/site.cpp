#include "runserver/site.hpp"

#include "core/models_load.hpp"
#include "dtl/errors.hpp"
#include "runserver/static_tags.hpp"
#include "runserver/urlconf.hpp"
#include "runserver/urlconf_checks.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;

namespace {

/// Compiles a template written inside a YAML file; a syntax error becomes a
/// diagnostic at the value's place.
std::shared_ptr<const dtl::Template> compile(const dtl::Engine& engine, const std::string& source,
                                             const models::SourceLocation& loc, const std::string& what,
                                             Diagnostics& diags) {
  if (source.empty()) return nullptr;
  try {
    return engine.from_string(source);
  } catch (const dtl::TemplateError& e) {
    diags.error(loc.file, loc.line, loc.column, "invalid template in " + what + ": " + e.what());
    return nullptr;
  }
}

void compile_view_templates(Site& site, Diagnostics& diags) {
  for (const auto& [app, views] : site.views.apps) {
    for (const auto& [name, v] : views) {
      ViewTemplates t;
      const std::string where = app + "." + name;
      t.success_url = compile(*site.engine, v.success_url, v.loc, where + " success_url", diags);
      t.url = compile(*site.engine, v.url, v.loc, where + " url", diags);
      for (const auto& [field, src] : v.set) t.set.emplace_back(field, compile(*site.engine, src, v.loc, where + " set." + field, diags));
      for (const auto& [key, value] : v.extra_context)
        if (value.is_string()) t.extra_context[key] = compile(*site.engine, value.as_string(), v.loc, where + " extra_context." + key, diags);
      if (v.queryset) {
        for (const auto& l : v.queryset->filter)
          if (l.value.is_string()) t.filter[l.key] = compile(*site.engine, l.value.as_string(), l.loc, where + " queryset.filter", diags);
        for (const auto& l : v.queryset->exclude)
          if (l.value.is_string()) t.exclude[l.key] = compile(*site.engine, l.value.as_string(), l.loc, where + " queryset.exclude", diags);
      }
      site.view_templates.emplace(&v, std::move(t));
    }
  }
}

}  // namespace

std::shared_ptr<const Site> load_site(const fs::path& settings_file, Diagnostics& warnings) {
  auto site = std::make_shared<Site>();
  site->project = load_project(settings_file, warnings);
  const Settings& s = site->project.settings;
  Diagnostics diags;

  bool models_ok = true;
  try {
    site->models = models::load_valid_models(site->project, warnings);
  } catch (const DiagnosticError& e) {
    diags.append(e.diagnostics());
    models_ok = false;
  }
  site->views = load_views(site->project, models_ok ? &site->models : nullptr, diags);

  try {
    site->storage = make_static_storage(s);
  } catch (const std::exception& e) {
    diags.error(yaml::display_path(s.file), 0, 0, e.what());
  }
  site->finders = std::make_unique<StaticFinders>(s, site->project.apps);
  site->media = std::make_unique<StaticFinders>(std::vector<StaticLocation>{{s.media_root, ""}});

  try {
    site->engine = make_project_engine(project_engine_options(site->project), site->storage.get(), s);
  } catch (const std::invalid_argument& e) {
    diags.error(yaml::display_path(s.file), 0, 0, e.what());
    throw DiagnosticError(std::move(diags));
  }

  if (models_ok) {
    for (const auto* m : site->models.models()) {
      site->model_str[m->label()] = compile(*site->engine, m->str_template, m->loc, m->label() + " str", diags);
      site->model_url[m->label()] =
          compile(*site->engine, m->absolute_url_template, m->loc, m->label() + " absolute_url", diags);
    }
  }
  compile_view_templates(*site, diags);

  URLConfSource source{site->project.settings.root_urlconf, site->project.apps, nullptr};
  site->urlconf = load_urlconf(source, diags);
  if (site->urlconf) site->resolver = &site->urlconf->resolver();
  if (site->resolver) {
    site->has_urlpatterns = !site->resolver->url_patterns().empty();
    check_url_views(*site->urlconf, view_exists(site->views), diags, view_names(site->views));
  }
  if (diags.has_errors()) throw DiagnosticError(diags);
  warnings.append(diags);
  return site;
}

}  // namespace mvt::runserver
