// Fuzzes the .npy reader (ein::read_npy) with arbitrary bytes.
//
// Properties: only ein::Error(IoError) escapes; nothing larger than the input is allocated for
// the data; a file that loads writes back (ein::write_npy) to bytes that load to the same array,
// element for element and bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "ein/npy.hpp"
#include "fuzz_util.hpp"

namespace ein::fuzz {
namespace {

void run(std::span<const std::byte> bytes) {
  Tensor t;
  try {
    t = read_npy(bytes, "fuzz.npy");
  } catch (const Error& e) {
    check(e.code() == ErrorCode::IoError,
          std::string("read_npy threw ") + error_code_name(e.code()) + ": " + e.what());
    return;
  } catch (const std::exception& e) {
    fail(std::string("non-ein exception escaped: ") + e.what());
  }
  const auto nbytes = static_cast<std::size_t>(t.numel()) * itemsize(t.dtype());
  check(nbytes <= bytes.size(), "loaded more data than the file holds");

  const std::vector<std::byte> again = write_npy(t);
  const Tensor u = read_npy(again, "rewritten.npy");
  check(u.dtype() == t.dtype() && u.shape() == t.shape(), "round trip changes dtype or shape");
  const Tensor a = t.contiguous(), b = u.contiguous();
  check(std::memcmp(a.data(), b.data(), nbytes) == 0 || nbytes == 0, "round trip changes data");
  if (t.dtype() == DType::Bool) {
    const auto* p = static_cast<const unsigned char*>(a.data());
    for (std::size_t i = 0; i < nbytes; ++i) check(p[i] <= 1, "bool byte not 0 or 1");
  }
}

}  // namespace
}  // namespace ein::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ein::fuzz::run(std::as_bytes(std::span(data, size)));
  return 0;
}
