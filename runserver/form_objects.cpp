// Forms as templates see them (Django's Form, BoundField, ErrorList and
// ErrorDict in templates): {{ form }}, {{ form.as_p }}, {% for field in form %},
// {{ field.label_tag }}, {{ field.errors }}, {{ form.non_field_errors }}...
#include "dtl/node.hpp"
#include "runserver/forms.hpp"

namespace mvt::runserver {

namespace {

using FormPtr = std::shared_ptr<const ModelForm>;

/// Django's ErrorList: prints as <ul class="errorlist">, iterates messages.
class ErrorListObject : public dtl::Object {
 public:
  ErrorListObject(std::vector<std::string> messages, bool nonfield)
      : messages_(std::move(messages)), nonfield_(nonfield) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "as_ul") return dtl::Value::safe(str());
    if (name == "as_text") {
      std::string out;
      for (std::size_t i = 0; i < messages_.size(); ++i) out += (i ? "\n* " : "* ") + messages_[i];
      return dtl::Value::string(out);
    }
    if (name == "as_data" || name == "data") return list();
    return std::nullopt;
  }
  std::optional<dtl::Value> item(std::int64_t i) const override {
    if (i < 0 || static_cast<std::size_t>(i) >= messages_.size()) return std::nullopt;
    return dtl::Value::string(messages_[static_cast<std::size_t>(i)]);
  }
  std::string str() const override {
    if (messages_.empty()) return "";
    std::string out = nonfield_ ? "<ul class=\"errorlist nonfield\">" : "<ul class=\"errorlist\">";
    for (const auto& m : messages_) {
      out += "<li>";
      dtl::append_escaped(out, m);
      out += "</li>";
    }
    return out + "</ul>";
  }
  bool is_html() const override { return true; }
  bool truthy() const override { return !messages_.empty(); }
  std::optional<std::size_t> length() const override { return messages_.size(); }
  std::optional<dtl::List> iterate() const override { return list().list_ptr(); }
  std::string type_name() const override { return "ErrorList"; }

 private:
  dtl::Value list() const {
    std::vector<dtl::Value> items;
    for (const auto& m : messages_) items.push_back(dtl::Value::string(m));
    return dtl::Value::list(std::move(items));
  }
  std::vector<std::string> messages_;
  bool nonfield_;
};

dtl::Value error_list(std::vector<std::string> messages, bool nonfield = false) {
  return dtl::Value::object(std::make_shared<ErrorListObject>(std::move(messages), nonfield));
}

/// The form field definition (BoundField.field): required, label, help_text...
class FieldDefObject : public dtl::Object {
 public:
  explicit FieldDefObject(const FormField& f) : f_(f) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "required") return dtl::Value::boolean(f_.required);
    if (name == "label") return dtl::Value::string(f_.label);
    if (name == "help_text") return dtl::Value::string(f_.help_text);
    if (name == "max_length") return f_.max_length ? dtl::Value::integer(*f_.max_length) : dtl::Value::none();
    if (name == "initial") return f_.initial;
    if (name == "choices") {
      std::vector<dtl::Value> out;
      for (const auto& c : f_.choices)
        out.push_back(dtl::Value::list({dtl::Value::string(c.value), dtl::Value::string(c.label)}, true));
      return dtl::Value::list(std::move(out));
    }
    return std::nullopt;
  }
  std::string str() const override { return "<django.forms.fields.Field object>"; }

 private:
  const FormField& f_;
};

class BoundFieldObject : public dtl::Object {
 public:
  BoundFieldObject(FormPtr form, const FormField& f) : form_(std::move(form)), f_(f) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "label") return dtl::Value::string(f_.label);
    if (name == "label_tag") return dtl::Value::safe(form_->label_tag(f_));
    if (name == "errors") return error_list(form_->field_errors(f_.name));
    if (name == "help_text") return dtl::Value::string(f_.help_text);
    if (name == "value") return form_->bound_value(f_);
    if (name == "name" || name == "html_name") return dtl::Value::string(f_.name);
    if (name == "id_for_label" || name == "auto_id") return dtl::Value::string("id_" + f_.name);
    if (name == "is_hidden") return dtl::Value::boolean(false);
    if (name == "field") return dtl::Value::object(std::make_shared<FieldDefObject>(f_));
    if (name == "css_classes") return dtl::Value::string("");
    if (name == "as_widget") return dtl::Value::safe(form_->render_widget(f_));
    if (name == "as_hidden") return dtl::Value::safe(form_->render_hidden(f_));
    if (name == "data") return form_->bound_value(f_);
    if (name == "initial") return f_.initial;
    return std::nullopt;
  }
  std::string str() const override { return form_->render_field(f_); }
  bool is_html() const override { return true; }
  std::string type_name() const override { return "BoundField"; }

 private:
  FormPtr form_;
  const FormField& f_;
};

