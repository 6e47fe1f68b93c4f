#include "runserver/model_object.hpp"

#include "runserver/field_file.hpp"
#include "runserver/field_values.hpp"

namespace mvt::runserver {

using models::FieldDef;
using models::ModelDef;

namespace {

constexpr std::size_t kChunk = 500;  // values per IN (...) list

const db::SqlValue kNull;

std::string key_of(const db::SqlValue& v) { return v.is_null() ? std::string() : v.to_text(); }

/// Distinct non-NULL values of one column of a batch.
std::vector<db::SqlValue> distinct_column(const ResultBatch& b, int col) {
  std::vector<db::SqlValue> out;
  std::map<std::string, bool> seen;
  for (const auto& row : b.rows) {
    const auto& v = row[static_cast<std::size_t>(col)];
    if (v.is_null() || !seen.emplace(key_of(v), true).second) continue;
    out.push_back(v);
  }
  return out;
}

std::shared_ptr<ResultBatch> new_batch(const ObjectEnv& env, const ModelDef& model) {
  auto b = std::make_shared<ResultBatch>();
  b->env = &env;
  b->model = &model;
  b->columns = model.concrete_fields();
  return b;
}

/// Python's str() of a choice value, to compare with a stored value.
std::string choice_text(const models::Value& v) {
  switch (v.kind()) {
    case models::Value::Kind::Bool: return v.as_bool() ? "True" : "False";
    case models::Value::Kind::Int: return std::to_string(v.as_int());
    case models::Value::Kind::Float: return models::python_float_repr(v.as_float());
    case models::Value::Kind::Null: return "None";
    default: return v.as_string();
  }
}

const models::Choice* find_choice(const std::vector<models::Choice>& choices, const std::string& text) {
  for (const auto& c : choices) {
    if (!c.group.empty()) {
      if (const auto* g = find_choice(c.group, text)) return g;
    } else if (choice_text(c.value) == text) {
      return &c;
    }
  }
  return nullptr;
}

/// A to-many relation of one instance (Django's RelatedManager /
/// ManyRelatedManager), served from its batch's cache.
class RelatedManager : public dtl::Object {
 public:
  /// `queryset`: this stands for manager.all() (iterable, sized, false when
  /// empty) rather than the manager itself.
  RelatedManager(std::shared_ptr<ResultBatch> batch, std::size_t index, std::string accessor, bool queryset = false)
      : batch_(std::move(batch)), index_(index), accessor_(std::move(accessor)), queryset_(queryset) {}

  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "all") return dtl::Value::object(std::make_shared<RelatedManager>(batch_, index_, accessor_, true));
    if (name == "count") return dtl::Value::integer(count());
    if (name == "exists") return dtl::Value::boolean(count() > 0);
    if (name == "first" || name == "last") {
      const auto& l = items();
      if (l.empty()) return dtl::Value::none();
      return name == "first" ? l.front() : l.back();
    }
    return std::nullopt;
  }
  std::optional<dtl::Value> item(std::int64_t index) const override {
    const auto& l = items();
    if (index < 0 || static_cast<std::size_t>(index) >= l.size()) return std::nullopt;
    return l[static_cast<std::size_t>(index)];
  }
  std::string str() const override {
    if (!queryset_) return batch_->model->label() + "." + accessor_ + ".None";  // Python's str() of a manager
    std::string out = "<QuerySet [";
    const auto& l = items();
    for (std::size_t i = 0; i < l.size() && i < 20; ++i)
      out += (i ? ", " : "") + std::string("<") + l[i].type_name() + ": " + l[i].str() + ">";
    return out + "]>";
  }
  bool truthy() const override { return !queryset_ || !items().empty(); }  // a manager is always true
  std::optional<std::size_t> length() const override {
    if (!queryset_) return std::nullopt;
    return items().size();
  }
  std::optional<dtl::List> iterate() const override {
    if (!queryset_) return std::nullopt;  // managers are not iterable, their all() is
    auto data = std::make_shared<dtl::ListData>();
    data->items = items();
    return data;
  }
  std::string type_name() const override { return queryset_ ? "QuerySet" : "RelatedManager"; }

 private:
  std::string own_key() const;
  const std::vector<dtl::Value>& items() const;
  std::int64_t count() const;

  std::shared_ptr<ResultBatch> batch_;
  std::size_t index_;
  std::string accessor_;
  bool queryset_;
};

