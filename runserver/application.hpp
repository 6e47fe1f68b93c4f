#pragma once
// The request cycle of the development server (Django's WSGIHandler with
// the default middleware and runserver's StaticFilesHandler): live reload,
// static and media files, host validation, URL resolution with APPEND_SLASH,
// the view, error pages, and the security headers on every response.
// handle() never throws: every failure becomes a 4xx/5xx page.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/diagnostics.hpp"
#include "runserver/http_request.hpp"
#include "runserver/http_response.hpp"
#include "runserver/reloader.hpp"
#include "runserver/site.hpp"

namespace mvt::runserver {

class RequestEnv;

struct ApplicationOptions {
  bool serve_static = true;  // --nostatic turns it off
  bool insecure = false;     // serve static files even without DEBUG
  bool reload = true;        // --noreload turns it off
};

class Application {
 public:
  /// Receives what the server prints besides the request log: reload
  /// notices, diagnostics, "Not Found: /x", "Internal Server Error: /x".
  using Console = std::function<void(const std::string& line)>;

  Application(std::filesystem::path settings_file, ApplicationOptions options, Console console);
  ~Application();

  /// Loads the project. On failure returns false with the diagnostics in
  /// `diags`; the server still starts and shows them until the files are fixed.
  bool load(Diagnostics& diags);
  /// Handles one request (thread-safe).
  HttpResponse handle(HttpRequest& request);
  /// The site currently served (nullptr while the project fails to load).
  std::shared_ptr<const Site> site() const;

 private:
  std::shared_ptr<const Site> current_site(std::optional<Diagnostics>& broken);
  void start_watching(const Site* site);
  /// Lets the site's template engine cache its lookups until a watched
  /// template folder changes (no stat() per render): every template folder
  /// must be under the project watcher or get a watcher of its own. Called
  /// with mutex_ held, after each load.
  void watch_templates(const Site& site);
  /// The request through URL resolution, middleware and the view. Sets
  /// `before_xframe` for the responses CommonMiddleware makes itself (the
  /// DisallowedHost 400, the APPEND_SLASH redirect): XFrameOptionsMiddleware,
  /// the innermost, never sees them.
  HttpResponse dispatch(const Site& site, HttpRequest& request, bool& before_xframe);
  HttpResponse serve_static(const Site& site, const HttpRequest& request, bool media);
  HttpResponse not_found(const Site& site, const HttpRequest& request, const std::string& reason, bool resolved,
                         const std::optional<Tried>& tried, const std::string& raising_view = "");
  HttpResponse server_error(const Site& site, const HttpRequest& request, const std::string& type,
                            const std::string& message, const std::string& template_name, int line);
  void add_security_headers(const Site& site, HttpResponse& response) const;

  std::filesystem::path settings_file_;
  ApplicationOptions options_;
  Console console_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Site> site_;
  std::optional<Diagnostics> broken_;  // set while the files fail to load
  bool last_debug_ = true;             // DEBUG of the last good load (for the broken page)
  std::unique_ptr<FileWatcher> watcher_;
  /// Template folders outside watcher_'s tree (or all of them under
  /// --noreload), watched only to invalidate the engine's lookups.
  std::vector<std::unique_ptr<FileWatcher>> template_watchers_;
  /// Incremented on every change seen under a template folder.
  std::atomic<std::uint64_t> template_generation_{0};
};

}  // namespace mvt::runserver
