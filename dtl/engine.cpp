#include "dtl/engine.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "dtl/errors.hpp"
#include "dtl/parser.hpp"
#include "dtl/timezone.hpp"

namespace dtl {

namespace fs = std::filesystem;

Engine::Engine(EngineOptions options) : options_(std::move(options)) {
  tz_ = TimeZone::locate(options_.time_zone.empty() ? "UTC" : options_.time_zone);
  if (!tz_) throw std::invalid_argument("Incorrect timezone setting: " + options_.time_zone);
}

void Engine::add_library(const std::string& name, std::shared_ptr<const Library> library) {
  libraries_[name] = std::move(library);
}

void Engine::add_builtin(std::shared_ptr<const Library> library) { builtins_.push_back(std::move(library)); }

void Engine::configure(Context& ctx) const {
  ctx.autoescape = options_.autoescape;
  ctx.use_tz = options_.use_tz;
  ctx.use_l10n = options_.use_l10n;
  ctx.engine = this;
}

std::shared_ptr<const Template> Engine::parse(std::string source, std::string name, std::string origin) const {
  auto t = std::make_shared<Template>();
  t->name = std::move(name);
  t->origin = std::move(origin);
  t->engine = this;
  std::vector<const Library*> builtins{&builtin_library()};
  for (const auto& b : builtins_) builtins.push_back(b.get());
  Parser parser(tokenize(source), &libraries_, builtins, t->name);
  parser.origin_ptr = &t->origin;
  t->nodelist = parser.parse();
  return t;
}

std::shared_ptr<const Template> Engine::from_string(std::string_view source) const {
  return parse(std::string(source), std::string(), "<unknown source>");
}

namespace {

// django.utils._os.safe_join: nullopt when name escapes base.
std::optional<fs::path> safe_join(const fs::path& base, const std::string& name) {
  fs::path b = fs::absolute(base).lexically_normal();
  fs::path p = (b / name).lexically_normal();
  std::string bs = b.string();
  while (bs.size() > 1 && bs.back() == '/') bs.pop_back();
  std::string ps = p.string();
  while (ps.size() > 1 && ps.back() == '/') ps.pop_back();
  if (ps == bs || ps.compare(0, bs.size() + 1, bs + "/") == 0) return fs::path(ps);
  return std::nullopt;
}

bool in(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

}  // namespace

std::shared_ptr<const Template> Engine::find_template(const std::string& name,
                                                      const std::vector<std::string>& skip) const {
  if (!generation_) return find_template_uncached(name, skip);
  // Read before the lookup: a change while it runs leaves the entry stale
  // for the next generation, never hides the change.
  const std::uint64_t generation = generation_->load(std::memory_order_acquire);
  std::string key = name;
  for (const auto& s : skip) {
    key += '\0';
    key += s;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = lookups_.find(key);
    if (it != lookups_.end() && it->second.generation == generation) return it->second.tmpl;
  }
  auto t = find_template_uncached(name, skip);
  std::lock_guard<std::mutex> lock(mutex_);
  lookups_[std::move(key)] = Lookup{generation, t};
  return t;
}

std::shared_ptr<const Template> Engine::find_template_uncached(const std::string& name,
                                                               const std::vector<std::string>& skip) const {
  std::vector<std::pair<std::string, std::string>> tried;
  auto loc = options_.templates.find(name);
  if (loc != options_.templates.end()) {
    if (in(skip, name)) {
      tried.emplace_back(name, "Skipped to avoid recursion");
    } else {
      std::string key = "\x01locmem:" + name;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = cache_.find(key);
        if (it != cache_.end()) return it->second.tmpl;
      }
      auto t = parse(loc->second, name, name);
      std::lock_guard<std::mutex> lock(mutex_);
      cache_[key] = CacheEntry{{}, 0, t};
      return t;
    }
  }
  auto try_dir = [&](const fs::path& dir) -> std::shared_ptr<const Template> {
    auto path = safe_join(dir, name);
    if (!path) return nullptr;
    std::string origin = path->string();
    if (in(skip, origin)) {
      tried.emplace_back(origin, "Skipped to avoid recursion");
      return nullptr;
    }
    // One stat() per lookup (this runs on every render in the dev server).
    struct stat st;
    if (::stat(origin.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      tried.emplace_back(origin, "Source does not exist");
      return nullptr;
    }
    const std::int64_t mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = cache_.find(origin);
      if (it != cache_.end() && it->second.mtime == mtime && it->second.size == size) return it->second.tmpl;
    }
    std::ifstream in(*path, std::ios::binary);
    if (!in) {
      tried.emplace_back(origin, "Source does not exist");
      return nullptr;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto t = parse(ss.str(), name, origin);
    std::lock_guard<std::mutex> lock(mutex_);
    cache_[origin] = CacheEntry{mtime, size, t};
    return t;
  };
  for (const auto& d : options_.dirs)
    if (auto t = try_dir(d)) return t;
  for (const auto& d : options_.app_dirs)
    if (auto t = try_dir(d)) return t;
  throw TemplateDoesNotExist(name, std::move(tried));
}

std::shared_ptr<const Template> Engine::get_template(const std::string& name) const { return find_template(name, {}); }

std::shared_ptr<const Template> Engine::select_template(const std::vector<std::string>& names) const {
  if (names.empty()) throw TemplateDoesNotExist("No template names provided");
  std::vector<std::string> not_found;
  std::vector<std::pair<std::string, std::string>> tried;
  for (const auto& n : names) {
    try {
      return get_template(n);
    } catch (const TemplateDoesNotExist& e) {
      if (!in(not_found, e.what())) not_found.push_back(e.what());
      tried.insert(tried.end(), e.tried.begin(), e.tried.end());
    }
  }
  std::string joined;
  for (std::size_t i = 0; i < not_found.size(); ++i) joined += (i ? ", " : "") + not_found[i];
  throw TemplateDoesNotExist(joined, std::move(tried));
}

std::string Engine::render_to_string(const std::string& name, const Context::Items& variables) const {
  auto t = get_template(name);
  Context ctx(variables);
  configure(ctx);
  return t->render(ctx);
}

}  // namespace dtl