/// The to-many relation named `accessor` of the batch's model: a
/// ManyToManyField of the model, or a reverse ForeignKey / ManyToManyField.
struct ToMany {
  const FieldDef* field = nullptr;      // the relation field
  const ModelDef* field_model = nullptr;  // the model declaring it
  const ModelDef* other = nullptr;      // the model of the related rows
  bool m2m = false;
  bool reverse = false;
  bool one_to_one = false;              // a reverse OneToOneField (single instance)
};

std::optional<ToMany> find_to_many(const ResultBatch& b, std::string_view accessor) {
  const auto& reg = b.env->data().registry();
  if (const FieldDef* f = b.model->field(accessor); f && f->many_to_many()) {
    const ModelDef* t = reg.related_model(*f);
    if (!t) return std::nullopt;
    return ToMany{f, b.model, t, true, false, false};
  }
  for (const auto& r : reg.related_objects(*b.model)) {
    if (r.hidden() || r.accessor_name != accessor) continue;
    return ToMany{r.field, r.model, r.model, r.field->many_to_many(), true, r.field->one_to_one()};
  }
  return std::nullopt;
}

/// Loads a to-many relation for every row of the batch in one query per
/// chunk of keys; fills b.related[accessor].
void load_to_many(ResultBatch& b, const std::string& accessor, const ToMany& tm) {
  auto& cache = b.related[accessor];
  const auto& data = b.env->data();
  const auto& reg = data.registry();
  const FieldDef* own_pk = b.model->pk();
  // The column of this model the relation points at (to_field, else the pk).
  const FieldDef* own_field = own_pk;
  if (tm.reverse && !tm.m2m) own_field = reg.target_field(*tm.field);
  int col = b.column_of(*own_field);
  std::vector<db::SqlValue> keys = distinct_column(b, col);
  for (std::size_t start = 0; start < keys.size(); start += kChunk) {
    std::vector<db::SqlValue> chunk(keys.begin() + static_cast<long>(start),
                                    keys.begin() + static_cast<long>(std::min(keys.size(), start + kChunk)));
    if (!tm.m2m) {
      // Reverse ForeignKey / OneToOneField: the related rows hold the key.
      db::Lookup l;
      l.path = {tm.field->name};
      l.lookup = "in";
      l.values = chunk;
      auto rb = run_query(*b.env, db::QuerySet(reg, *tm.other).filter({l}));
      int fk_col = rb->column_of(*tm.field);
      for (std::size_t i = 0; i < rb->rows.size(); ++i)
        cache[key_of(rb->rows[i][static_cast<std::size_t>(fk_col)])].push_back(make_instance(rb, i));
      continue;
    }
    // Many-to-many through the join table.
    std::string through = reg.m2m_db_table(*tm.field_model, *tm.field);
    std::string near_col = tm.reverse ? reg.m2m_reverse_name(*tm.field_model, *tm.field)
                                      : reg.m2m_column_name(*tm.field_model, *tm.field);
    std::string far_col = tm.reverse ? reg.m2m_column_name(*tm.field_model, *tm.field)
                                     : reg.m2m_reverse_name(*tm.field_model, *tm.field);
    auto rb = new_batch(*b.env, *tm.other);
    db::SqlQuery q;
    q.sql = "SELECT " + db::quote_name(through) + "." + db::quote_name(near_col);
    for (const auto* f : rb->columns) q.sql += ", " + db::quote_name(tm.other->db_table()) + "." + db::quote_name(f->column());
    q.sql += " FROM " + db::quote_name(tm.other->db_table()) + " INNER JOIN " + db::quote_name(through) + " ON (" +
             db::quote_name(tm.other->db_table()) + "." + db::quote_name(tm.other->pk()->column()) + " = " +
             db::quote_name(through) + "." + db::quote_name(far_col) + ") WHERE " + db::quote_name(through) + "." +
             db::quote_name(near_col) + " IN (";
    for (std::size_t i = 0; i < chunk.size(); ++i) q.sql += i ? ", ?" : "?";
    q.sql += ")";
    if (tm.other->options.ordering && !tm.other->options.ordering->empty()) {
      // Reuse the compiler's ORDER BY for the target's Meta.ordering.
      std::string order = db::QuerySet(reg, *tm.other).select_sql().sql;
      auto pos = order.find(" ORDER BY ");
      if (pos != std::string::npos) q.sql += order.substr(pos);
    }
    q.params = chunk;
    auto rows = data.fetch(q);
    std::vector<std::string> owners;
    db::SqlRows own_rows;  // filled before any instance of rb exists (they share its cells)
    for (auto row : rows) {
      owners.push_back(key_of(row[0]));
      own_rows.push_back(row.subspan(1));
    }
    rb->rows = std::move(own_rows);
    for (std::size_t i = 0; i < rb->rows.size(); ++i) cache[owners[i]].push_back(make_instance(rb, i));
  }
}

