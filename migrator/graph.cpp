#include "migrator/graph.hpp"

#include <algorithm>

namespace mvt::migrator {

namespace {

std::string repr(const MigrationKey& k) { return "('" + k.first + "', '" + k.second + "')"; }

}  // namespace

void MigrationGraph::add_node(const MigrationKey& key, MigrationPtr migration) {
  Node& n = node_map_[key];
  n.dummy = false;
  nodes_[key] = std::move(migration);
}

void MigrationGraph::add_dependency(const std::string& migration, const MigrationKey& child,
                                    const MigrationKey& parent) {
  auto dummy = [&](const MigrationKey& key, const std::string& what) {
    if (nodes_.count(key)) return;
    Node& n = node_map_[key];
    if (n.dummy) return;
    n.dummy = true;
    n.origin = migration;
    n.error = "Migration " + migration + " dependencies reference nonexistent " + what + " node " + repr(key);
  };
  dummy(child, "child");
  dummy(parent, "parent");
  node_map_[child].parents.insert(parent);
  node_map_[parent].children.insert(child);
}

void MigrationGraph::remove_replaced_nodes(const MigrationKey& replacement, const std::vector<MigrationKey>& replaced) {
  std::set<MigrationKey> rep(replaced.begin(), replaced.end());
  if (!node_map_.count(replacement))
    throw NodeNotFoundError("Unable to find replacement node " + repr(replacement) +
                                ". It was either never added to the migration graph, or has been removed.",
                            replacement);
  for (const auto& key : rep) {
    nodes_.erase(key);
    auto it = node_map_.find(key);
    if (it == node_map_.end()) continue;
    Node old = std::move(it->second);
    node_map_.erase(it);
    for (const auto& child : old.children) {
      auto c = node_map_.find(child);
      if (c == node_map_.end()) continue;
      c->second.parents.erase(key);
      if (!rep.count(child)) {
        node_map_[replacement].children.insert(child);
        c->second.parents.insert(replacement);
      }
    }
    for (const auto& parent : old.parents) {
      auto p = node_map_.find(parent);
      if (p == node_map_.end()) continue;
      p->second.children.erase(key);
      if (!rep.count(parent)) {
        node_map_[replacement].parents.insert(parent);
        p->second.children.insert(replacement);
      }
    }
  }
}

void MigrationGraph::remove_replacement_node(const MigrationKey& replacement,
                                             const std::vector<MigrationKey>& replaced) {
  nodes_.erase(replacement);
  auto it = node_map_.find(replacement);
  if (it == node_map_.end())
    throw NodeNotFoundError("Unable to remove replacement node " + repr(replacement) +
                                ". It was either never added to the migration graph, or has been removed already.",
                            replacement);
  Node old = std::move(it->second);
  node_map_.erase(it);
  std::set<MigrationKey> replaced_nodes, replaced_parents;
  for (const auto& key : replaced) {
    auto r = node_map_.find(key);
    if (r == node_map_.end()) continue;
    replaced_nodes.insert(key);
    replaced_parents.insert(r->second.parents.begin(), r->second.parents.end());
  }
  for (const auto& p : replaced_parents) replaced_nodes.erase(p);
  for (const auto& child : old.children) {
    auto c = node_map_.find(child);
    if (c == node_map_.end()) continue;
    c->second.parents.erase(replacement);
    for (const auto& r : replaced_nodes) {
      node_map_[r].children.insert(child);
      c->second.parents.insert(r);
    }
  }
  for (const auto& parent : old.parents) {
    auto p = node_map_.find(parent);
    if (p != node_map_.end()) p->second.children.erase(replacement);
  }
}

void MigrationGraph::validate_consistency() const {
  for (const auto& [key, n] : node_map_)
    if (n.dummy && !nodes_.count(key)) throw NodeNotFoundError(n.error, key);
}

void MigrationGraph::ensure_not_cyclic() const {
  std::set<MigrationKey> todo;
  for (const auto& [k, m] : nodes_) todo.insert(k);
  while (!todo.empty()) {
    MigrationKey node = *todo.begin();
    todo.erase(todo.begin());
    std::vector<MigrationKey> stack{node};
    while (!stack.empty()) {
      const MigrationKey top = stack.back();
      bool pushed = false;
      for (const auto& child : node_map_.at(top).children) {
        auto pos = std::find(stack.begin(), stack.end(), child);
        if (pos != stack.end()) {
          std::string cycle;
          for (auto it = pos; it != stack.end(); ++it) cycle += (cycle.empty() ? "" : ", ") + it->first + "." + it->second;
          throw CircularDependencyError(cycle);
        }
        if (todo.count(child)) {
          stack.push_back(child);
          todo.erase(child);
          pushed = true;
          break;
        }
      }
      if (!pushed) stack.pop_back();
    }
  }
}

std::vector<MigrationKey> MigrationGraph::dfs(const MigrationKey& start, bool forwards) const {
  std::vector<MigrationKey> visited;
  std::set<MigrationKey> seen;
  std::vector<std::pair<MigrationKey, bool>> stack{{start, false}};
  while (!stack.empty()) {
    auto [node, processed] = stack.back();
    stack.pop_back();
    if (seen.count(node)) continue;
    if (processed) {
      seen.insert(node);
      visited.push_back(node);
      continue;
    }
    stack.emplace_back(node, true);
    const Node& n = node_map_.at(node);
    const auto& next = forwards ? n.parents : n.children;  // std::set: already sorted
    for (const auto& k : next) stack.emplace_back(k, false);
  }
  return visited;
}

std::vector<MigrationKey> MigrationGraph::forwards_plan(const MigrationKey& target) const {
  if (!nodes_.count(target)) throw NodeNotFoundError("Node " + repr(target) + " not a valid node", target);
  return dfs(target, true);
}

std::vector<MigrationKey> MigrationGraph::backwards_plan(const MigrationKey& target) const {
  if (!nodes_.count(target)) throw NodeNotFoundError("Node " + repr(target) + " not a valid node", target);
  return dfs(target, false);
}

std::vector<MigrationKey> MigrationGraph::root_nodes(const std::string& app) const {
  std::vector<MigrationKey> out;
  for (const auto& node : nodes_) {
    const MigrationKey& key = node.first;  // not a structured binding: clang 14 cannot capture those
    if (!app.empty() && key.first != app) continue;
    const auto& parents = node_map_.at(key).parents;
    if (std::none_of(parents.begin(), parents.end(), [&](const MigrationKey& p) { return p.first == key.first; }))
      out.push_back(key);
  }
  return out;
}

std::vector<MigrationKey> MigrationGraph::leaf_nodes(const std::string& app) const {
  std::vector<MigrationKey> out;
  for (const auto& node : nodes_) {
    const MigrationKey& key = node.first;  // not a structured binding: clang 14 cannot capture those
    if (!app.empty() && key.first != app) continue;
    const auto& children = node_map_.at(key).children;
    if (std::none_of(children.begin(), children.end(), [&](const MigrationKey& c) { return c.first == key.first; }))
      out.push_back(key);
  }
  return out;
}

const MigrationPtr& MigrationGraph::migration(const MigrationKey& key) const {
  auto it = nodes_.find(key);
  if (it == nodes_.end()) throw NodeNotFoundError("Node " + repr(key) + " not a valid node", key);
  return it->second;
}

const std::set<MigrationKey>& MigrationGraph::parents(const MigrationKey& key) const {
  return node_map_.at(key).parents;
}

const std::set<MigrationKey>& MigrationGraph::children(const MigrationKey& key) const {
  return node_map_.at(key).children;
}

ProjectState MigrationGraph::make_state(const std::vector<MigrationKey>& targets, bool at_end) const {
  ProjectState state;
  if (targets.empty()) return state;
  std::vector<MigrationKey> plan;
  std::set<MigrationKey> in_plan;
  std::set<MigrationKey> target_set(targets.begin(), targets.end());
  for (const auto& t : targets) {
    for (const auto& k : forwards_plan(t)) {
      if (in_plan.count(k)) continue;
      if (!at_end && target_set.count(k)) continue;
      in_plan.insert(k);
      plan.push_back(k);
    }
  }
  for (const auto& k : plan) nodes_.at(k)->mutate_state(state);
  return state;
}

}  // namespace mvt::migrator
