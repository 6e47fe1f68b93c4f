#include "migrator/optimizer.hpp"

#include <cstdint>
#include <unordered_map>

namespace mvt::migrator {

namespace {

// Design note: Django's optimizer restarts its scan from the first operation
// after every successful reduction, so a migration with n operations and k
// reductions costs about k * n^2 / 2 calls of reduce(). reduce() depends on
// its two operations only (operations are immutable), so the non-merging
// results (No / Through) are remembered per pair of operations in a table
// indexed by small ids: every restart replays the same decisions in the same
// order — the result is exactly Django's — but only pairs involving a newly
// made operation call reduce() again.
class Memo {
 public:
  explicit Memo(const std::string& app_label) : app_label_(app_label) {}

  /// The id of an operation (a new one for an operation not seen yet).
  std::uint32_t id(const OpPtr& op) {
    auto [it, added] = ids_.try_emplace(op.get(), static_cast<std::uint32_t>(ops_.size()));
    if (added) ops_.push_back(op);  // kept alive: the address stays this operation's
    return it->second;
  }

  /// ops[a]->reduce(ops[b]); a merging result is returned as is, and not kept.
  Reduction reduce(std::uint32_t a, std::uint32_t b) {
    const std::size_t n = ops_.size();
    if (n > kMaxTable) return ops_[a]->reduce(ops_[b], app_label_);  // beyond 16 MB of table: no memo
    if (n > size_) grow(n);
    std::uint8_t& cell = table_[a * size_ + b];
    if (cell == kNo) return Reduction::no();
    if (cell == kThrough) return Reduction::through(true);
    Reduction r = ops_[a]->reduce(ops_[b], app_label_);
    if (!r.is_list()) cell = r.kind == Reduction::Kind::Through ? kThrough : kNo;
    return r;
  }

 private:
  static constexpr std::uint8_t kUnknown = 0, kNo = 1, kThrough = 2;
  static constexpr std::size_t kMaxTable = 4096;
  const std::string& app_label_;
  std::unordered_map<const Operation*, std::uint32_t> ids_;
  std::vector<OpPtr> ops_;
  std::vector<std::uint8_t> table_;
  std::size_t size_ = 0;

  void grow(std::size_t needed) {
    std::size_t size = size_ ? size_ : 16;
    while (size < needed) size *= 2;
    std::vector<std::uint8_t> table(size * size, kUnknown);
    for (std::size_t a = 0; a < size_; ++a)
      for (std::size_t b = 0; b < size_; ++b) table[a * size + b] = table_[a * size_ + b];
    table_ = std::move(table);
    size_ = size;
  }
};

// One pass of MigrationOptimizer.optimize_inner.
std::vector<OpPtr> optimize_inner(const std::vector<OpPtr>& ops, Memo& memo) {
  std::vector<std::uint32_t> ids;
  ids.reserve(ops.size());
  for (const auto& op : ops) ids.push_back(memo.id(op));
  std::vector<OpPtr> out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    bool right = true;  // reduce on the right or on the left
    bool reduced = false;
    for (std::size_t j = i + 1; j < ops.size(); ++j) {
      Reduction r = memo.reduce(ids[i], ids[j]);
      if (r.is_list()) {
        std::vector<OpPtr> in_between(ops.begin() + static_cast<std::ptrdiff_t>(i + 1),
                                      ops.begin() + static_cast<std::ptrdiff_t>(j));
        if (right) {
          out.insert(out.end(), in_between.begin(), in_between.end());
          out.insert(out.end(), r.ops.begin(), r.ops.end());
        } else {
          bool all_through = true;
          for (std::size_t k = i + 1; k < j; ++k) {
            Reduction x = memo.reduce(ids[k], ids[j]);
            if (x.kind != Reduction::Kind::Through) all_through = false;
          }
          if (!all_through) {
            out.push_back(ops[i]);  // keep trying with the next operation
            reduced = true;
            break;
          }
          out.insert(out.end(), r.ops.begin(), r.ops.end());
          out.insert(out.end(), in_between.begin(), in_between.end());
        }
        out.insert(out.end(), ops.begin() + static_cast<std::ptrdiff_t>(j + 1), ops.end());
        return out;
      }
      if (r.kind == Reduction::Kind::No) right = false;
    }
    if (!reduced) out.push_back(ops[i]);
  }
  return out;
}

}  // namespace

std::vector<OpPtr> optimize(std::vector<OpPtr> operations, const std::string& app_label) {
  Memo memo(app_label);
  while (true) {
    auto result = optimize_inner(operations, memo);
    if (result == operations) return result;
    operations = std::move(result);
  }
}

}  // namespace mvt::migrator
