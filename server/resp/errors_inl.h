#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace kv::resp {

inline std::string WrongNumArgsError(std::string_view cmd) {
  std::string out = "ERR wrong number of arguments for '";
  for (char c : cmd) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  out += "' command";
  return out;
}

// Mirrors Redis's processCommand: arguments are appended as `'arg' ` while the list is shorter
// than 128 bytes, each truncated to what is left of that budget; CR and LF become spaces.
template <typename Args>
std::string UnknownCommandError(std::string_view cmd, const Args& args) {
  std::string out = "ERR unknown command '";
  out.append(cmd.substr(0, 128));
  out += "', with args beginning with: ";
  std::string list;
  for (std::string_view arg : args) {
    if (list.size() >= 128) break;
    list += '\'';
    list.append(arg.substr(0, 128 - list.size() + 1));
    list += "' ";
  }
  out += list;
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

inline std::string UnknownSubcommandError(std::string_view sub, std::string_view cmd) {
  std::string out = "ERR unknown subcommand '";
  out.append(sub.substr(0, 128));
  out += "'. Try ";
  for (char c : cmd) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  out += " HELP.";
  return out;
}

inline std::string SubcommandSyntaxError(std::string_view sub, std::string_view cmd) {
  std::string out = "ERR unknown subcommand or wrong number of arguments for '";
  out.append(sub.substr(0, 128));
  out += "'. Try ";
  for (char c : cmd) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  out += " HELP.";
  return out;
}

}  // namespace kv::resp
