#pragma once
// Model forms (Django's django.forms.ModelForm with fields_for_model and each
// model field's formfield()): form fields and widgets per model field type,
// Django's HTML for {{ form }}, as_p, as_table, as_ul and bound fields, and
// Django's cleaning and validation messages. Values flow as dtl::Value:
// cleaned_data holds Python-level values (int, Decimal, date, datetime, a
// model instance's key...) that model_save.hpp stores.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/models.hpp"
#include "dtl/value.hpp"
#include "runserver/http_request.hpp"
#include "runserver/model_object.hpp"

namespace mvt::runserver {

/// Django's form field classes that model fields map to.
enum class FormFieldKind {
  Char, Integer, Float, Decimal, Boolean, NullBoolean, TypedChoice, Email, URL, Slug, Date, DateTime, Time,
  Duration, UUID, JSON, GenericIP, ModelChoice, ModelMultipleChoice, File, Image
};

/// The widget a field renders with (Django's widget classes).
enum class WidgetKind {
  TextInput, Textarea, NumberInput, EmailInput, URLInput, CheckboxInput, Select, NullBooleanSelect, SelectMultiple,
  DateInput, DateTimeInput, TimeInput, PasswordInput, ClearableFileInput
};

/// A widget attribute value that renders bare (`autofocus`), as Django's
/// attrs.html does for True.
inline const std::string kBareAttr = "\x01";

/// One option of a Select: its value and label (an optgroup has children).
struct FormChoice {
  std::string value;
  std::string label;
  std::vector<FormChoice> group;
};

/// A form field built from a model field (Field.formfield()).
struct FormField {
  std::string name;
  const models::FieldDef* model_field = nullptr;
  FormFieldKind kind = FormFieldKind::Char;
  WidgetKind widget = WidgetKind::TextInput;
  bool required = true;
  std::string label;       // capfirst(verbose_name)
  std::string help_text;
  std::optional<std::int64_t> max_length;
  std::optional<std::string> min_value, max_value;  // as text (ints / decimals)
  std::optional<int> max_digits, decimal_places;
  std::vector<std::pair<std::string, std::string>> attrs;  // widget attrs in Django's order (maxlength, step, min...)
  std::vector<FormChoice> choices;  // TypedChoice / ModelChoice / ModelMultipleChoice (with the blank choice)
  bool empty_value_none = false;    // CharField(empty_value=None) for null fields
  dtl::Value initial;               // the model field's default, or the instance's value
  /// Field.show_hidden_initial: a model field with a callable default also
  /// renders `<input type="hidden" name="initial-NAME">` after its widget.
  bool show_hidden_initial = false;
};

/// A form's errors: field name ("" for non-field errors) -> messages.
using FormErrors = std::vector<std::pair<std::string, std::vector<std::string>>>;

/// A model form, bound or not.
class ModelForm {
 public:
  /// Builds the fields for `names` of `model` (Django's fields_for_model).
  /// `instance` (UpdateView) gives the initial values. Choices of relations
  /// are loaded through env.
  ModelForm(const ObjectEnv& env, const models::ModelDef& model, const std::vector<std::string>& names,
            std::optional<dtl::Value> instance = std::nullopt);

  /// A form with explicit fields (Django's plain Form subclasses such as
  /// AuthenticationForm); the model's unique checks are not run.
  ModelForm(const ObjectEnv& env, const models::ModelDef& model, std::vector<FormField> fields)
      : env_(&env), model_(&model), fields_(std::move(fields)), model_validation_(false) {}

