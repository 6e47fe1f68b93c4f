#include "runserver/template_checks.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "core/yaml.hpp"
#include "dtl/errors.hpp"
#include "dtl/library.hpp"
#include "dtl/parser.hpp"
#include "runserver/static_tags.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;

namespace {

/// Strict UTF-8 (as Python's bytes.decode('utf-8')); the offset of the
/// first bad byte, or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    if (n == 0) return i;
    for (int k = 1; k < n; ++k) {
      if (i + k >= s.size()) return i;
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) return i;
    }
    i += static_cast<std::size_t>(n);
  }
  return std::string_view::npos;
}

bool skipped_name(const std::string& name) { return name.empty() || name[0] == '.' || name.back() == '~'; }

/// Every template file below `dir`, sorted per folder (files and folders
/// by name), following symlinks and cutting loops.
void walk(const std::string& dir, std::set<std::pair<dev_t, ino_t>>& stack, std::vector<std::string>& out) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
  auto key = std::make_pair(st.st_dev, st.st_ino);
  if (!stack.insert(key).second) return;
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (!skipped_name(name)) names.push_back(std::move(name));
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string path = dir + "/" + name;
    struct stat s;
    if (::stat(path.c_str(), &s) != 0) continue;  // a dangling symlink: nothing a loader can read
    if (S_ISDIR(s.st_mode)) walk(path, stack, out);
    else if (S_ISREG(s.st_mode)) out.push_back(std::move(path));
  }
  stack.erase(key);
}

}  // namespace

std::vector<TemplateDir> template_dirs(const Project& project) {
  const Settings& s = project.settings;
  std::vector<TemplateDir> dirs;
  for (const auto& d : s.templates.dirs) dirs.push_back({d, ""});
  if (s.templates.app_dirs)
    for (const auto& app : project.apps)
      if (!app.builtin && !app.path.empty() && fs::is_directory(app.path / "templates"))
        dirs.push_back({app.path / "templates", app.label});
  return dirs;
}

std::vector<CheckMessage> check_templates(const Project& project, const std::vector<TemplateDir>& dirs) {
  // The libraries of the development server's engine (runserver/site.cpp's
  // load_site): dtl's built-ins plus `static`, built in and loadable. The
  // storage does not matter for parsing, so none is made (a broken
  // manifest is collectstatic's and the server's business, not this check's).
  auto static_lib = make_static_library(nullptr, project.settings);
  const std::map<std::string, std::shared_ptr<const dtl::Library>> libraries{{"static", static_lib}};
  const std::vector<const dtl::Library*> builtins{&dtl::builtin_library(), static_lib.get()};

  std::vector<CheckMessage> out;
  std::set<std::string> seen;  // a folder listed twice (or reached twice) is checked once
  for (const auto& dir : dirs) {
    std::set<std::pair<dev_t, ino_t>> stack;
    std::vector<std::string> files;
    std::string root = fs::absolute(dir.path).lexically_normal().string();
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    walk(root, stack, files);
    for (const auto& file : files) {
      if (!seen.insert(file).second) continue;
      std::ifstream in(file, std::ios::binary);
      if (!in) continue;
      std::ostringstream ss;
      ss << in.rdbuf();
      const std::string source = ss.str();
      const std::string shown = yaml::display_path(file);
      if (std::size_t bad = invalid_utf8_at(source); bad != std::string_view::npos) {
        int line = 1 + static_cast<int>(std::count(source.begin(), source.begin() + static_cast<long>(bad), '\n'));
        out.push_back({CheckLevel::Error,
                       "The template is not valid UTF-8 (byte " + std::to_string(bad) +
                           "); the template loaders cannot read it.",
                       "Save the file as UTF-8.", shown + ":" + std::to_string(line), "templates.E101"});
        continue;
      }
      // The template's name as its loader knows it, for relative {% extends "./x" %} / {% include %}.
      std::string name = file.size() > root.size() ? file.substr(root.size() + 1) : file;
      try {
        dtl::Parser parser(dtl::tokenize(source), &libraries, builtins, name);
        parser.origin_ptr = &file;
        (void)parser.parse();
      } catch (const dtl::TemplateError& e) {
        std::string obj = shown;
        if (e.line > 0) obj += ":" + std::to_string(e.line);
        out.push_back({CheckLevel::Error, e.what(), "", obj, "templates.E100"});
      } catch (const std::exception& e) {  // not expected from the parser; reported rather than fatal
        out.push_back({CheckLevel::Error, e.what(), "", shown, "templates.E100"});
      }
    }
  }
  return out;
}

}  // namespace mvt::runserver