/// form.errors: ErrorDict.
class ErrorDictObject : public dtl::Object {
 public:
  explicit ErrorDictObject(FormPtr form) : form_(std::move(form)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    std::string key = name == "__all__" ? "" : std::string(name);
    if (name == "items") {
      std::vector<dtl::Value> out;
      for (const auto& [k, msgs] : form_->errors())
        out.push_back(dtl::Value::list({dtl::Value::string(k.empty() ? "__all__" : k), error_list(msgs, k.empty())}, true));
      return dtl::Value::list(std::move(out));
    }
    for (const auto& [k, msgs] : form_->errors())
      if (k == key) return error_list(msgs, k.empty());
    return std::nullopt;
  }
  std::string str() const override {
    if (form_->errors().empty()) return "";
    std::string out = "<ul class=\"errorlist\">";
    for (const auto& [k, msgs] : form_->errors()) {
      out += "<li>";
      dtl::append_escaped(out, k.empty() ? "__all__" : k);
      out += error_list(msgs, k.empty()).str() + "</li>";
    }
    return out + "</ul>";
  }
  bool is_html() const override { return true; }
  bool truthy() const override { return !form_->errors().empty(); }
  std::optional<std::size_t> length() const override { return form_->errors().size(); }
  std::optional<dtl::List> iterate() const override {
    std::vector<dtl::Value> keys;
    for (const auto& [k, _] : form_->errors()) keys.push_back(dtl::Value::string(k.empty() ? "__all__" : k));
    return dtl::Value::list(std::move(keys)).list_ptr();
  }
  std::string type_name() const override { return "ErrorDict"; }

 private:
  FormPtr form_;
};

class FormObject : public dtl::Object {
 public:
  explicit FormObject(FormPtr form) : form_(std::move(form)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "as_p") return dtl::Value::safe(form_->as_p());
    if (name == "as_table") return dtl::Value::safe(form_->as_table());
    if (name == "as_ul") return dtl::Value::safe(form_->as_ul());
    if (name == "errors") return dtl::Value::object(std::make_shared<ErrorDictObject>(form_));
    if (name == "non_field_errors") return error_list(form_->field_errors(""), true);
    if (name == "is_bound") return dtl::Value::boolean(form_->is_bound());
    if (name == "is_multipart") return dtl::Value::boolean(form_->is_multipart());
    if (name == "visible_fields") return fields();
    if (name == "hidden_fields") return dtl::Value::list({});
    if (name == "media") return dtl::Value::safe("");
    if (name == "instance") return form_->instance().value_or(dtl::Value::none());
    if (name == "fields") {
      std::vector<std::pair<std::string, dtl::Value>> items;
      for (const auto& f : form_->fields())
        items.emplace_back(f.name, dtl::Value::object(std::make_shared<FieldDefObject>(f)));
      return dtl::Value::map(std::move(items));
    }
    for (const auto& f : form_->fields())
      if (f.name == name) return dtl::Value::object(std::make_shared<BoundFieldObject>(form_, f));
    return std::nullopt;
  }
  std::string str() const override { return form_->as_table(); }
  bool is_html() const override { return true; }
  std::optional<std::size_t> length() const override { return form_->fields().size(); }
  std::optional<dtl::List> iterate() const override { return fields().list_ptr(); }
  std::string type_name() const override { return "ModelForm"; }

 private:
  dtl::Value fields() const {
    std::vector<dtl::Value> out;
    for (const auto& f : form_->fields()) out.push_back(dtl::Value::object(std::make_shared<BoundFieldObject>(form_, f)));
    return dtl::Value::list(std::move(out));
  }
  FormPtr form_;
};

}  // namespace

dtl::Value form_value(std::shared_ptr<const ModelForm> form) {
  return dtl::Value::object(std::make_shared<FormObject>(std::move(form)));
}

}  // namespace mvt::runserver
