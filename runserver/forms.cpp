// Model forms: building the fields (Field.formfield) and rendering them
// (django/forms/widgets/*.html and Form._html_output) byte for byte.
#include "runserver/forms.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "dtl/node.hpp"
#include "dtl/text.hpp"
#include "dtl/timezone.hpp"
#include "runserver/field_file.hpp"
#include "runserver/field_values.hpp"
#include "runserver/model_save.hpp"

namespace mvt::runserver {

using models::FieldDef;
using models::FieldType;

namespace {

std::string esc(const std::string& s) {
  std::string out;
  dtl::append_escaped(out, s);
  return out;
}

std::string model_value_text(const models::Value& v) {
  switch (v.kind()) {
    case models::Value::Kind::Bool: return v.as_bool() ? "True" : "False";
    case models::Value::Kind::Int: return std::to_string(v.as_int());
    case models::Value::Kind::Float: return models::python_float_repr(v.as_float());
    case models::Value::Kind::Null: return "";
    default: return v.as_string();
  }
}

void add_choices(std::vector<FormChoice>& out, const std::vector<models::Choice>& choices) {
  for (const auto& c : choices) {
    FormChoice fc;
    if (!c.group.empty()) {
      fc.label = c.value.is_string() ? c.value.as_string() : model_value_text(c.value);
      add_choices(fc.group, c.group);
    } else {
      fc.value = model_value_text(c.value);
      fc.label = c.label;
    }
    out.push_back(std::move(fc));
  }
}

/// The default of a model field as the form's initial value (callables called).
dtl::Value default_initial(const FieldDef& f, const ValueSettings& s) {
  if (!f.default_value) return dtl::Value::none();
  const models::Value& v = *f.default_value;
  switch (v.kind()) {
    case models::Value::Kind::Null: return dtl::Value::none();
    case models::Value::Kind::Bool: return dtl::Value::boolean(v.as_bool());
    case models::Value::Kind::Int: return dtl::Value::integer(v.as_int());
    case models::Value::Kind::Float: return dtl::Value::real(v.as_float());
    case models::Value::Kind::Callable: return dtl::Value::none();
    case models::Value::Kind::List:
    case models::Value::Kind::Map: return model_value_to_dtl(v);
    case models::Value::Kind::String:
      try {
        return from_db_value(f, to_db_value(f, dtl::Value::string(v.as_string()), s), s);
      } catch (const std::exception&) {
        return dtl::Value::string(v.as_string());
      }
    default: return dtl::Value::none();
  }
}

/// A callable default called, as the form's initial value (Field.formfield
/// passes the callable; BoundField.initial calls it). timezone.now is aware
/// in UTC (naive local without USE_TZ), date.today the date in TIME_ZONE,
/// uuid4 a UUID (shown dashed), dict and list empty JSON values.
dtl::Value callable_initial(const FieldDef& f, const ValueSettings& s) {
  const std::string& name = f.default_value->as_string();
  const dtl::TimeZone* tz = dtl::TimeZone::locate(s.time_zone);
  if (name == "timezone.now") return dtl::Value::datetime(dtl::now(s.use_tz ? dtl::TimeZone::locate("UTC") : nullptr, tz));
  if (name == "date.today") {
    dtl::DateTime now = dtl::now(s.use_tz ? dtl::TimeZone::locate("UTC") : nullptr, tz);
    return dtl::Value::date((s.use_tz && tz ? dtl::localtime(now, tz) : now).date);
  }
  if (name == "uuid.uuid4") {
    std::string h = field_default(f, s).str();  // 32 hex digits
    return dtl::Value::string(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                              h.substr(20));
  }
  if (name == "dict") return dtl::Value::map({});
  if (name == "list") return dtl::Value::list({});
  return dtl::Value::none();
}

/// json.dumps(value, ensure_ascii=False): Python's separators ", " and ": ".
void append_json_dumps(std::string& out, const dtl::Value& v) {
  switch (v.type()) {
    case dtl::Value::Type::None: out += "null"; return;
    case dtl::Value::Type::Bool: out += v.as_bool() ? "true" : "false"; return;
    case dtl::Value::Type::String: out += nlohmann::json(v.as_string()).dump(); return;
    case dtl::Value::Type::List: {
      out += "[";
      bool first = true;
      for (const auto& e : v.as_list().items) {
        if (!first) out += ", ";
        first = false;
        append_json_dumps(out, e);
      }
      out += "]";
      return;
    }
    case dtl::Value::Type::Map: {
      out += "{";
      bool first = true;
      for (const auto& [k, e] : v.as_map().items) {
        if (!first) out += ", ";
        first = false;
        out += nlohmann::json(k).dump() + ": ";
        append_json_dumps(out, e);
      }
      out += "}";
      return;
    }
    default: out += v.str(); return;  // int, float (Python repr)
  }
}

/// json.dumps of parsed JSON text, with Python's separators (a bound
/// JSONField's bound_data + prepare_value).
void append_json_dumps(std::string& out, const nlohmann::ordered_json& j) {
  if (j.is_object()) {
    out += "{";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += nlohmann::json(it.key()).dump() + ": ";
      append_json_dumps(out, it.value());
    }
    out += "}";
  } else if (j.is_array()) {
    out += "[";
    bool first = true;
    for (const auto& e : j) {
      if (!first) out += ", ";
      first = false;
      append_json_dumps(out, e);
    }
    out += "]";
  } else if (j.is_number_float()) {
    out += models::python_float_repr(j.get<double>());
  } else {
    out += j.dump();
  }
}

/// str(datetime) / str(date) / str(time): what a HiddenInput shows.
std::string python_str(const FormField& f, const dtl::Value& v) {
  if (v.is_datetime()) {
    const dtl::DateTime& dt = v.as_datetime();
    std::string out = format_db_datetime(dt);
    if (dt.aware) {
      int off = dt.utc_offset;
      char sign = off < 0 ? '-' : '+';
      off = off < 0 ? -off : off;
      auto two = [](int n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
      out += sign + two(off / 3600 % 100) + ":" + two(off / 60 % 60);
    }
    return out;
  }
  if (v.is_time()) return format_db_datetime(dtl::DateTime{{}, v.as_time(), false, 0, nullptr}).substr(11);
  return widget_text(f, v);
}

/// str(Decimal(1).scaleb(-places)).lower(): "0.01", "1", "1e-7".
std::string decimal_step(int places) {
  if (places == 0) return "1";
  if (places <= 6) return "0." + std::string(static_cast<std::size_t>(places - 1), '0') + "1";
  return "1e-" + std::to_string(places);
}

}  // namespace

ModelForm::ModelForm(const ObjectEnv& env, const models::ModelDef& model, const std::vector<std::string>& names,
                     std::optional<dtl::Value> instance)
    : env_(&env), model_(&model), instance_(std::move(instance)) {
  const auto& reg = env.data().registry();
  const ValueSettings& vs = env.data().settings();
  for (const auto& name : names) {
    const FieldDef* mf = model.field(name);
    if (!mf) continue;
    FormField f;
    f.name = name;
    f.model_field = mf;
    f.required = !mf->effective_blank();
    f.label = dtl::capfirst(mf->effective_verbose_name());
    f.help_text = mf->help_text;
    f.initial = default_initial(*mf, vs);
    if (mf->default_value && mf->default_value->kind() == models::Value::Kind::Callable) {
      f.initial = callable_initial(*mf, vs);
      f.show_hidden_initial = true;
    }
    if (instance_) {
      const auto& inst = static_cast<const ModelInstance&>(instance_->as_object());
      if (mf->many_to_many()) {
        std::vector<dtl::Value> keys;
        if (auto all = inst.resolve(name)->as_object().resolve("all"))
          if (auto items = all->iterate())
            for (const auto& item : (*items)->items)
              keys.push_back(static_cast<const ModelInstance&>(item.as_object()).field_value(
                  *static_cast<const ModelInstance&>(item.as_object()).model().pk()));
        f.initial = dtl::Value::list(std::move(keys));
      } else if (mf->is_relation()) {
        const FieldDef* target = reg.target_field(*mf);
        f.initial = from_db_value(target ? *target : *mf, inst.raw(*mf), vs);
      } else if (mf->type == FieldType::FileField || mf->type == FieldType::ImageField) {
        f.initial = field_file_value(name, inst.field_value(*mf), vs);  // model_to_dict: the FieldFile
      } else {
        f.initial = inst.field_value(*mf);
      }
    }
    if (mf->choices && !mf->is_relation()) {
      f.kind = FormFieldKind::TypedChoice;
      f.widget = WidgetKind::Select;
      bool include_blank = mf->effective_blank() || !(mf->has_default() || instance_);
      if (include_blank) f.choices.push_back({"", "---------", {}});
      add_choices(f.choices, *mf->choices);
      f.empty_value_none = mf->null;
      fields_.push_back(std::move(f));
      continue;
    }
    auto number = [&](const char* min, const char* max) {
      f.kind = FormFieldKind::Integer;
      f.widget = WidgetKind::NumberInput;
      if (min) {
        f.min_value = min;
        f.attrs.emplace_back("min", min);
      }
      if (max) {
        f.max_value = max;
        f.attrs.emplace_back("max", max);
      }
    };
    switch (mf->type) {
      case FieldType::FileField:
      case FieldType::ImageField:
        // forms.FileField / ImageField (max_length checks the file name;
        // no maxlength attribute), ClearableFileInput; ImageField.widget_attrs
        // adds accept="image/*".
        f.kind = mf->type == FieldType::ImageField ? FormFieldKind::Image : FormFieldKind::File;
        f.widget = WidgetKind::ClearableFileInput;
        f.max_length = mf->effective_max_length();
        if (mf->type == FieldType::ImageField) f.attrs.emplace_back("accept", "image/*");
        break;
      case FieldType::CharField:
      case FieldType::TextField:
        f.kind = FormFieldKind::Char;
        f.widget = mf->type == FieldType::TextField ? WidgetKind::Textarea : WidgetKind::TextInput;
        if (auto ml = mf->effective_max_length()) {
          f.max_length = *ml;
          if (mf->type != FieldType::TextField || mf->max_length) f.attrs.emplace_back("maxlength", std::to_string(*ml));
        }
        f.empty_value_none = mf->null;
        if (mf->type == FieldType::TextField) {
          f.attrs.insert(f.attrs.begin(), {{"cols", "40"}, {"rows", "10"}});
        }
        break;
      case FieldType::SlugField:
      case FieldType::EmailField:
      case FieldType::URLField:
        f.kind = mf->type == FieldType::SlugField ? FormFieldKind::Slug
                 : mf->type == FieldType::EmailField ? FormFieldKind::Email
                                                    : FormFieldKind::URL;
        f.widget = mf->type == FieldType::EmailField ? WidgetKind::EmailInput
                   : mf->type == FieldType::URLField ? WidgetKind::URLInput
                                                     : WidgetKind::TextInput;
        if (auto ml = mf->effective_max_length()) {
          f.max_length = *ml;
          f.attrs.emplace_back("maxlength", std::to_string(*ml));
        }
        f.empty_value_none = mf->null;
        break;
      case FieldType::IntegerField:
      case FieldType::SmallIntegerField:
      case FieldType::AutoField:
      case FieldType::SmallAutoField:
        number(nullptr, nullptr);
        break;
      case FieldType::BigIntegerField:
      case FieldType::BigAutoField:
        number("-9223372036854775808", "9223372036854775807");
        break;
      case FieldType::PositiveIntegerField:
      case FieldType::PositiveSmallIntegerField:
        number("0", nullptr);
        break;
      case FieldType::PositiveBigIntegerField:
        number("0", "9223372036854775807");
        break;
      case FieldType::FloatField:
        f.kind = FormFieldKind::Float;
        f.widget = WidgetKind::NumberInput;
        f.attrs.emplace_back("step", "any");
        break;
      case FieldType::DecimalField:
        f.kind = FormFieldKind::Decimal;
        f.widget = WidgetKind::NumberInput;
        f.max_digits = mf->max_digits;
        f.decimal_places = mf->decimal_places;
        f.attrs.emplace_back("step", mf->decimal_places ? decimal_step(*mf->decimal_places) : "any");
        break;
      case FieldType::BooleanField:
        f.kind = mf->null ? FormFieldKind::NullBoolean : FormFieldKind::Boolean;
        f.widget = mf->null ? WidgetKind::NullBooleanSelect : WidgetKind::CheckboxInput;
        f.required = false;
        break;
      case FieldType::DateField: f.kind = FormFieldKind::Date; f.widget = WidgetKind::DateInput; break;
      case FieldType::DateTimeField: f.kind = FormFieldKind::DateTime; f.widget = WidgetKind::DateTimeInput; break;
      case FieldType::TimeField: f.kind = FormFieldKind::Time; f.widget = WidgetKind::TimeInput; break;
      case FieldType::DurationField: f.kind = FormFieldKind::Duration; break;
      case FieldType::UUIDField: f.kind = FormFieldKind::UUID; break;
      case FieldType::JSONField:
        f.kind = FormFieldKind::JSON;
        f.widget = WidgetKind::Textarea;
        f.attrs = {{"cols", "40"}, {"rows", "10"}};
        break;
      case FieldType::GenericIPAddressField:
        f.kind = FormFieldKind::GenericIP;
        f.empty_value_none = mf->null;
        break;
      case FieldType::BinaryField: break;
      case FieldType::ForeignKey:
      case FieldType::OneToOneField:
      case FieldType::ManyToManyField: {
        bool multiple = mf->many_to_many();
        f.kind = multiple ? FormFieldKind::ModelMultipleChoice : FormFieldKind::ModelChoice;
        f.widget = multiple ? WidgetKind::SelectMultiple : WidgetKind::Select;
        const models::ModelDef* target = reg.related_model(*mf);
        const FieldDef* key = multiple ? (target ? target->pk() : nullptr) : reg.target_field(*mf);
        if (!multiple && !(f.required && !f.initial.is_none())) f.choices.push_back({"", "---------", {}});
        if (target && key) {
          auto batch = run_query(env, db::QuerySet(reg, *target));
          int col = batch->column_of(*key);
          for (std::size_t i = 0; i < batch->rows.size(); ++i)
            f.choices.push_back({batch->rows[i][static_cast<std::size_t>(col)].to_text(), make_instance(batch, i).str(), {}});
        }
        break;
      }
    }
    fields_.push_back(std::move(f));
  }
}

std::string widget_text(const FormField& f, const dtl::Value& v) {
  if (v.is_none()) return f.kind == FormFieldKind::JSON ? "null" : "";
  if (v.is_datetime() && f.model_field) {
    // The widgets' formats: '%Y-%m-%d %H:%M:%S', '%Y-%m-%d', '%H:%M:%S'.
    std::string s = format_db_datetime(v.as_datetime());
    if (f.widget == WidgetKind::DateInput) return s.substr(0, 10);
    if (f.widget == WidgetKind::TimeInput) return s.substr(11, 8);
    return s.substr(0, 19);
  }
  if (f.kind == FormFieldKind::JSON) {  // JSONField.prepare_value: json.dumps (None shows as null)
    std::string out;
    append_json_dumps(out, v);
    return out;
  }
  if (v.is_time()) return format_db_datetime(dtl::DateTime{{}, v.as_time(), false, 0, nullptr}).substr(11, 8);
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  return v.str();
}

dtl::Value ModelForm::bound_value(const FormField& f) const {
  if (!bound_) {
    dtl::Value v = f.initial;
    bool temporal_widget =
        f.widget == WidgetKind::DateInput || f.widget == WidgetKind::DateTimeInput || f.widget == WidgetKind::TimeInput;
    if (v.is_datetime() && temporal_widget) {
      dtl::DateTime dt = v.as_datetime();
      dt.time.microsecond = 0;  // BoundField.initial: these widgets show no microseconds
      if (f.kind == FormFieldKind::DateTime && dt.aware) {
        // DateTimeField.prepare_value: to_current_timezone (naive, in TIME_ZONE).
        const ValueSettings& s = env_->data().settings();
        if (const dtl::TimeZone* tz = dtl::TimeZone::locate(s.time_zone)) dt = dtl::localtime(dt, tz);
        dt.aware = false;
        dt.utc_offset = 0;
        dt.zone = nullptr;
      }
      v = dtl::Value::datetime(dt);
    } else if (v.is_time() && temporal_widget) {
      dtl::Time t = v.as_time();
      t.microsecond = 0;
      v = dtl::Value::time(t);
    }
    return v;
  }
  switch (f.widget) {
    case WidgetKind::ClearableFileInput: {
      // FileField.bound_data: the upload, False for a clear, else the initial file.
      FileData d = file_data(f);
      if (d.kind == FileData::Kind::Upload) return d.upload;
      if (d.kind == FileData::Kind::Clear) return dtl::Value::boolean(false);
      return f.initial;
    }
    case WidgetKind::CheckboxInput: {
      if (!data_.contains(f.name)) return dtl::Value::boolean(false);
      std::string v = dtl::py_lower(*data_.get(f.name));
      return dtl::Value::boolean(!(v == "false" || v.empty()));
    }
    case WidgetKind::SelectMultiple: {
      std::vector<dtl::Value> vals;
      for (const auto& v : data_.getlist(f.name)) vals.push_back(dtl::Value::string(v));
      return dtl::Value::list(std::move(vals));
    }
    default: {
      auto v = data_.get(f.name);
      return v ? dtl::Value::string(*v) : dtl::Value::none();
    }
  }
}

std::string ModelForm::value_text(const FormField& f) const {
  if (bound_ && f.kind == FormFieldKind::JSON) {
    // JSONField.bound_data: valid JSON is parsed (and dumped again by
    // prepare_value), anything else is shown as typed (InvalidJSONInput).
    auto raw = data_.get(f.name);
    if (!raw) return "null";
    auto j = nlohmann::ordered_json::parse(*raw, nullptr, false);
    if (j.is_discarded()) return *raw;
    std::string out;
    append_json_dumps(out, j);
    return out;
  }
  return widget_text(f, bound_value(f));
}

std::string ModelForm::render_widget(const FormField& f) const {
  if (f.widget == WidgetKind::ClearableFileInput) return render_file_widget(f);
  const dtl::Value value = bound_value(f);
  const std::string id = "id_" + f.name;
  std::string attrs;
  for (const auto& [k, v] : f.attrs) attrs += v == kBareAttr ? " " + k : " " + k + "=\"" + esc(v) + "\"";
  bool select = f.widget == WidgetKind::Select || f.widget == WidgetKind::SelectMultiple ||
                f.widget == WidgetKind::NullBooleanSelect;
  bool required_attr = f.required && f.widget != WidgetKind::CheckboxInput;
  if (f.widget == WidgetKind::Select && required_attr)  // Select.use_required_attribute: first choice must be empty
    required_attr = !f.choices.empty() && f.choices.front().value.empty() && f.choices.front().group.empty();
  if (required_attr) attrs += " required";
  attrs += " id=\"" + id + "\"";

  if (select) {
    std::vector<FormChoice> choices = f.choices;
    if (f.widget == WidgetKind::NullBooleanSelect)
      choices = {{"unknown", "Unknown", {}}, {"true", "Yes", {}}, {"false", "No", {}}};
    std::vector<std::string> selected;
    if (value.is_list()) {
      for (const auto& v : value.as_list().items) selected.push_back(widget_text(f, v));
    } else if (f.widget == WidgetKind::NullBooleanSelect) {
      std::string t = value.is_none() ? "" : dtl::py_lower(widget_text(f, value));
      selected.push_back(t == "true" || t == "2" ? "true" : t == "false" || t == "3" ? "false" : "unknown");
    } else {
      selected.push_back(widget_text(f, value));
    }
    std::string out = "<select name=\"" + esc(f.name) + "\"" + attrs +
                      (f.widget == WidgetKind::SelectMultiple ? " multiple" : "") + ">";
    bool has_selected = false;  // a single select marks only its first match
    auto option = [&](const FormChoice& c) {
      bool sel = std::find(selected.begin(), selected.end(), c.value) != selected.end() &&
                 (f.widget == WidgetKind::SelectMultiple || !has_selected);
      if (sel) has_selected = true;
      return "\n  <option value=\"" + esc(c.value) + "\"" + (sel ? " selected" : "") + ">" + esc(c.label) +
             "</option>\n";
    };
    for (const auto& c : choices) {
      if (!c.group.empty()) {
        out += "\n  <optgroup label=\"" + esc(c.label) + "\">";
        for (const auto& g : c.group) out += option(g);
        out += "\n  </optgroup>";
      } else {
        out += option(c);
      }
    }
    return out + "\n</select>";
  }
  std::string text = value_text(f);
  if (f.widget == WidgetKind::Textarea)
    return "<textarea name=\"" + esc(f.name) + "\"" + attrs + ">\n" + esc(text) + "</textarea>";
  if (f.widget == WidgetKind::CheckboxInput) {
    bool checked = value.truthy();
    return "<input type=\"checkbox\" name=\"" + esc(f.name) + "\"" + attrs + (checked ? " checked" : "") + ">";
  }
  if (f.widget == WidgetKind::PasswordInput)  // PasswordInput(render_value=False)
    return "<input type=\"password\" name=\"" + esc(f.name) + "\"" + attrs + ">";
  const char* type = f.widget == WidgetKind::NumberInput  ? "number"
                     : f.widget == WidgetKind::EmailInput ? "email"
                     : f.widget == WidgetKind::URLInput   ? "url"
                                                          : "text";
  std::string out = "<input type=\"" + std::string(type) + "\" name=\"" + esc(f.name) + "\"";
  if (!text.empty()) out += " value=\"" + esc(text) + "\"";
  return out + attrs + ">";
}

std::string ModelForm::render_hidden(const FormField& f, bool only_initial) const {
  // HiddenInput: no widget attrs of the field, never `required`.
  std::string out = "<input type=\"hidden\" name=\"" + std::string(only_initial ? "initial-" : "") + esc(f.name) + "\"";
  std::string text = bound_ || f.kind == FormFieldKind::JSON ? value_text(f) : python_str(f, bound_value(f));
  if (!text.empty()) out += " value=\"" + esc(text) + "\"";
  return out + " id=\"" + (only_initial ? "initial-id_" : "id_") + esc(f.name) + "\">";
}

std::string ModelForm::render_field(const FormField& f) const {
  if (!f.show_hidden_initial) return render_widget(f);
  return render_widget(f) + render_hidden(f, true);
}

std::string ModelForm::label_tag(const FormField& f) const {
  std::string label = esc(f.label);
  if (!label.empty() && std::string(":?.!").find(label.back()) == std::string::npos) label += ":";
  return "<label for=\"id_" + esc(f.name) + "\">" + label + "</label>";
}

std::vector<std::string> ModelForm::field_errors(const std::string& name) const {
  for (const auto& [n, msgs] : errors_)
    if (n == name) return msgs;
  return {};
}

static std::string error_list(const std::vector<std::string>& msgs, const char* cls) {
  if (msgs.empty()) return "";
  std::string out = std::string("<ul class=\"") + cls + "\">";
  for (const auto& m : msgs) out += "<li>" + esc(m) + "</li>";
  return out + "</ul>";
}

std::string ModelForm::field_errors_html(const std::string& name) const {
  return error_list(field_errors(name), "errorlist");
}

std::string ModelForm::non_field_errors_html() const { return error_list(field_errors(""), "errorlist nonfield"); }

void ModelForm::add_error(const std::string& field, std::string message) {
  for (auto& [n, msgs] : errors_)
    if (n == field) {
      msgs.push_back(std::move(message));
      return;
    }
  errors_.emplace_back(field, std::vector<std::string>{std::move(message)});
  cleaned_.erase(field);
}

std::string ModelForm::html_output(RowStyle style) const {
  // Form._html_output with as_table / as_ul / as_p's row formats; built by
  // concatenation so that no user text is ever read as a format.
  std::vector<std::string> output;
  for (const auto& f : fields_) {
    std::string errors = field_errors_html(f.name);
    std::string label = f.label.empty() ? "" : label_tag(f);
    std::string widget = render_field(f);
    switch (style) {
      case RowStyle::Table:
        output.push_back("<tr><th>" + label + "</th><td>" + errors + widget +
                         (f.help_text.empty() ? "" : "<br><span class=\"helptext\">" + f.help_text + "</span>") +
                         "</td></tr>");
        break;
      case RowStyle::Ul:
        output.push_back("<li>" + errors + label + " " + widget +
                         (f.help_text.empty() ? "" : " <span class=\"helptext\">" + f.help_text + "</span>") + "</li>");
        break;
      case RowStyle::P:
        if (!errors.empty()) output.push_back(errors);
        output.push_back("<p>" + label + " " + widget +
                         (f.help_text.empty() ? "" : " <span class=\"helptext\">" + f.help_text + "</span>") + "</p>");
        break;
    }
  }
  std::string top = non_field_errors_html();
  if (!top.empty()) {
    std::string row = style == RowStyle::Table ? "<tr><td colspan=\"2\">" + top + "</td></tr>"
                      : style == RowStyle::Ul  ? "<li>" + top + "</li>"
                                               : top;
    output.insert(output.begin(), row);
  }
  std::string out;
  for (std::size_t i = 0; i < output.size(); ++i) out += (i ? "\n" : "") + output[i];
  return out;
}

std::string ModelForm::as_table() const { return html_output(RowStyle::Table); }
std::string ModelForm::as_ul() const { return html_output(RowStyle::Ul); }
std::string ModelForm::as_p() const { return html_output(RowStyle::P); }

}  // namespace mvt::runserver
