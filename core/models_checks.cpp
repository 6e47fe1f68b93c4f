#include "core/models_checks.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace mvt::models {

namespace {

class Checker {
 public:
  explicit Checker(const ModelRegistry& r) : reg_(r) {}

  std::vector<ModelIssue> run() {
    for (const ModelDef* m : reg_.models()) check_model(*m);
    check_global();
    return std::move(issues_);
  }

 private:
  const ModelRegistry& reg_;
  std::vector<ModelIssue> issues_;

  void add(CheckLevel level, const std::string& obj, const std::string& id, const std::string& msg,
           const SourceLocation& loc, const std::string& hint = "") {
    ModelIssue i;
    i.check.level = level;
    i.check.obj = obj;
    i.check.id = id;
    i.check.msg = msg;
    i.check.hint = hint;
    i.loc = loc;
    issues_.push_back(std::move(i));
  }
  void error(const std::string& obj, const std::string& id, const std::string& msg, const SourceLocation& loc,
             const std::string& hint = "") {
    add(CheckLevel::Error, obj, id, msg, loc, hint);
  }

  static SourceLocation opt_loc(const FieldDef& f, const std::string& opt) {
    const SourceLocation* l = f.option_loc(opt);
    return l ? *l : f.loc;
  }

  void check_field(const ModelDef& m, const FieldDef& f) {
    const std::string obj = m.label() + "." + f.name;
    if (!f.name.empty() && f.name.back() == '_') {
      error(obj, "fields.E001", "Field names must not end with an underscore.", f.loc);
    } else if (f.name.find("__") != std::string::npos) {
      error(obj, "fields.E002", "Field names must not contain \"__\".", f.loc);
    } else if (f.name == "pk") {
      error(obj, "fields.E003", "'pk' is a reserved word that cannot be used as a field name.", f.loc);
    }
    if (f.choices && f.effective_max_length() &&
        (f.type == FieldType::CharField || f.type == FieldType::SlugField || f.type == FieldType::EmailField ||
         f.type == FieldType::URLField)) {
      std::size_t longest = 0;
      std::function<void(const std::vector<Choice>&)> walk = [&](const std::vector<Choice>& cs) {
        for (const auto& c : cs) {
          if (!c.group.empty()) walk(c.group);
          else if (c.value.is_string()) longest = std::max(longest, c.value.as_string().size());
        }
      };
      walk(*f.choices);
      if (static_cast<int>(longest) > *f.effective_max_length())
        error(obj, "fields.E009",
              "'max_length' is too small to fit the longest value in 'choices' (" + std::to_string(longest) +
                  " characters).",
              opt_loc(f, "max_length"));
    }
    if (f.primary_key && f.null)
      error(obj, "fields.E007", "Primary keys must not have null=True.", opt_loc(f, "null"),
            "Set null=False on the field, or remove primary_key=True argument.");
    switch (f.type) {
      case FieldType::CharField:
        if (!f.max_length)
          error(obj, "fields.E120", "CharFields must define a 'max_length' attribute.", f.loc);
        else if (*f.max_length <= 0)
          error(obj, "fields.E121", "'max_length' must be a positive integer.", opt_loc(f, "max_length"));
        break;
      case FieldType::SlugField: case FieldType::EmailField: case FieldType::URLField:
      case FieldType::FileField: case FieldType::ImageField:
        if (f.max_length && *f.max_length <= 0)
          error(obj, "fields.E121", "'max_length' must be a positive integer.", opt_loc(f, "max_length"));
        break;
      case FieldType::DecimalField: {
        bool dp_ok = false, md_ok = false;
        if (!f.decimal_places)
          error(obj, "fields.E130", "DecimalFields must define a 'decimal_places' attribute.", f.loc);
        else if (*f.decimal_places < 0)
          error(obj, "fields.E131", "'decimal_places' must be a non-negative integer.", opt_loc(f, "decimal_places"));
        else dp_ok = true;
        if (!f.max_digits)
          error(obj, "fields.E132", "DecimalFields must define a 'max_digits' attribute.", f.loc);
        else if (*f.max_digits <= 0)
          error(obj, "fields.E133", "'max_digits' must be a positive integer.", opt_loc(f, "max_digits"));
        else md_ok = true;
        if (dp_ok && md_ok && *f.decimal_places > *f.max_digits)
          error(obj, "fields.E134", "'max_digits' must be greater or equal to 'decimal_places'.",
                opt_loc(f, "max_digits"));
        break;
      }
      case FieldType::DateField: case FieldType::DateTimeField: case FieldType::TimeField: {
        int n = (f.auto_now ? 1 : 0) + (f.auto_now_add ? 1 : 0) + (f.has_default() ? 1 : 0);
        if (n > 1)
          error(obj, "fields.E160",
                "The options auto_now, auto_now_add, and default are mutually exclusive. Only one of these "
                "options may be present.",
                f.loc);
        break;
      }
      case FieldType::JSONField:
        // CheckFieldDefaultMixin._check_default (a Warning with an E id, as Django's).
        if (f.has_default() && !f.default_value->is_null() && f.default_value->kind() != Value::Kind::Callable)
          add(CheckLevel::Warning, obj, "fields.E010",
              "JSONField default should be a callable instead of an instance so that it's not shared between all "
              "field instances.",
              opt_loc(f, "default"), "Use a callable instead, e.g., use `dict` instead of `{}`.");
        break;
      case FieldType::GenericIPAddressField:
        if (f.blank && !f.null)
          error(obj, "fields.E150",
                "GenericIPAddressFields cannot have blank=True if null=False, as blank values are stored as "
                "nulls.",
                opt_loc(f, "blank"));
        break;
      case FieldType::AutoField: case FieldType::BigAutoField: case FieldType::SmallAutoField:
        if (!f.primary_key)
          error(obj, "fields.E100", "AutoFields must set primary_key=True.", f.loc);
        break;
      case FieldType::IntegerField: case FieldType::BigIntegerField: case FieldType::SmallIntegerField:
      case FieldType::PositiveIntegerField: case FieldType::PositiveSmallIntegerField:
      case FieldType::PositiveBigIntegerField:
        if (f.max_length)
          add(CheckLevel::Warning, obj, "fields.W122",
              std::string("'max_length' is ignored when used with ") + f.type_name() + ".",
              opt_loc(f, "max_length"), "Remove 'max_length' from field");
        break;
      default:
        break;
    }
    if (f.is_relation()) check_relation(m, f, obj);
  }

