#pragma once
// The `static` template library (django.templatetags.static) and the project
// template engine every command shares: runserver's Site, `mvt render` inside
// a project and `mvt check`'s template parsing all see the same loaders,
// options and libraries.
#include <memory>

#include "core/project.hpp"
#include "dtl/engine.hpp"
#include "dtl/library.hpp"
#include "runserver/static_storage.hpp"

namespace mvt::runserver {

/// The `static` library ({% load static %}): `static` resolving through
/// `storage` (nullptr: STATIC_URL joined with the path, as
/// StaticFilesStorage), `get_static_prefix` and `get_media_prefix`. As
/// Django's StaticNode / PrefixNode: `{% static %}` without a path is a
/// TemplateSyntaxError when the template is parsed, the URL is escaped when
/// autoescaping (also when stored with `as`), the prefixes are iri_to_uri'd
/// and never escaped.
std::shared_ptr<dtl::Library> make_static_library(const StaticFilesStorage* storage, const Settings& settings);

/// The engine options of a project's TEMPLATES (DIRS, then each installed
/// app's templates/ folder when APP_DIRS), with USE_TZ, TIME_ZONE and
/// USE_L10N, as Django's DjangoTemplates backend builds its Engine.
dtl::EngineOptions project_engine_options(const Project& project);

/// An engine with `options` (usually project_engine_options) and the
/// project's `static` library built in and loadable (runserver's engine).
/// Throws std::invalid_argument for a bad TIME_ZONE.
std::unique_ptr<dtl::Engine> make_project_engine(dtl::EngineOptions options, const StaticFilesStorage* storage,
                                                 const Settings& settings);

}  // namespace mvt::runserver
