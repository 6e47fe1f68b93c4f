// mvt runserver [ADDR:]PORT: Django's development server (SPEC §6, §7).
// Loads the project, runs the system checks, warns of unapplied migrations,
// prints Django's banner, then serves until Ctrl-C. Project files are
// watched: a change is picked up by the next request, in process.
#include <pthread.h>
#include <signal.h>

#include <ctime>
#include <iostream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "cli/command.hpp"
#include "cli/system_checks.hpp"
#include "migrator/executor.hpp"
#include "migrator/project_support.hpp"
#include "core/version.hpp"
#include "core/yaml.hpp"
#include "runserver/application.hpp"
#include "runserver/dev_server.hpp"

namespace mvt::cli {

namespace {

/// Django's runserver log colours (django.utils.termcolors PALETTES['dark']).
std::string colour_for_status(int status) {
  if (status >= 500) return "35;1";
  if (status == 404) return "33";
  if (status >= 400) return "31;1";
  if (status == 304) return "36";
  if (status >= 300) return "32";
  return "";
}

/// The local time now in a strftime format (the process TZ is TIME_ZONE).
std::string local_now(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

/// The request log's time, "07/Dec/2026 03:49:31" (local time, as
/// WSGIRequestHandler's server_time): formatted once a second per thread.
std::string log_time() {
  thread_local std::time_t last = -1;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != last) {
    text = local_now("%d/%b/%Y %H:%M:%S");
    last = now;
  }
  return text;
}

/// Django's runserver check_migrations(): a notice when migrations are
/// unapplied. Problems reading them are left to `migrate` to report.
void report_unapplied_migrations(CommandContext& ctx, const Project& project) {
  try {
    auto conn = migrator::open_project_database(project, false);
    if (!conn) return;
    migrator::MigrationExecutor executor(project, *conn);
    std::vector<migrator::Target> targets;
    for (const auto& leaf : executor.loader.graph.leaf_nodes()) targets.push_back({leaf.first, leaf.second});
    auto plan = executor.migration_plan(targets);
    if (plan.empty()) return;
    std::set<std::string> apps;
    for (const auto& step : plan) apps.insert(step.migration->app_label);
    std::string list;
    for (const auto& a : apps) list += (list.empty() ? "" : ", ") + a;
    ctx.out() << ctx.style().notice("\nYou have " + std::to_string(plan.size()) +
                                    " unapplied migration(s). Your project may not work properly until you apply the "
                                    "migrations for app(s): " + list + ".")
              << "\n"
              << ctx.style().notice("Run 'mvt migrate' to apply them.") << "\n";
  } catch (const std::exception&) {
  }
}

}  // namespace

class RunserverCommand : public Command {
 public:
  std::string name() const override { return "runserver"; }
  std::string help() const override { return "Starts a lightweight Web server for development."; }
  void add_arguments(CLI::App& app) override {
    app.add_option("addrport", addrport_, "Optional port number, or ipaddr:port");
    app.add_flag("-6,--ipv6", ipv6_, "Tells mvt to use an IPv6 address.");
    app.add_flag("--nothreading", nothreading_, "Tells mvt to NOT use threading.");
    app.add_flag("--noreload", noreload_, "Tells mvt to NOT use the auto-reloader.");
    app.add_flag("--nostatic", nostatic_, "Tells mvt to NOT automatically serve static files at STATIC_URL.");
    app.add_flag("--insecure", insecure_, "Allows serving static files even if DEBUG is False.");
    app.add_flag("--skip-checks", skip_checks_, "Skip system checks.");
  }

