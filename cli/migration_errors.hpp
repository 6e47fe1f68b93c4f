#pragma once
// The migration commands' error reporting: the migration system's errors
// become CommandError with Django's messages.
#include <string>
#include <utility>

#include "cli/command.hpp"
#include "db/connection.hpp"
#include "migrator/errors.hpp"

namespace mvt::cli {

/// Runs `body` (returning the exit status) and rethrows MigrationError and
/// db::DatabaseError as CommandError; a CircularDependencyError gets
/// Django's "Circular dependency between migrations: " prefix.
template <typename Body>
int run_reporting_migration_errors(Body&& body) {
  try {
    return std::forward<Body>(body)();
  } catch (const migrator::CircularDependencyError& e) {
    throw CommandError(std::string("Circular dependency between migrations: ") + e.what());
  } catch (const migrator::MigrationError& e) {
    throw CommandError(e.what());
  } catch (const db::DatabaseError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace mvt::cli
