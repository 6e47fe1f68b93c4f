#pragma once
// Writing model instances (Django's Model.save / Model.delete with the
// deletion Collector): defaults and auto_now / auto_now_add applied by the
// application (SPEC §2: defaults are never column defaults), many-to-many
// rows set through the join table, and on_delete (CASCADE, PROTECT,
// RESTRICT, SET_NULL, SET_DEFAULT, DO_NOTHING) applied before the row goes.
// Every write runs in one transaction; every statement uses bound parameters.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/models.hpp"
#include "dtl/value.hpp"
#include "runserver/data_session.hpp"

namespace mvt::runserver {

/// Field values to write: Python-level values (a relation's key for
/// ForeignKey / OneToOneField, a list of keys for ManyToManyField).
using FieldValues = std::vector<std::pair<const models::FieldDef*, dtl::Value>>;

/// A delete refused by PROTECT or RESTRICT (Django's ProtectedError /
/// RestrictedError), with Django's message.
class ProtectedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The value a field takes when nothing sets it (Field.get_default: the
/// default, called when callable; else None when null or not a string type, else "").
dtl::Value field_default(const models::FieldDef& f, const ValueSettings& s);

/// Inserts a row of `model` with `values`; the other fields get their
/// default, auto_now / auto_now_add fields the current time. Returns the new
/// primary key. Throws FieldValueError or db::DatabaseError (then nothing is written).
db::SqlValue insert_object(const DataSession& data, const models::ModelDef& model, const FieldValues& values);

/// Updates the row with primary key `pk`: `values` and auto_now fields.
void update_object(const DataSession& data, const models::ModelDef& model, const db::SqlValue& pk,
                   const FieldValues& values);

/// Deletes the row and what on_delete says goes with it. Throws ProtectedError.
void delete_object(const DataSession& data, const models::ModelDef& model, const db::SqlValue& pk);

}  // namespace mvt::runserver
