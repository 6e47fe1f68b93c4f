#pragma once
// The pages the development server shows while DEBUG is on (Django's
// django.views.debug technical_404 / technical_500 and default_urlconf), and
// the page for a project file that fails to load. Each takes already-known
// facts and returns a complete HTML response; user data is escaped.
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "runserver/http_request.hpp"
#include "runserver/http_response.hpp"

namespace mvt::runserver {

/// One line of the "Django tried these URL patterns" list: the patterns of
/// the resolvers and the final pattern, and the final pattern's name.
struct TriedPattern {
  std::vector<std::string> patterns;  // e.g. {"blog/", "<int:pk>/"}
  std::string name;                   // url name, may be empty
};

/// Django's technical 404 page: request method and URL, the URLconf's
/// patterns in order, and why nothing matched (`reason`, shown when the
/// path resolved but the view raised Http404; `raising_view` is then the
/// view's "app.name", Django's "Raised by:").
HttpResponse technical_404(const HttpRequest& request, const std::string& urlconf,
                           const std::vector<TriedPattern>& tried, const std::string& reason, bool resolved,
                           const std::string& raising_view = "");

/// Where in a template an error happened, for the 500 page.
struct TemplateErrorInfo {
  std::string name;     // template name
  std::string file;     // file path, if loaded from disk
  int line = 0;         // 1-based
  std::string source;   // the template's source, to show the lines around `line`
};

/// Django's technical 500 page (reduced to what mvt knows): exception type
/// and value, request data, and the template excerpt when the error came
/// from a template.
HttpResponse technical_500(const HttpRequest& request, const std::string& exception_type,
                           const std::string& exception_value, const TemplateErrorInfo* template_info);

/// Django's "The install worked successfully! Congratulations!" page for a
/// project without URL patterns, while DEBUG is on.
HttpResponse welcome_page(const std::string& version);

/// The page shown (DEBUG only) while a project file fails to load: every
/// diagnostic, compiler-style. Status 500.
HttpResponse diagnostics_page(const Diagnostics& diags);

}  // namespace mvt::runserver
