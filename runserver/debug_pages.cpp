#include "runserver/debug_pages.hpp"

#include <sstream>

namespace mvt::runserver {

namespace {

const char* kStyle = R"(<style type="text/css">
    html * { padding:0; margin:0; }
    body * { padding:10px 20px; }
    body * * { padding:0; }
    body { font:small sans-serif; background:#eee; color:#000; }
    body>div { border-bottom:1px solid #ddd; }
    h1 { font-weight:normal; margin-bottom:.4em; }
    h1 span { font-size:60%; color:#666; font-weight:normal; }
    table { border:none; border-collapse: collapse; width:100%; }
    td, th { vertical-align:top; padding:2px 3px; }
    th { width:12em; text-align:right; color:#666; padding-right:.5em; }
    pre { font-size:100%; white-space:pre-wrap; }
    #info { background:#f6f6f6; }
    #info ol { margin: 0.5em 4em; }
    #info ol li { font-family: monospace; }
    #summary { background: #ffc; }
    #explanation { background:#eee; border-bottom: 0px none; }
    .context { margin: 10px 0; }
    .context li { list-style-type:none; font-family:monospace; }
    .context li.selected { background:#f99; }
  </style>)";

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; "
         "charset=utf-8\">\n  <title>" +
         html_escape(title) + "</title>\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  " + kStyle +
         "\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

std::string meta_table(const HttpRequest& r, const std::string& raising_view = "") {
  std::string raised = raising_view.empty() ? ""
                                            : "      <tr>\n        <th>Raised by:</th>\n        <td>" +
                                                  html_escape(raising_view) + "</td>\n      </tr>\n";
  return "    <table class=\"meta\">\n      <tr>\n        <th>Request Method:</th>\n        <td>" +
         html_escape(r.method) + "</td>\n      </tr>\n      <tr>\n        <th>Request URL:</th>\n        <td>" +
         html_escape(r.build_absolute_uri()) + "</td>\n      </tr>\n" + raised + "    </table>\n";
}

}  // namespace

HttpResponse technical_404(const HttpRequest& request, const std::string& urlconf,
                           const std::vector<TriedPattern>& tried, const std::string& reason, bool resolved,
                           const std::string& raising_view) {
  std::string path = request.path.size() > 1 ? request.path.substr(1) : "";
  std::ostringstream b;
  b << "  <div id=\"summary\">\n    <h1>Page not found <span>(404)</span></h1>\n";
  if (!reason.empty() && resolved) b << "    <pre class=\"exception_value\">" << html_escape(reason) << "</pre>\n";
  b << meta_table(request, raising_view) << "  </div>\n  <div id=\"info\">\n";
  if (!tried.empty()) {
    b << "      <p>\n      Using the URLconf defined in <code>" << html_escape(urlconf)
      << "</code>,\n      mvt tried these URL patterns, in this order:\n      </p>\n      <ol>\n";
    for (const auto& t : tried) {
      b << "          <li>\n";
      for (const auto& p : t.patterns) b << "                " << html_escape(p) << "\n";
      if (!t.name.empty()) b << "                [name='" << html_escape(t.name) << "']\n";
      b << "          </li>\n";
    }
    b << "      </ol>\n      <p>\n        ";
    if (!path.empty()) b << "The current path, <code>" << html_escape(path) << "</code>,";
    else b << "The empty path";
    b << (resolved ? " matched the last one." : " didn’t match any of these.") << "\n      </p>\n";
  }  // Without a tried list (static and media files) Django's #info is empty: the reason is in the summary.
  b << "  </div>\n\n  <div id=\"explanation\">\n    <p>\n      You’re seeing this error because you have "
       "<code>DEBUG: true</code> in\n      your settings.yaml. Change that to <code>false</code>, and mvt\n      "
       "will display a standard 404 page.\n    </p>\n  </div>\n";
  // HttpResponseNotFound(..., content_type='text/html'), as django.views.debug.
  return HttpResponse(404, page("Page not found at " + request.path, b.str()), "text/html");
}

HttpResponse technical_500(const HttpRequest& request, const std::string& exception_type,
                           const std::string& exception_value, const TemplateErrorInfo* t) {
  std::ostringstream b;
  b << "<div id=\"summary\">\n  <h1>" << html_escape(exception_type) << " at " << html_escape(request.path)
    << "</h1>\n  <pre class=\"exception_value\">" << html_escape(exception_value) << "</pre>\n"
    << meta_table(request) << "</div>\n";
  if (t) {
    b << "<div id=\"template\">\n  <h2>Error during template rendering</h2>\n  <p>In template <code>"
      << html_escape(t->file.empty() ? t->name : t->file) << "</code>, error at line <strong>" << t->line
      << "</strong></p>\n";
    if (!t->source.empty() && t->line > 0) {
      b << "  <ol class=\"context\" start=\"" << std::max(1, t->line - 10) << "\">\n";
      std::istringstream src(t->source);
      std::string line;
      for (int n = 1; std::getline(src, line); ++n) {
        if (n < t->line - 10 || n > t->line + 10) continue;
        b << "    <li" << (n == t->line ? " class=\"selected\"" : "") << ">" << html_escape(line) << "</li>\n";
      }
      b << "  </ol>\n";
    }
    b << "</div>\n";
  }
  b << "<div id=\"explanation\">\n  <p>\n    You’re seeing this error because you have <code>DEBUG: true</code> in "
       "your settings.yaml. Change that to <code>false</code>, and mvt will display a standard page generated by "
       "the handler for this status code.\n  </p>\n</div>\n";
  return HttpResponse(500, page(exception_type + " at " + request.path, b.str()));
}

HttpResponse welcome_page(const std::string& version) {
  std::string body =
      "  <div id=\"summary\">\n    <h1>The install worked successfully! Congratulations!</h1>\n"
      "    <p>mvt " + html_escape(version) +
      "</p>\n  </div>\n  <div id=\"explanation\">\n    <p>You are seeing this page because <code>DEBUG: "
      "true</code> is in your settings.yaml and you have not configured any URLs.</p>\n"
      "    <p>Add patterns to <code>urls.yaml</code>, e.g. <code>{path: \"blog/\", include: blog}</code>.</p>\n"
      "  </div>\n";
  // default_urlconf: HttpResponse(..., content_type='text/html').
  return HttpResponse(200, page("mvt: the Web framework for perfectionists with deadlines.", body), "text/html");
}

HttpResponse diagnostics_page(const Diagnostics& diags) {
  std::string body = "  <div id=\"summary\">\n    <h1>The project failed to load</h1>\n"
                     "    <pre class=\"exception_value\">" +
                     html_escape(diags.format()) +
                     "</pre>\n  </div>\n  <div id=\"explanation\">\n    <p>Fix the file and reload the page: "
                     "the server picks up the change without a restart.</p>\n  </div>\n";
  return HttpResponse(500, page("Project failed to load", body));
}

}  // namespace mvt::runserver