  void check_relation(const ModelDef& m, const FieldDef& f, const std::string& obj) {
    const ModelDef* target = reg_.related_model(f);
    if (!target) {
      auto [app, name] = split_label(f.to, m.app_label);
      std::vector<std::string> labels;
      for (const ModelDef* o : reg_.models()) labels.push_back(app == m.app_label ? o->name : o->label());
      for (const ModelDef* o : reg_.models()) labels.push_back(o->label());
      std::string wanted = app == m.app_label ? name : f.to;
      std::string guess = closest_match(wanted, labels);
      error(obj, "fields.E300",
            "Field defines a relation with model '" + (app == m.app_label ? name : f.to) +
                "', which is either not installed, or is abstract.",
            opt_loc(f, "to"), guess.empty() ? "" : "Did you mean '" + guess + "'?");
      // Django's _check_lazy_references: the pending lazy reference of the
      // field (and of an auto-created M2M table's column) to the missing model.
      bool app_known = app == m.app_label;
      for (const ModelDef* o : reg_.models()) app_known = app_known || o->app_label == app;
      const std::string key = app + "." + lower(name);
      const std::string model_error = app_known ? "app '" + app + "' doesn't provide model '" + lower(name) + "'"
                                                : "app '" + app + "' isn't installed";
      auto lazy = [&](const std::string& field) {
        error(field, "fields.E307",
              "The field " + field + " was declared with a lazy reference to '" + key + "', but " + model_error + ".",
              opt_loc(f, "to"));
      };
      lazy(obj);
      if (f.many_to_many() && !f.through) lazy(m.label() + "_" + f.name + "." + lower(name));
      return;
    }
    if (f.many_to_many()) {
      if (f.unique) error(obj, "fields.E330", "ManyToManyFields cannot be unique.", opt_loc(f, "unique"));
      if (f.option_loc("null"))
        add(CheckLevel::Warning, obj, "fields.W340", "null has no effect on ManyToManyField.", opt_loc(f, "null"));
      if (f.through && !reg_.get(*f.through))
        error(obj, "fields.E331",
              "Field specifies a many-to-many relation through model '" + *f.through +
                  "', which has not been installed.",
              opt_loc(f, "through"));
    } else {
      if (f.on_delete == "SET_NULL" && !f.null)
        error(obj, "fields.E320", "Field specifies on_delete=SET_NULL, but cannot be null.", opt_loc(f, "on_delete"),
              "Set null=True argument on the field, or change the on_delete rule.");
      else if (f.on_delete == "SET_DEFAULT" && !f.has_default())
        error(obj, "fields.E321", "Field specifies on_delete=SET_DEFAULT, but has no default value.",
              opt_loc(f, "on_delete"), "Set a default value, or change the on_delete rule.");
      if (f.type == FieldType::ForeignKey && f.unique)
        add(CheckLevel::Warning, obj, "fields.W342",
            "Setting unique=True on a ForeignKey has the same effect as using a OneToOneField.",
            opt_loc(f, "unique"), "ForeignKey(unique=True) is usually better served by a OneToOneField.");
      if (f.to_field) {
        const FieldDef* tf = target->field(*f.to_field);
        if (!tf) {
          error(obj, "fields.E312",
                "The to_field '" + *f.to_field + "' doesn't exist on the related model '" + target->label() + "'.",
                opt_loc(f, "to_field"));
        } else if (!tf->effective_unique()) {
          bool together = false;
          for (const auto& ut : target->options.unique_together)
            if (ut.size() == 1 && ut[0] == tf->name) together = true;
          for (const auto& c : target->options.constraints)
            if (c.kind == ConstraintDef::Kind::Unique && c.condition.empty() && c.fields.size() == 1 &&
                c.fields[0] == tf->name)
              together = true;
          if (!together)
            error(obj, "fields.E311",
                  "'" + target->name + "." + tf->name + "' must be unique because it is referenced by a foreign key.",
                  opt_loc(f, "to_field"),
                  "Add unique=True to this field or add a UniqueConstraint (without condition) in the model "
                  "Meta.constraints.");
        }
      }
    }
    check_clashes(m, f, *target);
  }

