#include "db/query.hpp"

#include <algorithm>
#include <map>

namespace mvt::db {

std::string SqlValue::to_text() const {
  switch (v_.index()) {
    case 1: return std::to_string(as_int());
    case 2: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g", as_real());
      return buf;
    }
    case 3: return as_text();
    case 4: return as_blob().bytes;
    default: return "";
  }
}

std::string quote_name(const std::string& name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') return name;
  return "\"" + name + "\"";
}

std::string escape_like(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

QuerySet::QuerySet(const models::ModelRegistry& registry, const models::ModelDef& model)
    : registry_(&registry), model_(&model) {}

QuerySet QuerySet::filter(std::vector<Lookup> lookups) const {
  QuerySet q = *this;
  if (!lookups.empty()) q.calls_.push_back({false, std::move(lookups)});
  return q;
}

QuerySet QuerySet::exclude(std::vector<Lookup> lookups) const {
  QuerySet q = *this;
  if (!lookups.empty()) q.calls_.push_back({true, std::move(lookups)});
  return q;
}

QuerySet QuerySet::order_by(std::vector<std::string> fields) const {
  QuerySet q = *this;
  q.ordering_ = std::move(fields);
  return q;
}

QuerySet QuerySet::slice(std::int64_t offset, std::optional<std::int64_t> limit) const {
  QuerySet q = *this;
  q.offset_ = offset;
  q.limit_ = limit;
  return q;
}

bool QuerySet::is_empty() const {
  for (const auto& c : calls_)
    if (!c.negated)
      for (const auto& l : c.lookups)
        if (l.lookup == "in" && l.values.empty()) return true;
  return false;
}

/// Turns a QuerySet into SQL: resolves paths into joins (Django's
/// setup_joins + trim_joins), builds the WHERE clause and the ORDER BY.
///
/// Join types follow Django's Query.join / JoinPromoter: a join starts as
/// LEFT OUTER when it can produce NULLs (a nullable ForeignKey, any reverse or
/// many-to-many step) or its parent is LEFT OUTER, else INNER; after each
/// filter()/exclude() call the joins a lookup needs to match a row ("votes")
/// are demoted to INNER (in exclude(), which Django treats as an OR, only when
/// every lookup of the call votes, else promoted), and joins that were INNER
/// before the call are demoted again. `isnull=True` (and `exact=None`) in
/// filter(), and every other lookup in exclude(), vote for nothing.
class Compiler {
 public:
  explicit Compiler(const QuerySet& q) : q_(q), registry_(*q.registry_) { base_alias_ = q.model_->db_table(); }

  SqlQuery select(bool count_only, bool pk_only) {
    std::string where = where_clause();
    std::string order;
    if (!count_only && !pk_only) order = order_clause();
    SqlQuery out;
    if (count_only) {
      out.sql = "SELECT COUNT(*) AS \"__count\"";
    } else if (pk_only) {
      out.sql = "SELECT " + col(base_alias_, q_.model_->pk()->column());
    } else {
      out.sql = "SELECT ";
      bool first = true;
      for (const auto* f : q_.model_->concrete_fields()) {
        out.sql += (first ? "" : ", ") + col(base_alias_, f->column());
        first = false;
      }
    }
    out.sql += " FROM " + quote_name(q_.model_->db_table());
    for (const auto& j : joins_) {
      out.sql += std::string(j.louter ? " LEFT OUTER JOIN " : " INNER JOIN ") + quote_name(j.table);
      if (j.alias != j.table) out.sql += " " + j.alias;
      out.sql += " ON (" + col(j.parent, j.lhs_col) + " = " + col(j.alias, j.column) + ")";
    }
    if (!where.empty()) out.sql += " WHERE " + where;
    out.sql += order;
    if (!count_only && (q_.limit_ || q_.offset_)) {
      out.sql += " LIMIT " + std::to_string(q_.limit_ ? *q_.limit_ : -1);
      if (q_.offset_) out.sql += " OFFSET " + std::to_string(q_.offset_);
    }
    out.params = std::move(params_);
    return out;
  }

 private:
  /// One join (Django's sql.datastructures.Join).
  struct Join {
    std::string identity;  // parent alias + relation: equal identities may be reused
    std::string table, alias, parent, lhs_col, column;
    bool nullable = false;  // the join itself can produce NULLs
    bool louter = false;
    bool m2m = false;       // multi-valued step: reused within one filter() call only
    int scope = 0;
  };

  /// Where a path ends: the alias and column to compare, the field, the
  /// joins the path went through, and whether a multi-valued (to-many)
  /// relation was crossed.
  struct Target {
    std::string alias;
    std::string column;
    const models::FieldDef* field = nullptr;
    std::vector<std::string> joins;
    bool multivalued = false;
  };

  /// Quotes alias.column; generated aliases (T3) stay bare, as Django's
  /// quote_name_unless_alias.
  std::string col(const std::string& alias, const std::string& column) const {
    const Join* j = find(alias);
    return (j && j->alias != j->table ? alias : quote_name(alias)) + "." + quote_name(column);
  }

  Join* find(const std::string& alias) {
    for (auto& j : joins_)
      if (j.alias == alias) return &j;
    return nullptr;
  }
  const Join* find(const std::string& alias) const { return const_cast<Compiler*>(this)->find(alias); }

  std::string new_alias(const std::string& table) {
    bool used = table == base_alias_;
    for (const auto& j : joins_) used = used || j.alias == table;
    return used ? "T" + std::to_string(joins_.size() + 2) : table;
  }

  /// Joins `table` on parent.lhs_col = table.column (Django's Query.join):
  /// reuses the last join of the same identity (for a multi-valued step,
  /// only one made in the same filter() call), else adds one, LEFT OUTER
  /// when nullable or under a LEFT OUTER parent.
  std::string join(const std::string& relation, const std::string& table, const std::string& parent,
                   const std::string& lhs_col, const std::string& column, bool nullable, bool m2m, int scope) {
    const std::string identity = parent + "|" + relation;
    for (auto it = joins_.rbegin(); it != joins_.rend(); ++it)
      if (it->identity == identity && (!m2m || scope < 0 || it->scope == scope)) return it->alias;
    Join j;
    j.identity = identity;
    j.table = table;
    j.alias = new_alias(table);
    j.parent = parent;
    j.lhs_col = lhs_col;
    j.column = column;
    j.nullable = nullable;
    const Join* p = find(parent);
    j.louter = nullable || (p && p->louter);
    j.m2m = m2m;
    j.scope = scope;
    joins_.push_back(j);
    return joins_.back().alias;
  }

  /// Django's Query.promote_joins: to LEFT OUTER, with the joins below.
  void promote(std::vector<std::string> aliases) {
    for (std::size_t i = 0; i < aliases.size(); ++i) {
      Join* j = find(aliases[i]);
      if (!j) continue;  // the base table
      const Join* p = find(j->parent);
      if ((j->nullable || (p && p->louter)) && !j->louter) {
        j->louter = true;
        for (const auto& c : joins_)
          if (c.parent == j->alias && std::find(aliases.begin(), aliases.end(), c.alias) == aliases.end())
            aliases.push_back(c.alias);
      }
    }
  }

  /// Django's Query.demote_joins: to INNER.
  void demote(std::vector<std::string> aliases) {
    for (std::size_t i = 0; i < aliases.size(); ++i) {
      Join* j = find(aliases[i]);
      if (!j || !j->louter) continue;
      j->louter = false;
      if (const Join* p = find(j->parent); p && !p->louter) aliases.push_back(p->alias);
    }
  }

  /// The field a path part names on `model` ("pk" is the primary key).
  static const models::FieldDef* named(const models::ModelDef& model, const std::string& name) {
    return name == "pk" ? model.pk() : model.field(name);
  }

  /// Resolves field names from the base model into joins (Django's
  /// names_to_path + setup_joins + trim_joins: a path ending at the key a
  /// join points to compares the joining column instead). `scope` is the
  /// filter() call (-1: ordering, which may reuse any join).
  Target resolve(const std::vector<std::string>& path, int scope) {
    if (path.empty()) throw QueryError("empty lookup path");
    const models::ModelDef* model = q_.model_;
    Target t;
    t.alias = base_alias_;
    for (std::size_t i = 0; i < path.size(); ++i) {
      const std::string& name = path[i];
      const bool last = i + 1 == path.size();
      const models::FieldDef* f = named(*model, name);
      if (!f)
        if (const auto* byc = model->field_by_column(name); byc && byc->is_relation() && name == byc->attname()) {
          if (!last) throw QueryError("Cannot resolve keyword '" + path[i + 1] + "' into field.");
          t.column = byc->column();
          t.field = byc;
          return t;
        }
      if (f && !f->is_relation()) {
        if (!last) throw QueryError("Unsupported lookup '" + path[i + 1] + "' for " + f->type_name() +
                                    " or join on the field not permitted.");
        t.column = f->column();
        t.field = f;
        return t;
      }
      if (f && !f->many_to_many()) {  // ForeignKey / OneToOneField
        const auto* target = registry_.related_model(*f);
        const auto* target_field = registry_.target_field(*f);
        if (!target || !target_field) throw QueryError("unresolved relation " + model->name + "." + f->name);
        // author=5, author__id=5: the local column, no join (trim_joins).
        if (last || (i + 2 == path.size() && named(*target, path[i + 1]) == target_field)) {
          t.column = f->column();
          t.field = f;
          return t;
        }
        t.alias = join(f->name, target->db_table(), t.alias, f->column(), target_field->column(), f->null, false,
                       scope);
        t.joins.push_back(t.alias);
        model = target;
        continue;
      }
      if (f && f->many_to_many()) {
        const auto* target = registry_.related_model(*f);
        if (!target) throw QueryError("unresolved relation " + model->name + "." + f->name);
        t.multivalued = true;
        std::string through = registry_.m2m_db_table(*model, *f);
        std::string ta = join(f->name + "|through", through, t.alias, model->pk()->column(),
                              registry_.m2m_column_name(*model, *f), true, true, scope);
        t.joins.push_back(ta);
        const std::string target_col = registry_.m2m_reverse_name(*model, *f);
        if (last || (i + 2 == path.size() && named(*target, path[i + 1]) == target->pk())) {  // tags, tags__id
          t.alias = ta;
          t.column = target_col;
          t.field = target->pk();
          return t;
        }
        t.alias = join(f->name, target->db_table(), ta, target_col, target->pk()->column(), false, false, scope);
        t.joins.push_back(t.alias);
        model = target;
        continue;
      }
      // A reverse relation by its query name.
      const models::RelatedObject* rel = nullptr;
      auto related = registry_.related_objects(*model);
      for (const auto& r : related)
        if (r.query_name == name) rel = &r;
      if (!rel) throw QueryError("Cannot resolve keyword '" + name + "' into field.");
      const models::FieldDef& rf = *rel->field;
      const std::string relation = "~" + rel->model->label() + "." + rf.name;
      if (rf.many_to_many()) {
        t.multivalued = true;
        std::string through = registry_.m2m_db_table(*rel->model, rf);
        std::string ta = join(relation + "|through", through, t.alias, model->pk()->column(),
                              registry_.m2m_reverse_name(*rel->model, rf), true, true, scope);
        t.joins.push_back(ta);
        t.alias = join(relation, rel->model->db_table(), ta, registry_.m2m_column_name(*rel->model, rf),
                       rel->model->pk()->column(), false, false, scope);
      } else {
        const auto* target_field = registry_.target_field(rf);
        t.multivalued = t.multivalued || !rf.one_to_one();
        t.alias = join(relation, rel->model->db_table(), t.alias, target_field ? target_field->column() : "id",
                       rf.column(), true, !rf.one_to_one(), scope);
      }
      t.joins.push_back(t.alias);
      model = rel->model;
      if (last) {
        t.column = model->pk()->column();
        t.field = model->pk();
        return t;
      }
    }
    return t;
  }

  /// True for `isnull=True` and `exact=None` (which Django turns into isnull=True).
  static bool is_null_test(const Lookup& l) {
    if (l.value_is_none) return true;
    return l.lookup == "isnull" && !l.values.empty() && l.values[0].is_int() && l.values[0].as_int() != 0;
  }

  /// The SQL of one lookup against a resolved target.
  std::string condition(const Target& t, const Lookup& l) {
    const std::string lhs = col(t.alias, t.column);
    const auto& op = l.lookup;
    auto param = [&](SqlValue v) {
      params_.push_back(std::move(v));
      return std::string("?");
    };
    if (op == "isnull") return lhs + (is_null_test(l) ? " IS NULL" : " IS NOT NULL");
    if (l.value_is_none) {
      if (op == "exact" || op == "iexact") return lhs + " IS NULL";
      throw QueryError("Cannot use None as a query value");
    }
    if (op == "in") {
      if (l.values.empty()) return "0 = 1";
      std::string s = lhs + " IN (";
      for (std::size_t i = 0; i < l.values.size(); ++i) s += (i ? ", " : "") + param(l.values[i]);
      return s + ")";
    }
    if (op == "range") {
      if (l.values.size() != 2) throw QueryError("the 'range' lookup takes two values");
      std::string a = param(l.values[0]);
      return lhs + " BETWEEN " + a + " AND " + param(l.values[1]);
    }
    if (l.values.size() != 1) throw QueryError("the '" + op + "' lookup takes one value");
    const SqlValue& v = l.values[0];
    if (op == "exact") return lhs + " = " + param(v);
    if (op == "gt") return lhs + " > " + param(v);
    if (op == "gte") return lhs + " >= " + param(v);
    if (op == "lt") return lhs + " < " + param(v);
    if (op == "lte") return lhs + " <= " + param(v);
    // Pattern lookups: SQLite's LIKE, case-insensitive for ASCII in every
    // variant, exactly as Django's SQLite operators.
    const std::string esc = escape_like(v.to_text());
    std::string pattern;
    if (op == "iexact") pattern = esc;
    else if (op == "contains" || op == "icontains") pattern = "%" + esc + "%";
    else if (op == "startswith" || op == "istartswith") pattern = esc + "%";
    else if (op == "endswith" || op == "iendswith") pattern = "%" + esc;
    else throw QueryError("Unsupported lookup '" + op + "'");
    return lhs + " LIKE " + param(pattern) + " ESCAPE '\\'";
  }

  /// One filter()/exclude() call (Django's Query.add_q of one Q): its
  /// conditions, with the joins promoted or demoted as JoinPromoter does.
  std::vector<std::string> add_call(const QuerySet::Call& call, int scope) {
    std::vector<std::string> existing_inner;
    for (const auto& j : joins_)
      if (!j.louter) existing_inner.push_back(j.alias);
    std::map<std::string, std::size_t> votes;
    std::vector<std::string> order;  // voted aliases, first vote first
    std::vector<std::string> conds;
    for (const auto& l : call.lookups) {
      if (call.negated) {
        // exclude(): a multi-valued path becomes a subquery (split_exclude),
        // which needs no join of this query.
        Compiler probe(q_);
        if (probe.resolve(l.path, 0).multivalued) {
          QuerySet inner(registry_, *q_.model_);
          SqlQuery sub = inner.filter({l}).pk_sql();
          for (auto& p : sub.params) params_.push_back(std::move(p));
          conds.push_back(col(base_alias_, q_.model_->pk()->column()) + " IN (" + sub.sql + ")");
          continue;
        }
      }
      Target t = resolve(l.path, scope);
      std::string c = condition(t, l);
      const bool null_test = is_null_test(l);
      // Django's build_filter: NOT (x = 1) must keep the rows where x is
      // NULL, so a nullable column (or one reached through a LEFT OUTER
      // join) gets `AND x IS NOT NULL` inside the NOT.
      if (call.negated && !null_test && l.lookup != "isnull") {
        const Join* last = t.joins.empty() ? nullptr : find(t.joins.back());
        if ((t.field && t.field->null && t.field->column() == t.column) || (last && last->louter))
          c += " AND " + col(t.alias, t.column) + " IS NOT NULL";
      }
      conds.push_back(c);
      const bool require_outer = call.negated ? !null_test : null_test;
      if (require_outer) continue;
      for (const auto& a : t.joins)
        if (votes[a]++ == 0) order.push_back(a);
    }
    std::vector<std::string> to_promote, to_demote;
    for (const auto& a : order) {
      if (call.negated && votes[a] < call.lookups.size()) to_promote.push_back(a);
      else to_demote.push_back(a);
    }
    promote(to_promote);
    demote(to_demote);
    demote(existing_inner);
    if (!call.negated) return conds;
    std::string joined;
    for (std::size_t i = 0; i < conds.size(); ++i) joined += (i ? " AND " : "") + conds[i];
    return {"NOT (" + joined + ")"};
  }

  /// The WHERE clause, parenthesised when it has several parts as Django's WhereNode.
  std::string where_clause() {
    std::vector<std::string> parts;
    int scope = 0;
    for (const auto& call : q_.calls_)
      for (auto& c : add_call(call, ++scope)) parts.push_back(std::move(c));
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? " AND " : "") + parts[i];
    return parts.size() > 1 ? "(" + out + ")" : out;
  }

  std::string order_clause() {
    std::vector<std::string> fields;
    if (q_.ordering_) fields = *q_.ordering_;
    else if (q_.model_->options.ordering) fields = *q_.model_->options.ordering;
    if (fields.empty()) return "";
    std::string out = " ORDER BY ";
    bool first = true;
    for (const auto& raw : fields) {
      std::string item;
      if (raw == "?") {
        item = "RANDOM() ASC";
      } else {
        bool desc = !raw.empty() && raw[0] == '-';
        std::string name = desc || (!raw.empty() && raw[0] == '+') ? raw.substr(1) : raw;
        std::vector<std::string> path;
        for (std::size_t start = 0;;) {
          std::size_t sep = name.find("__", start);
          path.push_back(name.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
          if (sep == std::string::npos) break;
          start = sep + 2;
        }
        Target t = resolve(path, -1);
        item = col(t.alias, t.column) + (desc ? " DESC" : " ASC");
      }
      out += (first ? "" : ", ") + item;
      first = false;
    }
    return out;
  }

  const QuerySet& q_;
  const models::ModelRegistry& registry_;
  std::string base_alias_;
  std::vector<Join> joins_;
  std::vector<SqlValue> params_;
};

SqlQuery QuerySet::select_sql() const { return Compiler(*this).select(false, false); }
SqlQuery QuerySet::count_sql() const { return Compiler(*this).select(true, false); }
SqlQuery QuerySet::pk_sql() const { return Compiler(*this).select(false, true); }

}  // namespace mvt::db
