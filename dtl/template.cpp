#include "dtl/template.hpp"

#include "dtl/engine.hpp"

namespace dtl {

namespace {
// Binds the context to the template for one render and restores it after,
// also when rendering throws.
struct RenderState {
  RenderState(Context& c, const Template* t) : ctx(c), previous(c.render_context.current_template()) {
    bound = ctx.template_ == nullptr;
    if (bound) ctx.template_ = t;
    if (!ctx.engine) ctx.engine = t->engine;
    ctx.render_context.push_state(t, true);
  }
  ~RenderState() {
    ctx.render_context.pop_state(true, previous);
    if (bound) ctx.template_ = nullptr;
  }
  Context& ctx;
  const Template* previous;
  bool bound = false;
};
}  // namespace

std::string Template::render(Context& ctx) const {
  std::string out;
  out.reserve(last_size_.load(std::memory_order_relaxed));
  render(ctx, out);
  last_size_.store(out.size(), std::memory_order_relaxed);
  return out;
}

void Template::render(Context& ctx, std::string& out) const {
  RenderState state(ctx, this);
  nodelist.render(ctx, out);
}

}  // namespace dtl