  void check_clashes(const ModelDef& m, const FieldDef& f, const ModelDef& target) {
    RelatedObject self_rel;
    bool found = false;
    auto rels = reg_.related_objects(target);
    for (const auto& r : rels)
      if (r.field == &f) {
        self_rel = r;
        found = true;
      }
    if (!found) return;
    const bool hidden = f.related_name && !f.related_name->empty() && f.related_name->back() == '+';
    const std::string rel_name = self_rel.accessor_name;
    const std::string rel_query = self_rel.query_name;
    const std::string field_name = m.label() + "." + f.name;
    const std::string obj = field_name;
    if (!rel_query.empty() && rel_query.back() == '_')
      error(obj, "fields.E306", "Reverse query name '" + rel_query + "' must not end with an underscore.", f.loc,
            "Add or change a related_name or related_query_name argument for this field.");
    else if (rel_query.find("__") != std::string::npos)
      error(obj, "fields.E308", "Reverse query name '" + rel_query + "' must not contain '__'.", f.loc,
            "Add or change a related_name or related_query_name argument for this field.");
    for (const auto& clash : target.fields) {
      std::string clash_name = target.label() + "." + clash.name;
      if (!hidden && !rel_name.empty() && clash.name == rel_name)
        error(obj, "fields.E302",
              "Reverse accessor for '" + field_name + "' clashes with field name '" + clash_name + "'.", f.loc,
              "Rename field '" + clash_name + "', or add/change a related_name argument to the definition for "
              "field '" + field_name + "'.");
      if (clash.name == rel_query)
        error(obj, "fields.E303",
              "Reverse query name for '" + field_name + "' clashes with field name '" + clash_name + "'.", f.loc,
              "Rename field '" + clash_name + "', or add/change a related_name argument to the definition for "
              "field '" + field_name + "'.");
    }
    for (const auto& r : rels) {
      if (r.field == &f) continue;
      bool r_hidden = r.field->related_name && !r.field->related_name->empty() && r.field->related_name->back() == '+';
      if (r_hidden && !r.field->many_to_many()) continue;
      std::string clash_name = r.model->label() + "." + r.field->name;
      if (!hidden && !rel_name.empty() && r.accessor_name == rel_name)
        error(obj, "fields.E304",
              "Reverse accessor for '" + field_name + "' clashes with reverse accessor for '" + clash_name + "'.",
              f.loc,
              "Add or change a related_name argument to the definition for '" + field_name + "' or '" +
                  clash_name + "'.");
      if (!r.accessor_name.empty() && r.accessor_name == rel_query)  // as Django 3.2: the other's accessor
        error(obj, "fields.E305",
              "Reverse query name for '" + field_name + "' clashes with reverse query name for '" + clash_name +
                  "'.",
              f.loc,
              "Add or change a related_name argument to the definition for '" + field_name + "' or '" +
                  clash_name + "'.");
    }
  }

