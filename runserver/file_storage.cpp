#include "runserver/file_storage.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "dtl/text.hpp"
#include "runserver/http_request.hpp"

namespace mvt::runserver {

namespace fs = std::filesystem;

namespace {

/// os.path.split: (head without trailing slashes unless all slashes, tail).
std::pair<std::string, std::string> split_path(const std::string& p) {
  std::size_t i = p.rfind('/');
  i = i == std::string::npos ? 0 : i + 1;
  std::string head = p.substr(0, i), tail = p.substr(i);
  if (!head.empty() && head.find_first_not_of('/') != std::string::npos)
    while (!head.empty() && head.back() == '/') head.pop_back();
  return {head, tail};
}

std::string basename(const std::string& p) { return split_path(p).second; }

/// os.path.join(a, b) for POSIX.
std::string join_path(const std::string& a, const std::string& b) {
  if (!b.empty() && b.front() == '/') return b;
  if (a.empty() || a.back() == '/') return a + b;
  return a + "/" + b;
}

std::vector<std::string> split_parts(const std::string& p) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    parts.push_back(p.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

/// posixpath.normpath.
std::string normpath(const std::string& p) {
  if (p.empty()) return ".";
  int initial = p.rfind("///", 0) == 0 ? 1 : p.rfind("//", 0) == 0 ? 2 : p.front() == '/' ? 1 : 0;
  std::vector<std::string> out;
  for (const auto& c : split_parts(p)) {
    if (c.empty() || c == ".") continue;
    if (c != ".." || (!initial && out.empty()) || (!out.empty() && out.back() == "..")) out.push_back(c);
    else if (!out.empty()) out.pop_back();
  }
  std::string s(static_cast<std::size_t>(initial), '/');
  for (std::size_t i = 0; i < out.size(); ++i) s += (i ? "/" : "") + out[i];
  return s.empty() ? "." : s;
}

/// Whether '..' is one of pathlib.PurePath(p)'s parts.
bool has_parent_part(const std::string& p) {
  for (const auto& c : split_parts(p))
    if (c == "..") return true;
  return false;
}

std::string replace_backslashes(std::string s) {
  for (auto& c : s)
    if (c == '\\') c = '/';
  return s;
}

/// html.unescape for character references: numeric ones and the few names
/// a file name plausibly carries.
std::string html_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    std::size_t semi = s.find(';', i);
    if (semi != std::string::npos && semi - i <= 12) {
      std::string_view ref = s.substr(i + 1, semi - i - 1);
      if (ref.size() >= 2 && ref[0] == '#') {
        bool hex = ref[1] == 'x' || ref[1] == 'X';
        std::string_view digits = ref.substr(hex ? 2 : 1);
        char32_t cp = 0;
        bool ok = !digits.empty();
        for (char d : digits) {
          int v = d >= '0' && d <= '9' ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10 : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
          if (v < 0) ok = false;
          else if (cp < 0x110000) cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
        }
        if (ok) {
          // html.unescape: invalid code points become U+FFFD.
          if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
          dtl::utf8_append(out, cp);
          i = semi + 1;
          continue;
        }
      }
      static const std::pair<std::string_view, std::string_view> names[] = {
          {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xc2\xa0"}};
      bool found = false;
      for (const auto& [n, v] : names)
        if (ref == n) {
          out += v;
          found = true;
        }
      if (found) {
        i = semi + 1;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

}  // namespace

std::optional<std::string> sanitize_upload_name(std::string_view file_name) {
  std::string name = html_unescape(file_name);
  if (auto p = name.rfind('/'); p != std::string::npos) name = name.substr(p + 1);
  if (auto p = name.rfind('\\'); p != std::string::npos) name = name.substr(p + 1);
  if (name.empty() || name == "." || name == "..") return std::nullopt;
  std::u32string u = dtl::to_u32(name);
  if (u.size() > 255) {
    auto [root, ext] = split_ext(name);
    std::u32string e = dtl::to_u32(ext).substr(0, 255);
    name = dtl::to_utf8(dtl::to_u32(root).substr(0, 255 - e.size())) + dtl::to_utf8(e);
  }
  return name;
}

std::string get_valid_filename(std::string_view name) {
  std::string s = dtl::replace_all(dtl::py_strip(name), " ", "_");
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    char32_t c = dtl::utf8_decode(s, i);
    if (c == '-' || c == '.' || dtl::is_word(c)) out.append(s, start, i - start);
  }
  if (out.empty() || out == "." || out == "..")
    throw SuspiciousFileOperation("Could not derive file name from '" + std::string(name) + "'");
  return out;
}

std::string validate_file_name(const std::string& name, bool allow_relative_path) {
  std::string base = basename(name);
  if (base.empty() || base == "." || base == "..")
    throw SuspiciousFileOperation("Could not derive file name from '" + name + "'");
  if (allow_relative_path) {
    std::string p = replace_backslashes(name);
    if ((!p.empty() && p.front() == '/') || has_parent_part(p))
      throw SuspiciousFileOperation("Detected path traversal attempt in '" + name + "'");
  } else if (name != base) {
    throw SuspiciousFileOperation("File name '" + name + "' includes path elements");
  }
  return name;
}

std::pair<std::string, std::string> split_ext(const std::string& path) {
  std::size_t sep = path.rfind('/');
  std::size_t dot = path.rfind('.');
  std::size_t base = sep == std::string::npos ? 0 : sep + 1;
  if (dot == std::string::npos || dot < base) return {path, ""};
  // Leading dots of the base name do not start an extension.
  std::size_t first = base;
  while (first < dot && path[first] == '.') ++first;
  if (first == dot) return {path, ""};
  return {path.substr(0, dot), path.substr(dot)};
}

std::string generate_filename(const std::string& upload_to, const std::string& filename, const std::tm& now) {
  std::string dirname;
  if (!upload_to.empty()) {
    // strftime with a buffer that grows: "%Y" alone is legitimately short,
    // and an empty result is ambiguous, hence the appended sentinel.
    std::string fmt = upload_to + "\x01";
    std::vector<char> buf(fmt.size() * 4 + 64);
    for (;;) {
      std::size_t n = std::strftime(buf.data(), buf.size(), fmt.c_str(), &now);
      if (n > 0) {
        dirname.assign(buf.data(), n - 1);
        break;
      }
      if (buf.size() > (1u << 20)) break;
      buf.resize(buf.size() * 2);
    }
  }
  std::string name = validate_file_name(join_path(dirname, filename), true);
  // Storage.generate_filename.
  name = replace_backslashes(name);
  auto [dir, file] = split_path(name);
  if (has_parent_part(dir)) throw SuspiciousFileOperation("Detected path traversal attempt in '" + dir + "'");
  return normpath(join_path(dir, get_valid_filename(file)));
}

std::string random_alphanumerics(std::size_t length) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  while (out.size() < length) {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
    for (unsigned char c : b)
      if (c < 248 && out.size() < length) out += alphabet[c % 62];  // 248 = 4 * 62: no modulo bias
  }
  return out;
}

std::string get_available_name(const std::string& original, std::int64_t max_length,
                               const std::function<bool(const std::string&)>& exists,
                               const std::function<std::string()>& random) {
  std::string name = replace_backslashes(original);
  auto [dir_name, file_name] = split_path(name);
  if (has_parent_part(dir_name)) throw SuspiciousFileOperation("Detected path traversal attempt in '" + dir_name + "'");
  validate_file_name(file_name);
  auto [root, ext] = split_ext(file_name);
  std::u32string file_root = dtl::to_u32(root);
  auto too_long = [&](const std::string& n) {
    return max_length > 0 && static_cast<std::int64_t>(dtl::utf8_length(n)) > max_length;
  };
  // Captured by name, not as structured bindings: clang 14 cannot capture those.
  auto alternative = [&, &dir = dir_name, &extension = ext] {
    return join_path(dir, dtl::to_utf8(file_root) + "_" + random() + extension);
  };
  while (exists(name) || too_long(name)) {
    name = alternative();
    if (max_length <= 0) continue;
    std::int64_t truncation = static_cast<std::int64_t>(dtl::utf8_length(name)) - max_length;
    if (truncation > 0) {
      file_root.resize(static_cast<std::int64_t>(file_root.size()) > truncation
                           ? file_root.size() - static_cast<std::size_t>(truncation)
                           : 0);
      if (file_root.empty())
        throw SuspiciousFileOperation("Storage can not find an available filename for \"" + name +
                                      "\". Please make sure that the corresponding file field allows sufficient "
                                      "\"max_length\".");
      name = alternative();
    }
  }
  return name;
}

std::string filepath_to_uri(const std::string& path) { return url_quote(replace_backslashes(path), "/~!*()'"); }

fs::path FileSystemStorage::path(const std::string& name) const { return safe_join(location_.string(), name); }

bool FileSystemStorage::exists(const std::string& name) const {
  struct stat st {};
  return ::lstat(path(name).c_str(), &st) == 0;
}

std::uintmax_t FileSystemStorage::size(const std::string& name) const { return fs::file_size(path(name)); }

std::string FileSystemStorage::url(const std::string& name) const {
  std::string url = filepath_to_uri(name);
  std::size_t lead = url.find_first_not_of('/');
  url = lead == std::string::npos ? "" : url.substr(lead);
  // urljoin(base_url, url): a base without a trailing slash loses its last segment.
  std::string base = base_url_;
  if (!base.empty() && base.back() != '/') {
    std::size_t slash = base.rfind('/');
    base = slash == std::string::npos ? "" : base.substr(0, slash + 1);
  }
  return base + url;
}

std::string FileSystemStorage::save(const std::string& requested, std::string_view content, std::int64_t max_length) const {
  validate_file_name(requested, true);
  auto taken = [this](const std::string& n) { return exists(n); };
  std::string name = get_available_name(requested, max_length, taken);
  validate_file_name(name, true);
  fs::path full = path(name);
  fs::create_directories(full.parent_path());
  for (;;) {
    int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == EEXIST) {  // taken since get_available_name: a new name (no max_length, as Django)
        name = get_available_name(name, 0, taken);
        full = path(name);
        continue;
      }
      throw std::system_error(errno, std::generic_category(), "cannot create " + full.string());
    }
    std::size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        ::close(fd);
        ::unlink(full.c_str());
        throw std::system_error(e, std::generic_category(), "cannot write " + full.string());
      }
      done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
      int e = errno;
      ::unlink(full.c_str());
      throw std::system_error(e, std::generic_category(), "cannot write " + full.string());
    }
    break;
  }
  // The stored name, relative to the location with forward slashes.
  return full.lexically_relative(location_).generic_string();
}

