#include "runserver/request_env.hpp"

#include "dtl/errors.hpp"
#include "dtl/library.hpp"
#include "runserver/request_objects.hpp"

namespace mvt::runserver {

namespace {

/// A forward relation resolved on first use, so that a model's `str` template
/// costs no query for relations it does not print.
class LazyValue : public dtl::Object {
 public:
  LazyValue(dtl::Value owner, std::string name) : owner_(std::move(owner)), name_(std::move(name)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    const dtl::Value& v = get();
    if (!v.is_object()) return std::nullopt;
    return v.as_object().resolve(name);
  }
  std::string str() const override { return get().str(); }
  bool truthy() const override { return get().truthy(); }
  std::optional<bool> equals(const dtl::Value& other) const override { return dtl::equals(get(), other); }
  std::string type_name() const override { return get().type_name(); }

 private:
  const dtl::Value& get() const {
    if (!value_) value_ = owner_.as_object().resolve(name_).value_or(dtl::Value::none());
    return *value_;
  }
  dtl::Value owner_;
  std::string name_;
  mutable std::optional<dtl::Value> value_;
};


}  // namespace

dtl::Context::Items instance_items(const dtl::Value& instance) {
  const auto& obj = static_cast<const ModelInstance&>(instance.as_object());
  dtl::Context::Items items;
  for (const auto& f : obj.model().fields) {
    if (f.many_to_many()) {
      items.emplace_back(f.name, obj.resolve(f.name).value_or(dtl::Value::none()));
    } else if (f.is_relation()) {
      items.emplace_back(f.name, obj.raw(f).is_null() ? dtl::Value::none()
                                                     : dtl::Value::object(std::make_shared<LazyValue>(instance, f.name)));
      items.emplace_back(f.attname(), obj.resolve(f.attname()).value_or(dtl::Value::none()));
    } else if (f.type == models::FieldType::FileField || f.type == models::FieldType::ImageField) {
      items.emplace_back(f.name, obj.resolve(f.name).value_or(dtl::Value::none()));  // the FieldFile
    } else {
      items.emplace_back(f.name, obj.field_value(f));
    }
  }
  items.emplace_back("pk", obj.field_value(*obj.model().pk()));
  return items;
}

RequestEnv::RequestEnv(const Site& site, const HttpRequest& request, std::string current_app)
    : site_(site),
      request_(request),
      data_(site.settings().default_database().path, site.models,
            ValueSettings{site.settings().use_tz, site.settings().time_zone, site.settings().media_root,
                          site.settings().media_url}),
      current_app_(std::move(current_app)),
      user_(anonymous_user_value()),
      perms_(perms_value(nullptr, false, false)),
      kwargs_(dtl::Value::map({})) {}

void RequestEnv::set_user(dtl::Value user, std::function<std::vector<std::string>()> permissions, bool active,
                          bool superuser) {
  user_ = std::move(user);
  perms_ = perms_value(std::move(permissions), active, superuser);
  if (!active) user_instance_.reset();
}

void RequestEnv::install_reverser(dtl::Context& ctx) const {
  const URLResolver* resolver = site_.resolver;
  std::string current_app = current_app_;
  ctx.set_host_data("url_reverse", dtl::UrlReverser([resolver, current_app](
                                       const std::string& view, const std::vector<dtl::Value>& args,
                                       const std::vector<std::pair<std::string, dtl::Value>>& kwargs,
                                       dtl::Context&) -> std::string {
    auto arg = [](const dtl::Value& v) {
      return v.is_string() ? ReverseArg::str(v.as_string()) : ReverseArg::value(v.str(), v.repr());
    };
    std::vector<ReverseArg> a;
    for (const auto& v : args) a.push_back(arg(v));
    ReverseKwargs kw;
    for (const auto& [k, v] : kwargs) kw.emplace_back(k, arg(v));
    if (!resolver)
      throw dtl::RenderError("NoReverseMatch", "Reverse for '" + view + "' not found. '" + view +
                                                   "' is not a valid view function or pattern name.");
    try {
      return resolver->reverse(view, a, kw, current_app);
    } catch (const NoReverseMatch& e) {
      throw dtl::RenderError("NoReverseMatch", e.what());
    } catch (const std::invalid_argument& e) {
      throw dtl::RenderError("ValueError", e.what());
    }
  }));
}

void RequestEnv::prepare_page_context(dtl::Context& ctx, const dtl::Context::Items& items) const {
  site_.engine->configure(ctx);
  install_reverser(ctx);
  dtl::Context::Items base{
      {"request", request_value(request_, user_)},
      {"user", user_},
      {"perms", perms_},
      {"messages", state_ ? messages_value(state_->messages) : dtl::Value::list({})},
      {"DEFAULT_MESSAGE_LEVELS",
       dtl::Value::map({{"DEBUG", dtl::Value::integer(10)}, {"INFO", dtl::Value::integer(20)},
                        {"SUCCESS", dtl::Value::integer(25)}, {"WARNING", dtl::Value::integer(30)},
                        {"ERROR", dtl::Value::integer(40)}})},
  };
  base.emplace_back("csrf_token", state_ ? csrf_token_value(state_->csrf) : dtl::Value::string("NOTPROVIDED"));
  if (site_.settings().debug) base.emplace_back("debug", dtl::Value::boolean(true));
  ctx.push(base);
  ctx.push(items);
}

void RequestEnv::prepare_text_context(dtl::Context& ctx, const dtl::Context::Items& items) const {
  site_.engine->configure(ctx);
  ctx.autoescape = false;
  install_reverser(ctx);
  ctx.push({{"request", request_value(request_, user_)}, {"user", user_}, {"kwargs", kwargs_}});
  ctx.push(items);
}

std::string RequestEnv::render_page(const std::vector<std::string>& names, const dtl::Context::Items& items) const {
  auto tmpl = site_.engine->select_template(names);
  dtl::Context ctx;
  prepare_page_context(ctx, items);
  return tmpl->render(ctx);
}

std::optional<std::string> RequestEnv::render_model_template(const models::ModelDef& model, const dtl::Value& instance,
                                                             ModelTemplateKind kind) const {
  const auto& table = kind == ModelTemplateKind::Str ? site_.model_str : site_.model_url;
  auto it = table.find(model.label());
  if (it == table.end() || !it->second) return std::nullopt;
  dtl::Context ctx;
  site_.engine->configure(ctx);
  ctx.autoescape = false;
  install_reverser(ctx);
  ctx.push(instance_items(instance));
  return it->second->render(ctx);
}

}  // namespace mvt::runserver
