#pragma once

// Aligned plain-text tables: text columns left-aligned, numeric ones right-aligned, two spaces
// between columns, no trailing blanks.

#include <string>
#include <vector>

namespace kv::ctl {

class Table {
 public:
  enum class Align { kLeft, kRight };

  // One header per column; an empty header list makes a table without a header row (key/value
  // listings).
  explicit Table(std::vector<std::string> headers, std::vector<Align> aligns = {});

  // Rows shorter than the header are padded with empty cells.
  void AddRow(std::vector<std::string> cells);

  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace kv::ctl