void FileSystemStorage::remove(const std::string& name) const {
  std::error_code ec;
  fs::remove(path(name), ec);
}

std::optional<std::string> sniff_image_format(std::string_view c) {
  auto starts = [&](std::string_view sig, std::size_t at = 0) { return c.size() >= at + sig.size() && c.substr(at, sig.size()) == sig; };
  auto u32le = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(c[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(c[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(c[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(c[at + 3])) << 24;
  };
  using namespace std::string_view_literals;
  // PNG: the signature, then the IHDR chunk (length 13) first.
  if (starts("\x89PNG\r\n\x1a\n"sv)) return c.size() >= 33 && starts("\0\0\0\x0dIHDR"sv, 8) ? std::optional<std::string>("PNG") : std::nullopt;
  // JPEG: SOI then a marker.
  if (starts("\xff\xd8\xff"sv)) return c.size() >= 4 ? std::optional<std::string>("JPEG") : std::nullopt;
  // GIF: header and the logical screen descriptor.
  if (starts("GIF87a"sv) || starts("GIF89a"sv)) return c.size() >= 13 ? std::optional<std::string>("GIF") : std::nullopt;
  // WebP: a RIFF container of type WEBP with a VP8 / VP8L / VP8X chunk.
  if (starts("RIFF"sv) && starts("WEBP"sv, 8) && (starts("VP8 "sv, 12) || starts("VP8L"sv, 12) || starts("VP8X"sv, 12)))
    return std::string("WEBP");
  // BMP: "BM" and one of the DIB header sizes Pillow reads.
  if (starts("BM"sv) && c.size() >= 18) {
    std::uint32_t dib = u32le(14);
    if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124) return std::string("BMP");
    return std::nullopt;
  }
  // ICO: reserved 0, type 1, at least one directory entry.
  if (starts("\0\0\1\0"sv) && c.size() >= 22 && (c[4] != 0 || c[5] != 0)) return std::string("ICO");
  // TIFF: byte order and the magic 42.
  if ((starts("II*\0"sv) || starts("MM\0*"sv)) && c.size() >= 8) return std::string("TIFF");
  return std::nullopt;
}

}  // namespace mvt::runserver