  /// Binds submitted data (request.POST, or a JSON body as a QueryDict)
  /// and uploads (request.FILES), as Form(data, files).
  void bind(QueryDict data, std::shared_ptr<const UploadedFiles> files = nullptr) {
    data_ = std::move(data);
    files_ = files ? std::move(files) : std::make_shared<const UploadedFiles>();
    bound_ = true;
  }
  bool is_bound() const { return bound_; }
  /// Form.is_multipart(): whether a field's widget needs a multipart form
  /// (a file input).
  bool is_multipart() const;
  /// Runs full_clean(): field cleaning, then the model's validation (model
  /// field validators, unique and unique_together against the database).
  /// Returns is_valid().
  bool is_valid();
  const FormErrors& errors() const { return errors_; }
  /// Adds an error (field "" for a non-field error), as form.add_error.
  void add_error(const std::string& field, std::string message);
  /// cleaned_data: field name -> value (valid fields only).
  const std::map<std::string, dtl::Value>& cleaned_data() const { return cleaned_; }
  const std::vector<FormField>& fields() const { return fields_; }
  const models::ModelDef& model() const { return *model_; }
  const std::optional<dtl::Value>& instance() const { return instance_; }

  // Rendering (Django 3.2's HTML, byte for byte).
  std::string as_table() const;
  std::string as_p() const;
  std::string as_ul() const;
  /// The widget HTML of a field with its current value (BoundField.as_widget).
  std::string render_widget(const FormField& f) const;
  /// str(BoundField): the widget, then the hidden initial input when the
  /// field has show_hidden_initial (what {{ field }} and as_p print).
  std::string render_field(const FormField& f) const;
  /// BoundField.as_hidden: the value in a HiddenInput; `only_initial` names
  /// it `initial-NAME` with id `initial-id_NAME`.
  std::string render_hidden(const FormField& f, bool only_initial = false) const;
  std::string label_tag(const FormField& f) const;
  /// <ul class="errorlist">...</ul> of a field's errors ("" when none).
  std::string field_errors_html(const std::string& name) const;
  std::string non_field_errors_html() const;
  /// BoundField.value(): the submitted data when bound, else the initial
  /// value through the field's prepare_value (datetimes in TIME_ZONE,
  /// microseconds dropped for the date/time widgets).
  dtl::Value bound_value(const FormField& f) const;
  /// The text the field's widget shows (value() through format_value; a
  /// bound JSON field re-dumps valid JSON and keeps invalid input as typed).
  std::string value_text(const FormField& f) const;
  /// The messages of one field.
  std::vector<std::string> field_errors(const std::string& name) const;

 private:
  void clean_field(const FormField& f);
  /// FileField / ImageField: ClearableFileInput.value_from_datadict then
  /// FileField.clean(data, initial) (form_files.cpp).
  void clean_file_field(const FormField& f);
  /// What the file widget got: the upload (last one under the name), a
  /// clear request (false), FILE_INPUT_CONTRADICTION, or nothing.
  struct FileData {
    enum class Kind { None, Upload, Clear, Contradiction } kind = Kind::None;
    dtl::Value upload;  // uploaded_file_value() when kind == Upload
  };
  FileData file_data(const FormField& f) const;
  std::string render_file_widget(const FormField& f) const;
  void validate_unique();
  enum class RowStyle { Table, Ul, P };
  std::string html_output(RowStyle style) const;

  const ObjectEnv* env_;
  const models::ModelDef* model_;
  std::vector<FormField> fields_;
  std::optional<dtl::Value> instance_;
  QueryDict data_;
  std::shared_ptr<const UploadedFiles> files_;
  bool bound_ = false;
  bool model_validation_ = true;
  FormErrors errors_;
  std::map<std::string, dtl::Value> cleaned_;
};

/// The form as a template value ({{ form }}, {{ form.as_p }}, {% for field in form %},
/// {{ form.title.errors }}, {{ form.non_field_errors }}...). Shares the form.
dtl::Value form_value(std::shared_ptr<const ModelForm> form);

/// The text a field's widget shows for a value (Widget.format_value after
/// the field's prepare_value): DateInput/TimeInput print their part of a
/// datetime, JSON is json.dumps'ed, other values are Python's str().
std::string widget_text(const FormField& f, const dtl::Value& v);

}  // namespace mvt::runserver
