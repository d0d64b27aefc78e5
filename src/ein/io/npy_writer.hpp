// Serialising a TensorView as .npy bytes, streamed in chunks to any sink.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "ein/npy.hpp"

namespace ein::io {

using ByteSink = std::function<void(std::span<const std::byte>)>;

// Emits the header and data of `array` to `sink` in pieces of at most ~64 KiB (one piece for
// contiguous data that needs no byte swap). Returns the total number of bytes emitted.
std::uint64_t emit_npy(const TensorView& array, const NpyWriteOptions& options,
                       const ByteSink& sink);

// The exact byte count emit_npy will produce.
std::uint64_t npy_file_size(const TensorView& array, const NpyWriteOptions& options);

}  // namespace ein::io
