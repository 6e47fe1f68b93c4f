#include "runserver/field_file.hpp"

#include "dtl/errors.hpp"
#include "runserver/file_storage.hpp"

namespace mvt::runserver {

namespace {

class FieldFileObject : public dtl::Object {
 public:
  FieldFileObject(std::string field, std::string name, const ValueSettings& s)
      : field_(std::move(field)), name_(std::move(name)), storage_(s.media_root, s.media_url) {}

  std::optional<dtl::Value> resolve(std::string_view attr) const override {
    if (attr == "name") return dtl::Value::string(name_);
    if (attr == "url") return dtl::Value::string(storage_.url(require()));
    if (attr == "path") return dtl::Value::string(storage_.path(require()).string());
    if (attr == "size") {
      std::error_code ec;
      auto n = std::filesystem::file_size(storage_.path(require()), ec);
      if (ec) throw dtl::RenderError("FileNotFoundError", "[Errno 2] No such file or directory: '" +
                                                              storage_.path(name_).string() + "'");
      return dtl::Value::integer(static_cast<std::int64_t>(n));
    }
    return std::nullopt;
  }
  std::string str() const override { return name_; }
  bool truthy() const override { return !name_.empty(); }
  std::optional<bool> equals(const dtl::Value& other) const override {
    // FieldFile.__eq__: by name, against another file or a string.
    if (auto n = field_file_name(other)) return *n == name_;
    if (other.is_string()) return other.as_string() == name_;
    return false;
  }
  std::string type_name() const override { return "FieldFile"; }
  const std::string& name() const { return name_; }

 private:
  const std::string& require() const {
    if (name_.empty())
      throw dtl::RenderError("ValueError", "The '" + field_ + "' attribute has no file associated with it.");
    return name_;
  }
  std::string field_;
  std::string name_;
  FileSystemStorage storage_;
};

class UploadedFileObject : public dtl::Object {
 public:
  explicit UploadedFileObject(std::shared_ptr<const UploadedFile> file) : file_(std::move(file)) {}
  std::optional<dtl::Value> resolve(std::string_view attr) const override {
    if (attr == "name") return dtl::Value::string(file_->name);
    if (attr == "size") return dtl::Value::integer(static_cast<std::int64_t>(file_->size()));
    if (attr == "content_type") return dtl::Value::string(file_->content_type);
    return std::nullopt;
  }
  std::string str() const override { return file_->name; }
  std::string type_name() const override { return "InMemoryUploadedFile"; }
  const UploadedFile& file() const { return *file_; }

 private:
  std::shared_ptr<const UploadedFile> file_;
};

}  // namespace

dtl::Value uploaded_file_value(std::shared_ptr<const UploadedFile> file) {
  return dtl::Value::object(std::make_shared<UploadedFileObject>(std::move(file)));
}

const UploadedFile* uploaded_file(const dtl::Value& v) {
  if (!v.is_object()) return nullptr;
  if (const auto* u = dynamic_cast<const UploadedFileObject*>(&v.as_object())) return &u->file();
  return nullptr;
}

dtl::Value field_file_value(const std::string& field_name, const dtl::Value& name, const ValueSettings& s) {
  // FileDescriptor: a NULL column is a FieldFile without a name too.
  return dtl::Value::object(std::make_shared<FieldFileObject>(field_name, name.is_none() ? "" : name.str(), s));
}

std::optional<std::string> field_file_name(const dtl::Value& v) {
  if (!v.is_object()) return std::nullopt;
  if (const auto* f = dynamic_cast<const FieldFileObject*>(&v.as_object())) return f->name();
  return std::nullopt;
}

}  // namespace mvt::runserver