std::string RelatedManager::own_key() const {
  auto tm = find_to_many(*batch_, accessor_);
  const auto& reg = batch_->env->data().registry();
  const FieldDef* own = batch_->model->pk();
  if (tm && tm->reverse && !tm->m2m) own = reg.target_field(*tm->field);
  return key_of(batch_->rows[index_][static_cast<std::size_t>(batch_->column_of(*own))]);
}

const std::vector<dtl::Value>& RelatedManager::items() const {
  static const std::vector<dtl::Value> empty;
  auto it = batch_->related.find(accessor_);
  if (it == batch_->related.end()) {
    auto tm = find_to_many(*batch_, accessor_);
    if (!tm) return empty;
    load_to_many(*batch_, accessor_, *tm);
    it = batch_->related.find(accessor_);
  }
  auto found = it->second.find(own_key());
  return found == it->second.end() ? empty : found->second;
}

std::int64_t RelatedManager::count() const {
  if (batch_->related.count(accessor_)) return static_cast<std::int64_t>(items().size());
  auto& counts = batch_->related_counts[accessor_];
  if (counts.empty()) {
    auto tm = find_to_many(*batch_, accessor_);
    if (!tm) return 0;
    const auto& reg = batch_->env->data().registry();
    const FieldDef* own = batch_->model->pk();
    if (tm->reverse && !tm->m2m) own = reg.target_field(*tm->field);
    std::vector<db::SqlValue> keys = distinct_column(*batch_, batch_->column_of(*own));
    std::string table, col;
    if (tm->m2m) {
      table = reg.m2m_db_table(*tm->field_model, *tm->field);
      col = tm->reverse ? reg.m2m_reverse_name(*tm->field_model, *tm->field)
                        : reg.m2m_column_name(*tm->field_model, *tm->field);
    } else {
      table = tm->other->db_table();
      col = tm->field->column();
    }
    for (std::size_t start = 0; start < keys.size(); start += kChunk) {
      db::SqlQuery q;
      q.sql = "SELECT " + db::quote_name(col) + ", COUNT(*) FROM " + db::quote_name(table) + " WHERE " +
              db::quote_name(col) + " IN (";
      std::size_t end = std::min(keys.size(), start + kChunk);
      for (std::size_t i = start; i < end; ++i) {
        q.sql += i > start ? ", ?" : "?";
        q.params.push_back(keys[i]);
      }
      q.sql += ") GROUP BY " + db::quote_name(col);
      for (const auto& row : batch_->env->data().fetch(q)) counts[key_of(row[0])] = row[1].as_int();
    }
    counts.emplace("", 0);  // marks "loaded" even when every count is zero
  }
  auto it = counts.find(own_key());
  return it == counts.end() ? 0 : it->second;
}

}  // namespace

int ResultBatch::column_of(const FieldDef& f) const {
  // The field usually is one of the batch's own (same FieldDef): pointers
  // first, names only for a field of another copy of the model.
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == &f) return static_cast<int>(i);
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i]->name == f.name) return static_cast<int>(i);
  return -1;
}

std::shared_ptr<ResultBatch> run_query(const ObjectEnv& env, const db::QuerySet& qs) {
  auto b = new_batch(env, qs.model());
  if (!qs.is_empty()) b->rows = env.data().fetch(qs.select_sql());
  return b;
}

namespace {

/// Makes the batch's instances up to row `count` (exclusive).
void make_instances(ResultBatch& b, std::size_t count) {
  while (b.instances.size() < count) b.instances.emplace_back(&b, b.instances.size());
}

/// The template value of an instance of `batch`: it points at the instance
/// and owns the batch (shared_ptr's aliasing constructor).
dtl::Value instance_value(const std::shared_ptr<ResultBatch>& batch, const ModelInstance& instance) {
  return dtl::Value::object(dtl::ObjectPtr(batch, &instance));
}

}  // namespace

