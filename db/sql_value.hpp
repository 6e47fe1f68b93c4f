#pragma once
// A value as SQLite stores it: NULL, INTEGER, REAL, TEXT or BLOB. Query
// parameters and result columns use it; converting to and from a field's
// Python-level type is the caller's business (Django's get_db_prep_value /
// from_db_value).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace mvt::db {

/// Bytes of a BLOB column.
struct Blob {
  std::string bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

/// One SQLite value.
class SqlValue {
 public:
  SqlValue() = default;
  SqlValue(std::nullptr_t) {}
  SqlValue(std::int64_t i) : v_(i) {}
  SqlValue(int i) : v_(static_cast<std::int64_t>(i)) {}
  SqlValue(double d) : v_(d) {}
  SqlValue(std::string s) : v_(std::move(s)) {}
  SqlValue(const char* s) : v_(std::string(s)) {}
  SqlValue(Blob b) : v_(std::move(b)) {}
  /// TEXT of `size` bytes at `data`, built in place (no temporary string).
  SqlValue(const char* data, std::size_t size) : v_(std::in_place_index<3>, data, size) {}

  bool is_null() const { return v_.index() == 0; }
  bool is_int() const { return v_.index() == 1; }
  bool is_real() const { return v_.index() == 2; }
  bool is_text() const { return v_.index() == 3; }
  bool is_blob() const { return v_.index() == 4; }
  std::int64_t as_int() const { return std::get<1>(v_); }
  double as_real() const { return std::get<2>(v_); }
  const std::string& as_text() const { return std::get<3>(v_); }
  const Blob& as_blob() const { return std::get<4>(v_); }
  /// The value as text the way SQLite's CAST(x AS TEXT) would give it
  /// (NULL → "").
  std::string to_text() const;

  friend bool operator==(const SqlValue&, const SqlValue&) = default;

 private:
  std::variant<std::monostate, std::int64_t, double, std::string, Blob> v_;
};

using SqlRow = std::vector<SqlValue>;

/// The rows of one query result, stored as one row-major array of cells: one
/// allocation per result instead of one per row (a list page reads hundreds
/// of rows per request). A row is a span of its cells, valid until the next
/// append.
class SqlRows {
 public:
  using Row = std::span<const SqlValue>;

  SqlRows() = default;
  /// Rows of `columns` cells each, taken from `cells` (row-major; its size
  /// must be a multiple of `columns`).
  SqlRows(std::size_t columns, std::vector<SqlValue> cells) : columns_(columns), cells_(std::move(cells)) {}

  std::size_t size() const { return columns_ ? cells_.size() / columns_ : 0; }
  bool empty() const { return cells_.empty(); }
  std::size_t columns() const { return columns_; }
  Row operator[](std::size_t i) const { return Row(cells_.data() + i * columns_, columns_); }
  /// Appends a row; every row must have the same number of cells.
  void push_back(Row row) {
    columns_ = row.size();
    cells_.insert(cells_.end(), row.begin(), row.end());
  }

  /// Iterates the rows in order.
  class const_iterator {
   public:
    const_iterator(const SqlRows* rows, std::size_t i) : rows_(rows), i_(i) {}
    Row operator*() const { return (*rows_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }

   private:
    const SqlRows* rows_;
    std::size_t i_;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

 private:
  std::size_t columns_ = 0;
  std::vector<SqlValue> cells_;
};

/// SQL text with its bound parameters, in order ("?" placeholders).
struct SqlQuery {
  std::string sql;
  std::vector<SqlValue> params;
};

}  // namespace mvt::db
