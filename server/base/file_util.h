#pragma once

// Small POSIX file helpers for the AOF and the cluster state (errors as errno values, never
// exceptions).

#include <cstdint>
#include <string>
#include <string_view>

namespace kv::file_io {

// Writes all of `data` (retrying on EINTR and short writes); returns 0 or an errno value and, in
// *written, how many bytes did reach the file.
int WriteAll(int fd, std::string_view data, size_t* written);
// fsync of a directory, so that a rename or a new file in it survives a crash.
int FsyncDir(const std::string& dir);
// Writes `content` to dir/name through dir/temp-name: write, fsync, rename, fsync the directory.
int WriteFileAtomic(const std::string& dir, const std::string& name, std::string_view content);
// Size of a file, or -1 when it cannot be read.
int64_t FileSize(const std::string& path);
bool ReadFile(const std::string& path, std::string* out);

}  // namespace kv::file_io
