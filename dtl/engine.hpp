#pragma once
// dtl::Engine — Django's django.template.Engine with the filesystem and
// app_directories loaders: options, template lookup, a parsed-template
// cache, and the libraries `{% load %}` can name.
//
// Thread safety: an Engine may be shared by threads rendering concurrently.
// Parsed templates are immutable; the cache is guarded by a mutex. Each
// render uses its own Context.
//
// Cache: a template file is parsed once; get_template() re-parses it when
// the file's modification time or size changed since (so a running server
// sees edits). A host that watches every template folder (the dev server's
// inotify watcher) can hand the engine a change counter instead: a lookup
// answered while the counter is unchanged is reused without touching the
// disk, as Django's cached loader reset by its autoreloader on template
// changes (django.template.autoreload.template_changed).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dtl/context.hpp"
#include "dtl/library.hpp"
#include "dtl/template.hpp"

namespace dtl {

class TimeZone;

struct EngineOptions {
  /// TEMPLATES.DIRS, searched first, in order.
  std::vector<std::filesystem::path> dirs;
  /// Each installed app's templates/ folder, in INSTALLED_APPS order (APP_DIRS).
  std::vector<std::filesystem::path> app_dirs;
  /// In-memory templates by name (Django's locmem loader), searched before dirs.
  std::map<std::string, std::string> templates;
  bool autoescape = true;
  std::string string_if_invalid;
  bool use_tz = false;
  /// TIME_ZONE: the zone aware datetimes are shown in when use_tz, and the
  /// local time of {% now %}.
  std::string time_zone = "UTC";
  bool use_l10n = false;
  std::string date_format = "N j, Y";
  std::string datetime_format = "N j, Y, P";
  std::string time_format = "P";
  std::string short_date_format = "m/d/Y";
  std::string short_datetime_format = "m/d/Y P";
  /// Maximum nesting of {% include %} (recursion guard; Python's recursion
  /// limit plays this role in Django).
  int max_include_depth = 100;
};

class Engine {
 public:
  /// Throws std::invalid_argument for an unknown time_zone.
  explicit Engine(EngineOptions options = {});
  const EngineOptions& options() const { return options_; }
  const TimeZone* time_zone() const { return tz_; }

  /// Loads and parses the named template through the loaders (cached).
  /// Throws TemplateDoesNotExist (with every path tried) or
  /// TemplateSyntaxError.
  std::shared_ptr<const Template> get_template(const std::string& name) const;
  /// The first of names that exists (Django's select_template). Throws
  /// TemplateDoesNotExist naming them all.
  std::shared_ptr<const Template> select_template(const std::vector<std::string>& names) const;
  /// Parses source as an anonymous template. Throws TemplateSyntaxError.
  std::shared_ptr<const Template> from_string(std::string_view source) const;
  /// Loader lookup skipping origins already used (extends recursion guard).
  /// Returns the template; its origin is template->origin.
  std::shared_ptr<const Template> find_template(const std::string& name, const std::vector<std::string>& skip) const;

  /// Renders template `name` with the variables (a new Context with the
  /// engine's autoescape / use_tz). Throws TemplateError.
  std::string render_to_string(const std::string& name, const Context::Items& variables = {}) const;

  /// Makes a library available to {% load name %}.
  void add_library(const std::string& name, std::shared_ptr<const Library> library);
  /// Adds a library whose tags and filters need no {% load %}.
  void add_builtin(std::shared_ptr<const Library> library);
  const std::map<std::string, std::shared_ptr<const Library>>& libraries() const { return libraries_; }

  /// Prepares a context for rendering with this engine (autoescape, use_tz,
  /// use_l10n from the options).
  void configure(Context& ctx) const;
  /// Declares that every template folder is watched and `generation` moves
  /// (is incremented) on any change under them: lookups are then cached per
  /// generation instead of checking each file's mtime. The counter must
  /// outlive the engine. nullptr goes back to checking files.
  void set_sources_generation(const std::atomic<std::uint64_t>* generation) { generation_ = generation; }

 private:
  std::shared_ptr<const Template> parse(std::string source, std::string name, std::string origin) const;
  std::shared_ptr<const Template> find_template_uncached(const std::string& name,
                                                         const std::vector<std::string>& skip) const;
  EngineOptions options_;
  const TimeZone* tz_ = nullptr;
  std::map<std::string, std::shared_ptr<const Library>> libraries_;
  std::vector<std::shared_ptr<const Library>> builtins_;
  struct CacheEntry {
    std::int64_t mtime = 0;  // st_mtim in nanoseconds
    std::uintmax_t size = 0;
    std::shared_ptr<const Template> tmpl;
  };
  mutable std::mutex mutex_;
  mutable std::map<std::string, CacheEntry> cache_;  // by origin (file path or locmem name)
  struct Lookup {
    std::uint64_t generation = 0;
    std::shared_ptr<const Template> tmpl;
  };
  const std::atomic<std::uint64_t>* generation_ = nullptr;
  mutable std::map<std::string, Lookup, std::less<>> lookups_;  // name + '\0' + skipped origins
};

}  // namespace dtl
