#pragma once
// The Site: everything the server derives from a project's files — settings,
// models, views, the URLconf, the template engine, static files — loaded
// together and immutable afterwards, so worker threads share it without
// locks. A change to any file builds a new Site that replaces the old one
// for the next requests (live reload without restarting the process).
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/models.hpp"
#include "core/project.hpp"
#include "dtl/engine.hpp"
#include "runserver/static_finders.hpp"
#include "runserver/static_storage.hpp"
#include "runserver/url_resolver.hpp"
#include "runserver/urlconf.hpp"
#include "runserver/views_config.hpp"

namespace mvt::runserver {

/// The templates of one view's options, compiled once (SPEC §4: `set`,
/// `success_url`, `url`, `extra_context` and queryset filter values are
/// templates rendered per request with autoescaping off).
struct ViewTemplates {
  std::shared_ptr<const dtl::Template> success_url, url;
  std::vector<std::pair<std::string, std::shared_ptr<const dtl::Template>>> set;
  std::map<std::string, std::shared_ptr<const dtl::Template>> extra_context;  // string values only
  std::map<std::string, std::shared_ptr<const dtl::Template>> filter, exclude;  // by lookup key, strings only
};

/// A loaded project, ready to serve.
struct Site {
  Project project;
  models::ModelRegistry models;
  ViewRegistry views;
  std::map<const ViewConfig*, ViewTemplates> view_templates;
  std::optional<URLConf> urlconf;
  const URLResolver* resolver = nullptr;  // urlconf's root; nullptr when it failed to load
  bool has_urlpatterns = false;  // false: the welcome page (with DEBUG)
  std::unique_ptr<StaticFilesStorage> storage;
  std::unique_ptr<StaticFinders> finders;
  std::unique_ptr<StaticFinders> media;  // MEDIA_ROOT as one location
  std::unique_ptr<dtl::Engine> engine;
  /// `str` and `absolute_url` of each model, by "app_label.Model".
  std::map<std::string, std::shared_ptr<const dtl::Template>> model_str, model_url;

  const Settings& settings() const { return project.settings; }
};

/// Loads the project whose settings file is `settings_file`. Throws
/// DiagnosticError with every problem of every file (settings, models,
/// views, URLs, model and view templates); warnings go to `warnings`.
std::shared_ptr<const Site> load_site(const std::filesystem::path& settings_file, Diagnostics& warnings);

}  // namespace mvt::runserver
