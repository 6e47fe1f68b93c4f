#pragma once
// Model instances and querysets as templates see them (SPEC §7): fields with
// their types, `pk`, `get_FOO_display`, `get_absolute_url`, str() from the
// model's `str` template, forward relations (`order.customer.username`),
// reverse relations and many-to-many managers (`post.comments.all`,
// `.count`, `.exists`, `.first`, `.last`).
//
// Design (no query per row): instances made from one query share a
// ResultBatch. The first time a template touches a relation on any instance
// of the batch, the relation is loaded for every instance of the batch in one
// query (`WHERE fk IN (...)`) and cached there — a list of 100 posts showing
// `post.author.username` and `post.comments.count` costs three queries, not
// 201. Related instances form batches of their own, so chains stay batched.
//
// Ownership (no allocation per row): a batch holds its rows in one flat
// block, and its instances in a deque; a template value of an instance, or
// of one of its str fields, points into the batch and shares ownership of
// it (std::shared_ptr's aliasing constructor). So a batch's rows must not
// change once it has handed out values.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/models.hpp"
#include "db/query.hpp"
#include "dtl/value.hpp"
#include "runserver/data_session.hpp"

namespace mvt::runserver {

enum class ModelTemplateKind { Str, AbsoluteUrl };

/// What model objects need from the request handling them.
class ObjectEnv {
 public:
  virtual ~ObjectEnv() = default;
  virtual const DataSession& data() const = 0;
  /// Renders the model's `str` or `absolute_url` template with the instance
  /// (autoescape off); nullopt when the model declares none.
  virtual std::optional<std::string> render_model_template(const models::ModelDef& model, const dtl::Value& instance,
                                                           ModelTemplateKind kind) const = 0;
};

struct ResultBatch;

/// One model instance: a row of a ResultBatch, which owns it (a template
/// value holding the instance shares ownership of the whole batch).
class ModelInstance : public dtl::Object {
 public:
  ModelInstance(ResultBatch* batch, std::size_t index) : batch_(batch), index_(index) {}

  std::optional<dtl::Value> resolve(std::string_view name) const override;
  std::string str() const override;
  std::optional<bool> equals(const dtl::Value& other) const override;
  std::string type_name() const override;

  const models::ModelDef& model() const;
  /// A field's value in its template form (None for NULL).
  dtl::Value field_value(const models::FieldDef& f) const;
  /// The stored value of a concrete field's column.
  const db::SqlValue& raw(const models::FieldDef& f) const;
  /// The primary key's stored value.
  const db::SqlValue& pk() const;
  /// The instance's fields by name as Django REST framework's ModelSerializer
  /// renders them (relations as their key, many-to-many as key lists).
  dtl::Value to_json_value() const;

 private:
  dtl::Value forward(const models::FieldDef& f) const;
  /// Shared ownership of the batch, for the objects made from this instance.
  std::shared_ptr<ResultBatch> batch() const;
  ResultBatch* batch_;
  std::size_t index_;
};

/// The rows of one query and the relations loaded for all of them. Always
/// owned by a shared_ptr (run_query): its instances hand out shares of it.
struct ResultBatch : std::enable_shared_from_this<ResultBatch> {
  const ObjectEnv* env = nullptr;
  const models::ModelDef* model = nullptr;
  std::vector<const models::FieldDef*> columns;  // the model's concrete fields, in SELECT order
  db::SqlRows rows;  // set once, before any instance is made
  /// Forward relations: field name -> target pk (as text) -> instance.
  std::map<std::string, std::map<std::string, dtl::Value>> forward;
  /// To-many relations: accessor -> own pk (as text) -> instances.
  std::map<std::string, std::map<std::string, std::vector<dtl::Value>>> related;
  /// To-many counts loaded without the rows: accessor -> own pk -> count.
  std::map<std::string, std::map<std::string, std::int64_t>> related_counts;
  /// The instance of each row made so far, in row order (a deque: made as
  /// asked for, and never moved once made). No allocation per instance.
  std::deque<ModelInstance> instances;

  /// Column index of a field, or -1.
  int column_of(const models::FieldDef& f) const;
};

/// Runs `qs` and returns the batch of its rows (empty when the query can
/// match nothing).
std::shared_ptr<ResultBatch> run_query(const ObjectEnv& env, const db::QuerySet& qs);

/// The instance for row `index` of a batch (the same object each time).
dtl::Value make_instance(const std::shared_ptr<ResultBatch>& batch, std::size_t index);

/// Every instance of a batch, in row order.
std::vector<dtl::Value> batch_instances(const std::shared_ptr<ResultBatch>& batch);

/// A lazily evaluated queryset (ListView's object_list, a related manager's
/// all()): runs its query on first iteration, len() or truth test; `count`
/// and `exists` run a cheaper query when the rows are not loaded yet.
class QuerySetObject : public dtl::Object {
 public:
  QuerySetObject(const ObjectEnv& env, db::QuerySet qs) : env_(&env), qs_(std::move(qs)) {}

  std::optional<dtl::Value> resolve(std::string_view name) const override;
  std::optional<dtl::Value> item(std::int64_t index) const override;
  std::string str() const override;
  bool truthy() const override;
  std::optional<std::size_t> length() const override;
  std::optional<dtl::List> iterate() const override;
  std::string type_name() const override { return "QuerySet"; }

  const db::QuerySet& queryset() const { return qs_; }
  std::int64_t count() const;
  /// The evaluated instances.
  const std::vector<dtl::Value>& items() const;

 private:
  const ObjectEnv* env_;
  db::QuerySet qs_;
  mutable dtl::List list_;  // the evaluated instances, once the query has run
};

}  // namespace mvt::runserver
