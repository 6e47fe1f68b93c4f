#pragma once
// Lexer and Parser (django.template.base): the template source is split into
// TEXT / VAR / BLOCK / COMMENT tokens by Django's tag_re, then compiled into a
// NodeList. FilterExpression and Variable are the compiled form of
// `{{ var.attr|filter:"arg" }}`.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dtl/errors.hpp"
#include "dtl/library.hpp"
#include "dtl/node.hpp"
#include "dtl/value.hpp"

namespace dtl {

class Context;

enum class TokenType { Text, Var, Block, Comment };

struct Token {
  TokenType type;
  std::string contents;
  int lineno = 1;
  /// Django's Token.split_contents(): smart_split keeping quoted parts whole.
  std::vector<std::string> split_contents() const;
};

/// Django's Lexer.tokenize (verbatim blocks included).
std::vector<Token> tokenize(std::string_view source);
/// django.utils.text.smart_split.
std::vector<std::string> smart_split(std::string_view text);
/// The contents split on whitespace (token.contents.split()).
std::vector<std::string> split_whitespace(std::string_view text);

/// A template variable: a literal (number or quoted string) or a dotted
/// lookup (Django's Variable).
class Variable {
 public:
  /// Throws TemplateSyntaxError ("Variables and attributes may not begin with
  /// underscores: ...").
  explicit Variable(std::string_view var);
  /// The value; nullopt when a lookup fails (VariableDoesNotExist).
  std::optional<Value> resolve(Context& ctx) const;
  bool is_literal() const { return lookups_.empty(); }
  const std::string& text() const { return var_; }
  const Value& literal() const { return literal_; }
  /// The dotted names of a variable (`post.title` → post, title).
  const std::vector<std::string>& lookups() const { return lookups_; }

 private:
  std::string var_;
  Value literal_;
  std::vector<std::string> lookups_;
};

/// `var|filter:arg|...` (Django's FilterExpression).
class FilterExpression {
 public:
  /// Parses token with the parser's filters. Throws TemplateSyntaxError.
  FilterExpression(std::string_view token, const Parser& parser);
  /// Resolves the variable and applies the filters. ignore_failures: a
  /// failed lookup gives None instead of string_if_invalid.
  Value resolve(Context& ctx, bool ignore_failures = false) const;
  /// Resolves; nullopt when the variable does not exist (before filters).
  std::optional<Value> resolve_optional(Context& ctx) const;
  const std::string& token() const { return token_; }
  bool has_filters() const { return !filters_.empty(); }
  /// True when the expression is a variable (not a literal).
  bool is_variable() const { return var_.has_value() && !var_->is_literal(); }
  /// The variable when the expression is only that (no filters), else nullptr.
  const Variable* plain_variable() const { return filters_.empty() && is_variable() ? &*var_ : nullptr; }
  /// The names of the filters, in order.
  std::vector<std::string> filter_names() const;

 private:
  struct Arg {
    bool lookup;
    Value constant;                 // when !lookup
    std::optional<Variable> var;    // when lookup
  };
  struct Applied {
    const Filter* filter;
    std::optional<Arg> arg;
  };
  Value apply_filters(Value obj, Context& ctx) const;
  std::string token_;
  std::optional<Variable> var_;  // nullopt with constant_ set: a string constant
  Value constant_;
  std::vector<Applied> filters_;
};

/// The template compiler (Django's Parser).
class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::map<std::string, std::shared_ptr<const Library>>* libraries,
         const std::vector<const Library*>& builtins, std::string origin_name);

  /// Parses until one of parse_until (a block tag's first word) and leaves
  /// that token next; throws "Unclosed tag" when the tokens run out first.
  NodeList parse(const std::vector<std::string>& parse_until = {});
  /// Skips tokens up to the block token whose contents are endtag.
  void skip_past(const std::string& endtag);
  Token next_token();
  void prepend_token(Token t);
  void delete_first_token();
  bool has_tokens() const { return !tokens_.empty(); }
  FilterExpression compile_filter(std::string_view token) const { return FilterExpression(token, *this); }
  /// Throws TemplateSyntaxError "Invalid filter: 'NAME'".
  const Filter& find_filter(const std::string& name) const;
  /// Makes lib's tags and filters (only those named in `only`, when given)
  /// available. lib must outlive the templates parsed.
  void add_library(const Library& lib, const std::vector<std::string>* only = nullptr);
  /// "Invalid block tag on line N: 'x'[, expected 'a' or 'b']. Did you forget..."
  [[noreturn]] void invalid_block_tag(const Token& token, const std::string& command,
                                      const std::vector<std::string>& parse_until);
  const std::map<std::string, std::shared_ptr<const Library>>& libraries() const { return *libraries_; }
  /// The name of the template being parsed (Origin.template_name).
  const std::string& origin_name() const { return origin_; }
  /// Where nodes point for their template name (owned by the Template).
  const std::string* origin_ptr = nullptr;

  // State some tags keep while parsing one template.
  std::map<std::string, NodePtr> named_cycle_nodes;
  bool has_named_cycles = false;
  NodePtr last_cycle_node;
  std::vector<std::string> loaded_blocks;

 private:
  std::vector<Token> tokens_;  // reversed
  std::unordered_map<std::string, const TagCompiler*> tags_;
  std::unordered_map<std::string, const Filter*> filters_;
  const std::map<std::string, std::shared_ptr<const Library>>* libraries_;
  std::string origin_;
  std::vector<std::pair<std::string, Token>> command_stack_;
};

/// The node printing a `{{ ... }}` expression (VariableNode).
NodePtr make_variable_node(FilterExpression expression);

/// token_kwargs(bits, parser, support_legacy): parses `a=b c=d` (or the legacy
/// `b as a and d as c`) from the front of bits, removing what it used.
std::vector<std::pair<std::string, FilterExpression>> token_kwargs(std::vector<std::string>& bits, Parser& parser,
                                                                  bool support_legacy);

}  // namespace dtl
