#pragma once

#include <string>
#include <vector>

namespace reviewtrail::cli {

// A table for the terminal: a header row, then rows, columns left-aligned and separated by two
// spaces; the last column is not padded (so long titles do not push trailing blanks). Widths count
// UTF-8 code points, so accented names line up.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);

  void AddRow(std::vector<std::string> cells);  // missing cells are empty
  [[nodiscard]] bool empty() const { return rows_.empty(); }
  [[nodiscard]] std::string Render() const;  // every line ends with '\n'

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// UTF-8 code points in `text` (bytes that do not start a code point are not counted).
size_t DisplayWidth(const std::string& text);

}  // namespace reviewtrail::cli
