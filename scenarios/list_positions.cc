#include "scenarios/list_positions.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace faultline::scenarios {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::io::Tokenizer;
using ParseInfoTree = SourceMap::ParseInfoTree;
using ParseLocation = SourceMap::ParseLocation;

class QuietErrors final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
};

struct Token {
  int line;
  int column;
  char symbol;  // the character of a one-character symbol token, else 0
};

bool operator<(const Token& token, const ParseLocation& location) {
  return std::tie(token.line, token.column) < std::tie(location.line, location.column);
}

// The tokens of the text, positioned as the text-format parser positions them (it uses the same
// tokenizer with the same settings).
std::vector<Token> tokenize(std::string_view text) {
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  QuietErrors errors;
  Tokenizer tokenizer(&input, &errors);
  tokenizer.set_allow_f_after_float(true);
  tokenizer.set_comment_style(Tokenizer::SH_COMMENT_STYLE);
  tokenizer.set_require_space_after_number(false);
  tokenizer.set_allow_multiline_strings(true);
  std::vector<Token> tokens;
  while (tokenizer.Next()) {
    const Tokenizer::Token& token = tokenizer.current();
    const bool symbol = token.type == Tokenizer::TYPE_SYMBOL && token.text.size() == 1;
    tokens.push_back({token.line, token.column, symbol ? token.text[0] : '\0'});
  }
  return tokens;
}

class ListPositions {
 public:
  ListPositions(std::string_view text, SourceMap::Positions& positions)
      : text_(text), positions_(positions) {}

  void walk(const Message& message, const ParseInfoTree& tree) {
    const Reflection* reflection = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    for (const FieldDescriptor* field : fields) {
      if (!field->is_repeated()) {
        if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
        const ParseInfoTree* nested = tree.GetTreeForNested(field, -1);
        if (nested != nullptr) walk(reflection->GetMessage(message, field), *nested);
        continue;
      }
      const int size = reflection->FieldSize(message, field);
      if (occurrences(tree, field, size) < size) record(tree, field, size);
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      for (int i = 0; i < size; ++i) {
        const ParseInfoTree* nested = tree.GetTreeForNested(field, i);
        if (nested != nullptr) walk(reflection->GetRepeatedMessage(message, field, i), *nested);
      }
    }
  }

 private:
  static int occurrences(const ParseInfoTree& tree, const FieldDescriptor* field, int size) {
    int count = 0;
    while (count < size && tree.GetLocation(field, count).line >= 0)
      ++count;
    return count;
  }

  void record(const ParseInfoTree& tree, const FieldDescriptor* field, int size) {
    std::vector<ParseLocation>& elements = positions_.elements[{&tree, field}];
    for (int k = 0; static_cast<int>(elements.size()) < size; ++k) {
      const ParseLocation start = tree.GetLocation(field, k);
      if (start.line < 0) break;
      appendElements(start, elements);
    }
  }

  // An occurrence starts at its field name: `name: [a, b]` adds the start of each of a and b;
  // anything else is one element at the name.
  void appendElements(const ParseLocation& start, std::vector<ParseLocation>& elements) {
    if (!tokens_) tokens_ = tokenize(text_);
    const auto it = std::lower_bound(tokens_->begin(), tokens_->end(), start);
    std::size_t i = static_cast<std::size_t>(it - tokens_->begin()) + 1;
    if (i < tokens_->size() && (*tokens_)[i].symbol == ':') ++i;
    if (it == tokens_->end() || it->line != start.line || it->column != start.column ||
        i >= tokens_->size() || (*tokens_)[i].symbol != '[') {
      elements.push_back(start);
      return;
    }
    bool expect_element = true;
    int depth = 0;
    for (++i; i < tokens_->size(); ++i) {
      const Token& token = (*tokens_)[i];
      if (depth == 0 && token.symbol == ']') return;
      if (depth == 0 && token.symbol == ',') {
        expect_element = true;
        continue;
      }
      if (expect_element) elements.push_back({token.line, token.column});
      expect_element = false;
      if (token.symbol == '{' || token.symbol == '[' || token.symbol == '<') ++depth;
      if (token.symbol == '}' || token.symbol == ']' || token.symbol == '>') --depth;
    }
  }

  std::string_view text_;
  SourceMap::Positions& positions_;
  std::optional<std::vector<Token>> tokens_;
};

}  // namespace

void recordListElementPositions(std::string_view text, const Message& message,
                                SourceMap::Positions& positions) {
  ListPositions(text, positions).walk(message, positions.tree);
}

}  // namespace faultline::scenarios
