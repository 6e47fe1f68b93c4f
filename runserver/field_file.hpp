#pragma once
// A FileField's value as templates see it (Django's FieldFile): prints its
// name, `.name`, `.url` (MEDIA_URL + the quoted name), `.size`, `.path`;
// false when empty. `.url`, `.size` and `.path` of an empty one raise
// Django's ValueError ("The 'FIELD' attribute has no file associated with it.").
#include <memory>
#include <optional>
#include <string>

#include "dtl/value.hpp"
#include "runserver/data_session.hpp"
#include "runserver/http_request.hpp"

namespace mvt::runserver {

/// The FieldFile of field `field_name` holding stored name `name` (None
/// gives an empty one, as Django's FileDescriptor), with the storage of `s`
/// (MEDIA_ROOT, MEDIA_URL).
dtl::Value field_file_value(const std::string& field_name, const dtl::Value& name, const ValueSettings& s);

/// The stored name of a FieldFile value (its str()), or nullopt when `v` is
/// not one.
std::optional<std::string> field_file_name(const dtl::Value& v);

/// An upload as a value (cleaned_data, a bound field's value): prints its
/// name; `.name`, `.size`, `.content_type`, as Django's UploadedFile.
dtl::Value uploaded_file_value(std::shared_ptr<const UploadedFile> file);

/// The upload held by an uploaded_file_value, or nullptr.
const UploadedFile* uploaded_file(const dtl::Value& v);

}  // namespace mvt::runserver