  int handle(CommandContext& ctx) override {
    std::string addr = ipv6_ ? "::1" : "127.0.0.1";
    int port = 8000;
    parse_addrport(addr, port);

    // The project file, loaded by the Application (a broken project still starts
    // the server, which shows the problems until they are fixed).
    std::optional<std::filesystem::path> settings;
    try {
      settings = find_settings_file(ctx.options().settings, std::filesystem::current_path());
    } catch (const std::runtime_error& e) {
      throw CommandError(e.what());
    }
    if (!settings) ctx.project();  // raises the "no mvt project here" error

    std::mutex out_mutex;
    const bool colour = ctx.err_style().enabled();
    auto console = [&](const std::string& line) {
      std::lock_guard<std::mutex> lock(out_mutex);
      // One write per line (stderr is unbuffered: each << would be one).
      ctx.err() << (line.empty() || line.back() != '\n' ? line + '\n' : line) << std::flush;
    };
    runserver::ApplicationOptions options;
    options.serve_static = !nostatic_;
    options.insecure = insecure_;
    options.reload = !noreload_;
    runserver::Application app(*settings, options, console);

    if (!noreload_) ctx.err() << "Watching for file changes with InotifyReloader\n";
    Diagnostics diags;
    bool loaded = app.load(diags);
    if (!diags.empty()) ctx.err() << diags.format();
    if (loaded) {
      auto site = app.site();
      ::setenv("TZ", site->settings().time_zone.c_str(), 1);  // as Django's settings setup does
      ::tzset();
      if (!skip_checks_) {
        ctx.out() << "Performing system checks...\n\n";
        auto report = format_check_report(gather_system_checks(ctx, site->project, false),
                                          site->settings().silenced_system_checks);
        if (report.failed) {
          ctx.err() << ctx.err_style().error(report.text) << "\n";
          return 1;
        }
        (report.to_stderr ? ctx.err() : ctx.out()) << report.text << "\n";
      }
      report_unapplied_migrations(ctx, site->project);
    }
    ctx.out() << local_now("%B %d, %Y - %X") << "\n"
              << "mvt version " << kVersion << ", using settings '" << yaml::display_path(*settings) << "'\n"
              << "Starting development server at http://" << (addr.find(':') != std::string::npos ? "[" + addr + "]" : addr)
              << ":" << port << "/\n"
              << "Quit the server with CONTROL-C.\n"
              << std::flush;

    // SIGINT/SIGTERM are taken by one thread that stops the server; the
    // workers (created after this mask) never see them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    runserver::DevServerOptions so;
    so.addr = addr;
    so.port = port;
    so.ipv6 = addr.find(':') != std::string::npos;
    so.threading = !nothreading_;
    runserver::DevServer server(
        so, [&app](runserver::HttpRequest& r) { return app.handle(r); },
        [&](const std::string& message, int status) {
          std::string line = "[" + log_time() + "] " + message;
          std::string code = colour ? colour_for_status(status) : "";
          if (!code.empty()) line = "\x1b[" + code + "m" + line + "\x1b[0m";
          console(line);
        });
    std::string error = server.bind();
    if (!error.empty()) {
      ctx.err() << "Error: " << error << "\n";
      return 1;
    }
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      server.stop();
    });
    server.serve();
    // serve() also returns when stopped by other means: release the waiter.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return 0;
  }

 private:
  void parse_addrport(std::string& addr, int& port) const {
    if (addrport_.empty()) return;
    // Django's naiveip_re.
    static const std::regex re(
        R"(^(?:((\d{1,3}(?:\.\d{1,3}){3})|(\[[a-fA-F0-9:]+\])|([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*)):)?(\d+)$)");
    std::smatch m;
    if (!std::regex_match(addrport_, m, re))
      throw CommandError("\"" + addrport_ + "\" is not a valid port number or address:port pair.");
    std::string p = m[5].str();
    if (p.size() > 5 || std::stoi(p) > 65535) throw CommandError("\"" + p + "\" is not a valid port number.");
    port = std::stoi(p);
    if (m[1].matched) {
      addr = m[1].str();
      if (m[3].matched) addr = addr.substr(1, addr.size() - 2);
      else if (addr == "0") addr = "0.0.0.0";
    }
  }

  std::string addrport_;
  bool ipv6_ = false, nothreading_ = false, noreload_ = false, nostatic_ = false, insecure_ = false,
       skip_checks_ = false;
};

}  // namespace mvt::cli

MVT_REGISTER_COMMAND(mvt::cli::RunserverCommand, "runserver")
