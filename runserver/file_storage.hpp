#pragma once
// Uploaded files on disk, as Django's FileSystemStorage (django.core.files.
// storage) with the model FileField's name generation: upload_to with
// strftime placeholders, get_valid_filename, get_available_name (a `_` and
// seven random alphanumerics before the extension while the name is taken
// or too long), files created with O_EXCL under MEDIA_ROOT, URLs under
// MEDIA_URL quoted as filepath_to_uri. Also the image check ImageField
// makes (Django asks Pillow; we read the file signature).
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "runserver/static_finders.hpp"  // SuspiciousFileOperation

namespace mvt::runserver {

/// MultiPartParser.sanitize_file_name then UploadedFile's name setter:
/// HTML character references unescaped (numeric ones and amp, lt, gt, quot,
/// apos, nbsp — html.unescape knows every HTML5 name), the part after the
/// last '/' or '\\', a name over 255 characters cut with its extension kept.
/// nullopt for '', '.', '..' (Django drops that part of the request).
std::optional<std::string> sanitize_upload_name(std::string_view file_name);

/// django.utils.text.get_valid_filename: strips, spaces to underscores,
/// drops everything but Unicode word characters, '-' and '.'. Throws
/// SuspiciousFileOperation("Could not derive file name from '...'") when
/// nothing usable is left.
std::string get_valid_filename(std::string_view name);

/// django.core.files.utils.validate_file_name: refuses '', '.', '..' as the
/// base name; with allow_relative_path an absolute path or a '..' part,
/// without it any path element. Returns name; throws SuspiciousFileOperation.
std::string validate_file_name(const std::string& name, bool allow_relative_path = false);

/// posixpath.splitext: ("dir/a.tar", ".gz"); a leading dot is not an extension.
std::pair<std::string, std::string> split_ext(const std::string& path);

/// FileField.generate_filename for a string upload_to: strftime(upload_to)
/// with `now` (local time in TIME_ZONE, as Django's datetime.now()), joined
/// with the uploaded name, validated, then Storage.generate_filename (the
/// base name through get_valid_filename, the path normalized).
std::string generate_filename(const std::string& upload_to, const std::string& filename, const std::tm& now);

/// get_random_string(7) with Django's alphabet (a-z A-Z 0-9), from OpenSSL's RAND_bytes.
std::string random_alphanumerics(std::size_t length);

/// Storage.get_available_name: `name` while `exists(name)` is false and it
/// fits max_length (code points; 0 = no limit), else
/// "<root>_<random><ext>", truncating the root to fit. `random` makes the
/// seven characters (tests pass their own). Throws SuspiciousFileOperation.
std::string get_available_name(const std::string& name, std::int64_t max_length,
                               const std::function<bool(const std::string&)>& exists,
                               const std::function<std::string()>& random = [] { return random_alphanumerics(7); });

/// django.utils.encoding.filepath_to_uri.
std::string filepath_to_uri(const std::string& path);

/// FileSystemStorage(location=MEDIA_ROOT, base_url=MEDIA_URL).
class FileSystemStorage {
 public:
  FileSystemStorage(std::filesystem::path location, std::string base_url)
      : location_(std::filesystem::absolute(location).lexically_normal()), base_url_(std::move(base_url)) {}

  /// safe_join(location, name); throws SuspiciousFileOperation outside it.
  std::filesystem::path path(const std::string& name) const;
  bool exists(const std::string& name) const;
  /// The file's size in bytes; throws std::filesystem::filesystem_error.
  std::uintmax_t size(const std::string& name) const;
  /// MEDIA_URL + filepath_to_uri(name) (urljoin).
  std::string url(const std::string& name) const;
  /// Storage.save: writes content under an available name (directories
  /// created, the file opened O_CREAT|O_EXCL, a new name on a race) and
  /// returns the stored name relative to the location. Throws
  /// SuspiciousFileOperation or std::system_error.
  std::string save(const std::string& name, std::string_view content, std::int64_t max_length) const;
  /// Removes the file if present (no error when gone).
  void remove(const std::string& name) const;
  const std::filesystem::path& location() const { return location_; }

 private:
  std::filesystem::path location_;
  std::string base_url_;
};

/// The image format a file's signature names ("PNG", "JPEG", "GIF", "WEBP",
/// "BMP", "ICO", "TIFF"), or nullopt. Django's ImageField asks Pillow to open
/// and verify the file; we have no image library, so this checks the
/// signatures (and the header sizes they imply) of the common formats only.
std::optional<std::string> sniff_image_format(std::string_view content);

}  // namespace mvt::runserver
