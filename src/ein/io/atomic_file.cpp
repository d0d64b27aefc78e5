#include "ein/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "ein/io/npy_format.hpp"

namespace ein::io {

namespace {

std::atomic<unsigned> g_temp_counter{0};

std::string errno_text(int err) { return err != 0 ? std::string(": ") + std::strerror(err) : ""; }

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  const std::string name = target_.string();
  std::error_code ec;
  if (target_.filename().empty()) throw_io(name, "not a file name");
  if (std::filesystem::is_directory(target_, ec)) throw_io(name, "is a directory");
  const std::filesystem::path dir = target_.parent_path();
  // O_EXCL makes the name ours alone even if another process or thread picks the same one; the
  // mode 0666 is narrowed by the umask exactly as for any newly created file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string leaf = "." + target_.filename().string() + ".tmp-" +
                             std::to_string(::getpid()) + "-" +
                             std::to_string(g_temp_counter.fetch_add(1));
    std::filesystem::path candidate = dir.empty() ? std::filesystem::path(leaf) : dir / leaf;
    const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      throw_io(name, "cannot create a file in " +
                         (dir.empty() ? std::string("the current directory") : dir.string()) +
                         errno_text(errno));
    }
    ::close(fd);
    temp_ = std::move(candidate);
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_) {
      std::filesystem::remove(temp_, ec);
      throw_io(name, "cannot open a temporary file for writing");
    }
    return;
  }
  throw_io(name, "cannot find a free temporary file name");
}

AtomicFile::~AtomicFile() {
  if (done_) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
}

void AtomicFile::commit() {
  const std::string name = target_.string();
  out_.flush();
  const bool write_ok = static_cast<bool>(out_);
  out_.close();
  if (!write_ok || out_.fail()) throw_io(name, "write failed (disk full?)");
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw_io(name, "cannot replace the file: " + ec.message());
  done_ = true;
}

}  // namespace ein::io
