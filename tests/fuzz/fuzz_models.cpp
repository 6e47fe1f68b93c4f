// fuzz-links: core migrator
// libFuzzer target for the models.yaml loader (core/models_load.hpp): the
// input is the models.yaml of app "blog", optionally followed by a line
// "===" and the models.yaml of app "shop" (otherwise a fixed shop app with
// relations to blog.Post and auth.User is used). Both are loaded beside the
// built-in contenttypes and auth models, resolved (abstract bases, implicit
// ids, relation targets) and checked with Django's model checks, and every
// problem is formatted. When the models are valid, makemigrations' path
// runs on them too: the autodetector from the built-in apps' state, the
// YAML writer, and the migration parser reading what the writer wrote.
//
// Structural diagnostics and check issues are expected results. A crash, a
// sanitizer report, an escaping exception, a hang, or a written migration
// that the parser refuses is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/models_load.hpp"
#include "migrator/autodetector.hpp"
#include "migrator/migration_yaml.hpp"
#include "migrator/writer.hpp"

namespace {

using namespace mvt;

const char* const kDefaultShop = R"(Product:
  fields:
    name: {type: CharField, max_length: 100}
    price: {type: DecimalField, max_digits: 10, decimal_places: 2}
Order:
  fields:
    customer: {type: ForeignKey, to: auth.User, on_delete: CASCADE, related_name: orders}
    post: {type: ForeignKey, to: blog.Post, on_delete: SET_NULL, null: true}
    products: {type: ManyToManyField, to: Product}
)";

using Apps = std::vector<std::pair<std::string, std::vector<models::ModelDef>>>;

/// The built-in contenttypes and auth models as parsed (once: parsing
/// auth's models.yaml would otherwise cost more than the input's).
const Apps& builtin_apps() {
  static const Apps apps = [] {
    Apps out;
    Diagnostics diags;
    for (const std::string label : {"contenttypes", "auth"}) {
      auto doc = yaml::parse(*models::builtin_models_source(label), "<builtin>/" + label + "/models.yaml", diags);
      if (!doc) __builtin_trap();
      out.emplace_back(label, models::parse_models_document(*doc, label, diags));
    }
    if (diags.has_errors()) __builtin_trap();
    return out;
  }();
  return apps;
}

models::FieldType auto_field_for(const std::string& label) {
  return label == "contenttypes" || label == "auth" ? models::FieldType::AutoField
                                                    : models::FieldType::BigAutoField;
}

/// The state of the built-in apps (what a new project's migrations start from).
const migrator::ProjectState& builtin_state() {
  static const migrator::ProjectState state = [] {
    Diagnostics diags;
    auto loaded = models::resolve_models(builtin_apps(), auto_field_for, diags);
    if (diags.has_errors() || loaded.has_errors()) __builtin_trap();
    return migrator::ProjectState(loaded.registry);
  }();
  return state;
}

/// makemigrations on valid models: every written migration must parse back.
void make_migrations(const models::ModelRegistry& registry) {
  migrator::MigrationQuestioner questioner;  // non-interactive defaults
  questioner.specified_apps = {"blog", "shop"};
  migrator::MigrationGraph graph;
  migrator::MigrationAutodetector detector(builtin_state(), migrator::ProjectState(registry), questioner,
                                           {"contenttypes", "auth"});
  migrator::Changes changes;
  try {
    changes = detector.changes(graph, {}, {"blog", "shop"});
  } catch (const migrator::QuestionerExit&) {
    return;  // a question without an answer: makemigrations exits
  }
  for (const auto& [app, migrations] : changes) {
    for (const auto& m : migrations) {
      std::string text = migrator::write_migration(*m);
      Diagnostics diags;
      auto doc = yaml::parse(text, app + "/migrations/" + m->name + ".yaml", diags);
      if (!doc) __builtin_trap();  // the writer wrote YAML its own reader refuses
      auto back = migrator::parse_migration(*doc, app, m->name, diags);
      if (!back || diags.has_errors()) __builtin_trap();  // ... or a migration it refuses
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string blog(input), shop(kDefaultShop);
  if (auto sep = input.find("\n===\n"); sep != std::string_view::npos) {
    blog = std::string(input.substr(0, sep));
    shop = std::string(input.substr(sep + 5));
  }
  (void)builtin_state();
  Diagnostics diags;
  Apps apps = builtin_apps();
  for (const auto& [label, text] : {std::pair<std::string, const std::string&>{"blog", blog}, {"shop", shop}}) {
    auto doc = yaml::parse(text, label + "/models.yaml", diags);
    if (doc) apps.emplace_back(label, models::parse_models_document(*doc, label, diags));
  }
  auto loaded = models::resolve_models(apps, auto_field_for, diags);
  for (const auto& d : diags.items())
    if (d.format().empty()) __builtin_trap();
  for (const auto& issue : loaded.issues)
    if (issue.diagnostic().format().empty()) __builtin_trap();
  if (!diags.has_errors() && !loaded.has_errors()) make_migrations(loaded.registry);
  return 0;
}
