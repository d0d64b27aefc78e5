// Writing a file so that readers see either the old file or the complete new one: the data goes
// to a temporary file in the same directory, which is renamed over the target only when every
// byte has been written. On any error (or if commit() is never reached) the temporary is removed.
#pragma once

#include <filesystem>
#include <fstream>

namespace ein::io {

class AtomicFile {
 public:
  // Creates the temporary file; throws IoError naming `target` if that is impossible.
  explicit AtomicFile(std::filesystem::path target);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  std::ofstream& stream() { return out_; }
  // Flushes, closes, checks for write errors and renames into place.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool done_ = false;
};

}  // namespace ein::io