dtl::Value make_instance(const std::shared_ptr<ResultBatch>& batch, std::size_t index) {
  make_instances(*batch, index + 1);
  return instance_value(batch, batch->instances[index]);
}

std::vector<dtl::Value> batch_instances(const std::shared_ptr<ResultBatch>& batch) {
  const std::size_t n = batch->rows.size();
  make_instances(*batch, n);
  std::vector<dtl::Value> out;
  out.reserve(n);
  for (auto it = batch->instances.begin(); out.size() < n; ++it) out.push_back(instance_value(batch, *it));
  return out;
}

std::shared_ptr<ResultBatch> ModelInstance::batch() const { return batch_->shared_from_this(); }
const models::ModelDef& ModelInstance::model() const { return *batch_->model; }
std::string ModelInstance::type_name() const { return batch_->model->name; }
const db::SqlValue& ModelInstance::pk() const { return raw(*batch_->model->pk()); }

const db::SqlValue& ModelInstance::raw(const FieldDef& f) const {
  int c = batch_->column_of(f);
  return c < 0 ? kNull : batch_->rows[index_][static_cast<std::size_t>(c)];
}

dtl::Value ModelInstance::field_value(const FieldDef& f) const {
  // The batch's rows never change once it has instances, so a str field can
  // share its row's text.
  const db::SqlValue& v = raw(f);
  return from_db_value(f, v, batch_->env->data().settings(), v.is_text() ? batch() : nullptr);
}

dtl::Value ModelInstance::forward(const FieldDef& f) const {
  const db::SqlValue& key = raw(f);
  if (key.is_null()) return dtl::Value::none();
  auto& cache = batch_->forward[f.name];
  if (cache.empty()) {
    const auto& reg = batch_->env->data().registry();
    const ModelDef* target = reg.related_model(f);
    const FieldDef* target_field = reg.target_field(f);
    if (!target || !target_field) return dtl::Value::none();
    std::vector<db::SqlValue> keys = distinct_column(*batch_, batch_->column_of(f));
    for (std::size_t start = 0; start < keys.size(); start += kChunk) {
      db::Lookup l;
      l.path = {target_field->name};
      l.lookup = "in";
      l.values.assign(keys.begin() + static_cast<long>(start),
                      keys.begin() + static_cast<long>(std::min(keys.size(), start + kChunk)));
      auto tb = run_query(*batch_->env, db::QuerySet(reg, *target).filter({l}).order_by({}));
      int tc = tb->column_of(*target_field);
      for (std::size_t i = 0; i < tb->rows.size(); ++i)
        cache[key_of(tb->rows[i][static_cast<std::size_t>(tc)])] = make_instance(tb, i);
    }
    cache.emplace("", dtl::Value::none());  // loaded
  }
  auto it = cache.find(key_of(key));
  return it == cache.end() ? dtl::Value::none() : it->second;
}

std::optional<dtl::Value> ModelInstance::resolve(std::string_view name) const {
  const ModelDef& m = *batch_->model;
  if (name == "pk") return field_value(*m.pk());
  if (const FieldDef* f = m.field(name)) {
    if (f->many_to_many())
      return dtl::Value::object(std::make_shared<RelatedManager>(batch(), index_, std::string(name)));
    if (f->is_relation()) return forward(*f);
    if (f->type == models::FieldType::FileField || f->type == models::FieldType::ImageField)
      return field_file_value(f->name, field_value(*f), batch_->env->data().settings());
    return field_value(*f);
  }
  if (const FieldDef* f = m.field_by_column(name); f && f->is_relation() && f->attname() == name) {
    const FieldDef* target = batch_->env->data().registry().target_field(*f);
    return from_db_value(target ? *target : *f, raw(*f), batch_->env->data().settings());
  }
  if (name == "get_absolute_url") {
    auto url = batch_->env->render_model_template(m, make_instance(batch(), index_), ModelTemplateKind::AbsoluteUrl);
    if (!url) return std::nullopt;
    return dtl::Value::string(*url);
  }
  if (name.starts_with("get_") && name.ends_with("_display") && name.size() > 12) {
    const FieldDef* f = m.field(name.substr(4, name.size() - 12));
    if (f && f->choices) {
      dtl::Value v = field_value(*f);
      const models::Choice* c = find_choice(*f->choices, v.is_none() ? "None" : v.str());
      return dtl::Value::string(c ? c->label : v.str());
    }
  }
  auto tm = find_to_many(*batch_, name);
  if (!tm) return std::nullopt;
  if (tm->one_to_one) {
    RelatedManager mgr(batch(), index_, std::string(name));
    auto first = mgr.resolve("first");
    if (!first || first->is_none()) return std::nullopt;  // RelatedObjectDoesNotExist
    return first;
  }
  return dtl::Value::object(std::make_shared<RelatedManager>(batch(), index_, std::string(name)));
}