  void check_local_fields(const ModelDef& m, const std::vector<std::string>& names, const std::string& option,
                          const SourceLocation& loc) {
    for (const auto& n : names) {
      const FieldDef* f = m.field(n);
      if (!f) {
        for (const auto& g : m.fields)
          if (g.attname() == n) f = &g;
      }
      if (!f)
        error(m.label(), "models.E012", "'" + option + "' refers to the nonexistent field '" + n + "'.", loc);
      else if (f->many_to_many())
        error(m.label(), "models.E013",
              "'" + option + "' refers to a ManyToManyField '" + n + "', but ManyToManyFields are not permitted in '" +
                  option + "'.",
              loc);
    }
  }

  void check_ordering(const ModelDef& m) {
    if (!m.options.ordering) return;
    for (std::string o : *m.options.ordering) {
      if (o == "?") continue;
      if (!o.empty() && o[0] == '-') o = o.substr(1);
      if (o == "pk") continue;
      bool ok = true;
      if (o.find("__") == std::string::npos) {
        ok = m.field(o) != nullptr;
        if (!ok)
          for (const auto& f : m.fields)
            if (f.attname() == o) ok = true;
        if (!ok)
          for (const auto& r : reg_.related_objects(m))
            if (r.query_name == o) ok = true;
      } else {
        const ModelDef* cur = &m;
        std::size_t start = 0;
        while (cur) {
          std::size_t sep = o.find("__", start);
          std::string part = o.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
          const FieldDef* f = part == "pk" ? cur->pk() : cur->field(part);
          if (!f) {
            ok = false;
            break;
          }
          if (sep == std::string::npos) break;
          start = sep + 2;
          cur = f->is_relation() ? reg_.related_model(*f) : nullptr;  // lookups/transforms after a plain field
        }
      }
      if (!ok)
        error(m.label(), "models.E015",
              "'ordering' refers to the nonexistent field, related field, or lookup '" + o + "'.", m.loc);
    }
  }

