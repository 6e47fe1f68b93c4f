#pragma once
// dtl::Template — a compiled template (django.template.base.Template).
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "dtl/context.hpp"
#include "dtl/node.hpp"

namespace dtl {

class Engine;

class Template {
 public:
  /// The name it was loaded by ("blog/post.html"); empty for from_string.
  std::string name;
  /// Where it came from: the file path, the locmem name, or
  /// "<unknown source>" (used in error locations).
  std::string origin;
  NodeList nodelist;
  const Engine* engine = nullptr;

  /// Renders with ctx (binding ctx to this template and its engine when not
  /// yet bound). Throws TemplateError (located at template:line).
  std::string render(Context& ctx) const;
  void render(Context& ctx, std::string& out) const;
  /// Renders the node list in the current render state (used by extends).
  void render_nodelist(Context& ctx, std::string& out) const { nodelist.render(ctx, out); }

 private:
  // The size of the last output of render(ctx): the next output is reserved
  // at that size, so a page of kilobytes is not grown (and copied) step by
  // step. Shared by the threads rendering this template; only a hint.
  mutable std::atomic<std::size_t> last_size_{0};
};

}  // namespace dtl