std::string ModelInstance::str() const {
  auto s = batch_->env->render_model_template(*batch_->model, make_instance(batch(), index_), ModelTemplateKind::Str);
  if (s) return *s;
  return batch_->model->name + " object (" + (pk().is_null() ? "None" : pk().to_text()) + ")";
}

std::optional<bool> ModelInstance::equals(const dtl::Value& other) const {
  if (!other.is_object()) return false;
  const auto* o = dynamic_cast<const ModelInstance*>(&other.as_object());
  if (!o) return false;
  if (o->batch_->model != batch_->model) return false;
  if (pk().is_null()) return o == this;
  return o->pk() == pk();
}

dtl::Value ModelInstance::to_json_value() const {
  std::vector<std::pair<std::string, dtl::Value>> items;
  for (const auto& f : batch_->model->fields) {
    if (f.many_to_many()) {
      RelatedManager mgr(batch(), index_, f.name);
      std::vector<dtl::Value> keys;
      if (auto l = mgr.resolve("all")) {
        const auto& all = static_cast<const RelatedManager&>(l->as_object());
        for (std::int64_t i = 0;; ++i) {
          auto item = all.item(i);
          if (!item) break;
          keys.push_back(static_cast<const ModelInstance&>(item->as_object()).field_value(
              *static_cast<const ModelInstance&>(item->as_object()).model().pk()));
        }
      }
      items.emplace_back(f.name, dtl::Value::list(std::move(keys)));
    } else if (f.is_relation()) {
      const FieldDef* target = batch_->env->data().registry().target_field(f);
      items.emplace_back(f.name, from_db_value(target ? *target : f, raw(f), batch_->env->data().settings()));
    } else {
      items.emplace_back(f.name, field_value(f));
    }
  }
  return dtl::Value::map(std::move(items));
}

// --- QuerySetObject ---------------------------------------------------------

const std::vector<dtl::Value>& QuerySetObject::items() const {
  if (!list_) {
    auto data = std::make_shared<dtl::ListData>();
    data->items = batch_instances(run_query(*env_, qs_));
    list_ = std::move(data);
  }
  return list_->items;
}

std::int64_t QuerySetObject::count() const {
  if (list_) return static_cast<std::int64_t>(list_->items.size());
  if (qs_.is_empty()) return 0;
  return env_->data().count(qs_.count_sql());
}

std::optional<dtl::Value> QuerySetObject::resolve(std::string_view name) const {
  if (name == "all") return dtl::Value::object(std::make_shared<QuerySetObject>(*env_, qs_));
  if (name == "count") return dtl::Value::integer(count());
  if (name == "exists") {
    if (list_) return dtl::Value::boolean(!list_->items.empty());
    auto one = QuerySetObject(*env_, qs_.slice(0, 1));
    return dtl::Value::boolean(!one.items().empty());
  }
  if (name == "first" || name == "last") {
    const auto& l = items();
    if (l.empty()) return dtl::Value::none();
    return name == "first" ? l.front() : l.back();
  }
  return std::nullopt;
}

std::optional<dtl::Value> QuerySetObject::item(std::int64_t index) const {
  const auto& l = items();
  if (index < 0 || static_cast<std::size_t>(index) >= l.size()) return std::nullopt;
  return l[static_cast<std::size_t>(index)];
}

std::string QuerySetObject::str() const {
  // Python: <QuerySet [<Post: title>, ...]> (at most 20 items shown)
  std::string out = "<QuerySet [";
  const auto& l = items();
  for (std::size_t i = 0; i < l.size() && i < 20; ++i)
    out += (i ? ", " : "") + std::string("<") + qs_.model().name + ": " + l[i].str() + ">";
  if (l.size() > 20) out += ", '...(remaining elements truncated)...'";
  return out + "]>";
}

bool QuerySetObject::truthy() const { return !items().empty(); }

std::optional<std::size_t> QuerySetObject::length() const { return items().size(); }

std::optional<dtl::List> QuerySetObject::iterate() const {
  items();
  return list_;
}

}  // namespace mvt::runserver
