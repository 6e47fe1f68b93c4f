// File fields of model forms: ClearableFileInput (its HTML and
// value_from_datadict) and forms.FileField / ImageField cleaning, with
// Django 3.2's messages.
#include <algorithm>

#include "dtl/node.hpp"
#include "dtl/text.hpp"
#include "runserver/field_file.hpp"
#include "runserver/file_storage.hpp"
#include "runserver/forms.hpp"

namespace mvt::runserver {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  dtl::append_escaped(out, s);
  return out;
}

/// The extensions validate_image_file_extension allows: Pillow's registered
/// extensions in registration order (the preinit plugins first, then the
/// rest alphabetically), as Pillow 9.4 lists them. Django reads the list
/// from the installed Pillow; there is none here, so this is our best
/// reconstruction of it.
const std::vector<std::string>& image_extensions() {
  static const std::vector<std::string> list = {
      "bmp", "dib", "gif", "jfif", "jpe", "jpg", "jpeg", "pbm", "pgm", "ppm", "pnm", "png", "apng", "blp", "bufr", "cur",
      "dcx", "dds", "ps", "eps", "fit", "fits", "fli", "flc", "ftc", "ftu", "gbr", "grib", "h5", "hdf", "icns", "ico",
      "im", "iim", "jp2", "j2k", "jpc", "jpf", "jpx", "j2c", "mpg", "mpeg", "mpo", "msp", "palm", "pcd", "pcx", "pdf",
      "pxr", "psd", "bw", "rgb", "rgba", "sgi", "ras", "tga", "icb", "vda", "vst", "tif", "tiff", "webp", "wmf", "emf",
      "xbm", "xpm"};
  return list;
}

struct ValidationError {
  std::string message;
};

}  // namespace

bool ModelForm::is_multipart() const {
  return std::any_of(fields_.begin(), fields_.end(),
                     [](const FormField& f) { return f.widget == WidgetKind::ClearableFileInput; });
}

ModelForm::FileData ModelForm::file_data(const FormField& f) const {
  FileData out;
  if (!bound_) return out;
  dtl::Value upload;
  if (files_) {
    auto it = files_->find(f.name);
    if (it != files_->end() && !it->second.empty())
      upload = uploaded_file_value(std::shared_ptr<const UploadedFile>(files_, &it->second.back()));
  }
  // CheckboxInput.value_from_datadict for "<name>-clear", looked at only
  // when the field is optional (a required field cannot be cleared).
  bool clear = false;
  if (!f.required)
    if (auto v = data_.get(f.name + "-clear")) {
      std::string lower = dtl::py_lower(*v);
      clear = lower == "true" ? true : lower == "false" ? false : !v->empty();
    }
  if (clear) {
    out.kind = upload.is_none() ? FileData::Kind::Clear : FileData::Kind::Contradiction;
    return out;
  }
  if (!upload.is_none()) {
    out.kind = FileData::Kind::Upload;
    out.upload = std::move(upload);
  }
  return out;
}

void ModelForm::clean_file_field(const FormField& f) {
  FileData data = file_data(f);
  try {
    if (data.kind == FileData::Kind::Contradiction)
      throw ValidationError{"Please either submit a file or check the clear checkbox, not both."};
    if (data.kind == FileData::Kind::Clear) {  // only optional fields get here
      cleaned_[f.name] = dtl::Value::boolean(false);
      return;
    }
    if (data.kind == FileData::Kind::None && f.initial.truthy()) {
      cleaned_[f.name] = f.initial;  // nothing sent: the current file stays
      return;
    }
    if (data.kind == FileData::Kind::None) {
      if (f.required) throw ValidationError{"This field is required."};
      cleaned_[f.name] = dtl::Value::none();
      return;
    }
    // FileField.to_python.
    const UploadedFile& file = *uploaded_file(data.upload);
    std::size_t length = dtl::utf8_length(file.name);
    if (f.max_length && static_cast<std::int64_t>(length) > *f.max_length)
      throw ValidationError{"Ensure this filename has at most " + std::to_string(*f.max_length) +
                            (*f.max_length == 1 ? " character" : " characters") + " (it has " + std::to_string(length) +
                            ")."};
    if (file.name.empty()) throw ValidationError{"No file was submitted. Check the encoding type on the form."};
    if (file.size() == 0) throw ValidationError{"The submitted file is empty."};
    if (f.kind == FormFieldKind::Image) {
      // ImageField.to_python (Pillow's open + verify; see sniff_image_format),
      // then validate_image_file_extension.
      if (!sniff_image_format(file.content))
        throw ValidationError{"Upload a valid image. The file you uploaded was either not an image or a corrupted image."};
      std::string base = file.name.substr(file.name.rfind('/') == std::string::npos ? 0 : file.name.rfind('/') + 1);
      std::string ext = dtl::py_lower(split_ext(base).second);
      if (!ext.empty()) ext.erase(0, 1);
      const auto& allowed = image_extensions();
      if (std::find(allowed.begin(), allowed.end(), ext) == allowed.end()) {
        std::string list;
        for (std::size_t i = 0; i < allowed.size(); ++i) list += (i ? ", " : "") + allowed[i];
        throw ValidationError{"File extension “" + ext + "” is not allowed. Allowed extensions are: " + list + "."};
      }
    }
    cleaned_[f.name] = data.upload;
  } catch (const ValidationError& e) {
    add_error(f.name, e.message);
  }
}

std::string ModelForm::render_file_widget(const FormField& f) const {
  // BoundField.value(): FileField.bound_data keeps the initial file unless
  // an upload or a clear came in.
  dtl::Value value = f.initial;
  FileData data = file_data(f);
  if (data.kind == FileData::Kind::Upload) value = data.upload;
  else if (data.kind == FileData::Kind::Clear) value = dtl::Value::boolean(false);
  // ClearableFileInput.is_initial: a value with a url (a stored FieldFile).
  auto name = field_file_name(value);
  bool is_initial = name && !name->empty();
  std::string attrs;
  for (const auto& [k, v] : f.attrs) attrs += v == kBareAttr ? " " + k : " " + k + "=\"" + esc(v) + "\"";
  // FileInput.use_required_attribute: not when there is an initial file.
  if (f.required && !f.initial.truthy()) attrs += " required";
  attrs += " id=\"id_" + esc(f.name) + "\"";
  std::string input = "<input type=\"file\" name=\"" + esc(f.name) + "\"" + attrs + ">";
  if (!is_initial) return input;
  std::string out = "Currently: <a href=\"" + esc(value.as_object().resolve("url")->str()) + "\">" + esc(*name) + "</a>";
  if (!f.required) {
    std::string checkbox = esc(f.name) + "-clear";
    out += "\n<input type=\"checkbox\" name=\"" + checkbox + "\" id=\"" + checkbox + "_id\">\n<label for=\"" + checkbox +
           "_id\">Clear</label>";
  }
  return out + "<br>\nChange:\n" + input;
}

}  // namespace mvt::runserver
