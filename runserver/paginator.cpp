#include "runserver/paginator.hpp"

#include <algorithm>
#include <memory>

namespace mvt::runserver {

Paginator::Paginator(const ObjectEnv& env, db::QuerySet qs, int per_page, int orphans, bool allow_empty_first_page)
    : env_(&env), qs_(std::move(qs)), per_page_(per_page), orphans_(orphans),
      allow_empty_first_page_(allow_empty_first_page) {}

std::int64_t Paginator::count() const {
  if (!count_) count_ = qs_.is_empty() ? 0 : env_->data().count(qs_.count_sql());
  return *count_;
}

std::int64_t Paginator::num_pages() const {
  std::int64_t c = count();
  if (c == 0 && !allow_empty_first_page_) return 0;
  std::int64_t hits = std::max<std::int64_t>(1, c - orphans_);
  return (hits + per_page_ - 1) / per_page_;
}

std::int64_t Paginator::validate_number(std::int64_t number) const {
  if (number < 1) throw InvalidPage("That page number is less than 1");
  if (number > num_pages()) {
    if (number == 1 && allow_empty_first_page_) return number;
    throw InvalidPage("That page contains no results");
  }
  return number;
}

namespace {

class PageObject : public dtl::Object {
 public:
  PageObject(std::shared_ptr<const Paginator> p, std::int64_t number, dtl::Value list)
      : p_(std::move(p)), number_(number), list_(std::move(list)) {}

  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "number") return dtl::Value::integer(number_);
    if (name == "object_list") return list_;
    if (name == "paginator") return paginator_value(p_);
    if (name == "has_next") return dtl::Value::boolean(number_ < p_->num_pages());
    if (name == "has_previous") return dtl::Value::boolean(number_ > 1);
    if (name == "has_other_pages") return dtl::Value::boolean(number_ < p_->num_pages() || number_ > 1);
    if (name == "next_page_number" || name == "previous_page_number") {
      try {
        return dtl::Value::integer(p_->validate_number(number_ + (name == "next_page_number" ? 1 : -1)));
      } catch (const InvalidPage&) {
        return std::nullopt;
      }
    }
    if (name == "start_index") {
      if (p_->count() == 0) return dtl::Value::integer(0);
      return dtl::Value::integer(p_->per_page() * (number_ - 1) + 1);
    }
    if (name == "end_index") {
      if (number_ == p_->num_pages()) return dtl::Value::integer(p_->count());
      return dtl::Value::integer(number_ * p_->per_page());
    }
    return std::nullopt;
  }
  std::optional<dtl::Value> item(std::int64_t index) const override { return list_.as_object().item(index); }
  std::string str() const override {
    return "<Page " + std::to_string(number_) + " of " + std::to_string(p_->num_pages()) + ">";
  }
  std::optional<std::size_t> length() const override { return list_.as_object().length(); }
  bool truthy() const override { return list_.as_object().truthy(); }
  std::optional<dtl::List> iterate() const override { return list_.as_object().iterate(); }
  std::string type_name() const override { return "Page"; }

  std::int64_t number() const { return number_; }
  const dtl::Value& list() const { return list_; }

 private:
  std::shared_ptr<const Paginator> p_;
  std::int64_t number_;
  dtl::Value list_;
};

/// Python's range(start, stop) -- what Paginator.page_range is: printed
/// "range(1, 4)", iterable, sized, indexable.
class RangeObject : public dtl::Object {
 public:
  RangeObject(std::int64_t start, std::int64_t stop) : start_(start), stop_(std::max(start, stop)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "start") return dtl::Value::integer(start_);
    if (name == "stop") return dtl::Value::integer(stop_);
    if (name == "step") return dtl::Value::integer(1);
    return std::nullopt;
  }
  std::optional<dtl::Value> item(std::int64_t index) const override {
    const std::int64_t n = stop_ - start_;
    if (index < 0) index += n;
    if (index < 0 || index >= n) return std::nullopt;
    return dtl::Value::integer(start_ + index);
  }
  std::string str() const override {
    return "range(" + std::to_string(start_) + ", " + std::to_string(stop_) + ")";
  }
  bool truthy() const override { return stop_ > start_; }
  std::optional<std::size_t> length() const override { return static_cast<std::size_t>(stop_ - start_); }
  std::optional<dtl::List> iterate() const override {
    std::vector<dtl::Value> items;
    for (std::int64_t i = start_; i < stop_; ++i) items.push_back(dtl::Value::integer(i));
    return dtl::Value::list(std::move(items)).list_ptr();
  }
  std::string type_name() const override { return "range"; }

 private:
  std::int64_t start_, stop_;
};

class PaginatorObject : public dtl::Object {
 public:
  explicit PaginatorObject(std::shared_ptr<const Paginator> p) : p_(std::move(p)) {}
  std::optional<dtl::Value> resolve(std::string_view name) const override {
    if (name == "count") return dtl::Value::integer(p_->count());
    if (name == "num_pages") return dtl::Value::integer(p_->num_pages());
    if (name == "per_page") return dtl::Value::integer(p_->per_page());
    if (name == "page_range") return dtl::Value::object(std::make_shared<RangeObject>(1, p_->num_pages() + 1));
    return std::nullopt;
  }
  std::string str() const override { return "<django.core.paginator.Paginator object>"; }
  std::string type_name() const override { return "Paginator"; }

 private:
  std::shared_ptr<const Paginator> p_;
};

}  // namespace

dtl::Value Paginator::page(std::int64_t number, const std::shared_ptr<const Paginator>& self) const {
  number = validate_number(number);
  std::int64_t bottom = (number - 1) * per_page_;
  std::int64_t top = bottom + per_page_;
  if (top + orphans_ >= count()) top = count();
  auto list = dtl::Value::object(std::make_shared<QuerySetObject>(*env_, qs_.slice(bottom, top - bottom)));
  return dtl::Value::object(std::make_shared<PageObject>(self, number, std::move(list)));
}

dtl::Value paginator_value(std::shared_ptr<const Paginator> p) {
  return dtl::Value::object(std::make_shared<PaginatorObject>(std::move(p)));
}

const QuerySetObject& page_object_list(const dtl::Value& page) {
  const auto& p = static_cast<const PageObject&>(page.as_object());
  return static_cast<const QuerySetObject&>(p.list().as_object());
}

std::int64_t page_number(const dtl::Value& page) { return static_cast<const PageObject&>(page.as_object()).number(); }

}  // namespace mvt::runserver
