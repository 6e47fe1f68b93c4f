#pragma once
// `mvt check`'s template check (issue 7): every file the template loaders
// can find — TEMPLATES.DIRS, then each installed app's templates/ when
// APP_DIRS — is parsed with the project's tag libraries, and each
// TemplateSyntaxError becomes a check message at the file and line.
//
// Django 3.2 has no such check (a syntax error shows up when the template
// is rendered); mvt adds it under its own IDs, after Django's templates.E001
// to E003 so that they never collide:
//   templates.E100  a template that does not parse: "<file>:<line>: (templates.E100) <Django's message>"
//   templates.E101  a template file that is not UTF-8 (Django's loaders cannot read it)
// Only what Django reports at parse time is reported. {% extends %} and
// {% include %} of a missing template are not: Django looks them up when
// rendering, a variable name or a missing optional include may be fine, and
// the name may depend on context (the check cannot know), so a missing
// template stays a render-time TemplateDoesNotExist as in Django.
#include <filesystem>
#include <string>
#include <vector>

#include "core/checks.hpp"
#include "core/project.hpp"

namespace mvt::runserver {

/// One folder the template loaders search, and the app it belongs to.
struct TemplateDir {
  std::filesystem::path path;
  std::string app_label;  // empty for a TEMPLATES.DIRS entry
};

/// The loaders' folders in Django's order: TEMPLATES.DIRS, then (with
/// APP_DIRS) the templates/ folder of each installed app that has one.
std::vector<TemplateDir> template_dirs(const Project& project);

/// Parses every template file below `dirs` (hidden files and folders and
/// `*~` backups skipped, symlinks followed, loops cut) with the libraries
/// the development server's engine has (the built-ins, and `static` both
/// built in and for {% load static %}), and returns a templates.E100 error
/// per file that does not parse and a templates.E101 error per file that
/// is not UTF-8. `obj` is the file (relative to the working directory when
/// inside it) with ":<line>" when the line is known. Throws nothing for
/// unreadable folders (they are skipped, as the loaders skip them).
std::vector<CheckMessage> check_templates(const Project& project, const std::vector<TemplateDir>& dirs);

}  // namespace mvt::runserver