  void check_model(const ModelDef& m) {
    for (const auto& f : m.fields) check_field(m, f);
    const FieldDef* id = m.field("id");
    const FieldDef* pk = m.pk();
    if (id && !id->primary_key && (!pk || pk->name == "id"))
      error(m.label(), "models.E004", "'id' can only be used as a field name if the field also sets "
                                      "'primary_key=True'.", id->loc);
    int pks = static_cast<int>(std::count_if(m.fields.begin(), m.fields.end(),
                                             [](const FieldDef& f) { return f.primary_key; }));
    if (pks > 1)
      error(m.label(), "models.E026", "The model cannot have more than one field with 'primary_key=True'.", m.loc);
    for (const auto& ut : m.options.unique_together) check_local_fields(m, ut, "unique_together", m.loc);
    for (const auto& idx : m.options.indexes) {
      const SourceLocation& loc = idx.loc.known() ? idx.loc : m.loc;
      if (!idx.name.empty() && (idx.name[0] == '_' || std::isdigit(static_cast<unsigned char>(idx.name[0]))))
        error(m.label(), "models.E033",
              "The index name '" + idx.name + "' cannot start with an underscore or a number.", loc);
      if (idx.name.size() > 30)
        error(m.label(), "models.E034", "The index name '" + idx.name + "' cannot be longer than 30 characters.",
              loc);
      std::vector<std::string> names;
      for (const auto& fn : idx.fields) names.push_back(!fn.empty() && fn[0] == '-' ? fn.substr(1) : fn);
      check_local_fields(m, names, "indexes", loc);
    }
    for (const auto& c : m.options.constraints) {
      const SourceLocation& loc = c.loc.known() ? c.loc : m.loc;
      if (c.kind == ConstraintDef::Kind::Unique) check_local_fields(m, c.fields, "constraints", loc);
    }
    check_ordering(m);
  }

  void check_global() {
    std::map<std::string, std::vector<const ModelDef*>> tables;
    std::map<std::string, std::set<std::string>> index_names, constraint_names;
    std::map<std::string, SourceLocation> index_locs, constraint_locs;
    for (const ModelDef* m : reg_.models()) {
      tables[m->db_table()].push_back(m);
      for (const auto& i : m->options.indexes) {
        index_names[i.name].insert(m->label());
        index_locs.emplace(i.name, i.loc.known() ? i.loc : m->loc);
      }
      for (const auto& c : m->options.constraints) {
        constraint_names[c.name].insert(m->label());
        constraint_locs.emplace(c.name, c.loc.known() ? c.loc : m->loc);
      }
    }
    for (const auto& [table, models] : tables) {
      if (models.size() < 2) continue;
      std::vector<std::string> labels;
      for (const ModelDef* m : models) labels.push_back(m->label());
      std::sort(labels.begin(), labels.end());
      std::string list;
      for (std::size_t i = 0; i < labels.size(); ++i) list += (i ? ", " : "") + labels[i];
      error(table, "models.E028", "db_table '" + table + "' is used by multiple models: " + list + ".",
            models.back()->loc);
    }
    auto dup = [&](const std::map<std::string, std::set<std::string>>& names,
                   const std::map<std::string, SourceLocation>& locs, const std::string& what, const char* single,
                   const char* multi) {
      for (const auto& [name, labels] : names) {
        if (name.empty()) continue;
        std::size_t count = 0;
        for (const ModelDef* m : reg_.models()) {
          if (what == "index") {
            for (const auto& i : m->options.indexes) count += i.name == name;
          } else {
            for (const auto& c : m->options.constraints) count += c.name == name;
          }
        }
        if (count < 2) continue;
        std::string list;
        for (const auto& l : labels) list += (list.empty() ? "" : ", ") + l;
        error("?", labels.size() == 1 ? single : multi,
              what + " name '" + name + "' is not unique " +
                  (labels.size() == 1 ? "for model " : "among models: ") + list + ".",
              locs.at(name));
      }
    };
    dup(index_names, index_locs, "index", "models.E029", "models.E030");
    dup(constraint_names, constraint_locs, "constraint", "models.E031", "models.E032");
  }
};

}  // namespace

std::vector<ModelIssue> check_models(const ModelRegistry& registry) { return Checker(registry).run(); }

}  // namespace mvt::models
