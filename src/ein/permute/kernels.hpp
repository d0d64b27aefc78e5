// 2-D element movers behind PermutePlan: dst[r, c] = convert(src[r, c]) over a rows x cols
// rectangle with arbitrary element strides. Internal to permute/.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

#include "ein/convert.hpp"
#include "ein/tensor.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "ein/gemm/cpu.hpp"
#if EIN_GEMM_AVX2_DISPATCH
#include <immintrin.h>
#endif

namespace ein::permute::detail {

struct Rect {
  Index rows, cols;
  Index src_row, src_col;  // element strides
  Index dst_row, dst_col;
};

// Row after row, each row a run along the columns. Contiguous runs become memcpy (same type) or
// a unit-stride loop the compiler vectorises (conversions).
template <class To, class From>
void move_runs(const From* src, To* dst, const Rect& r) {
  for (Index i = 0; i < r.rows; ++i) {
    const From* s = src + i * r.src_row;
    To* d = dst + i * r.dst_row;
    if (r.src_col == 1 && r.dst_col == 1) {
      if constexpr (std::is_same_v<To, From>) {
        // Short runs: an inline loop beats the call into memcpy.
        if (r.cols * static_cast<Index>(sizeof(To)) >= 256) {
          std::memcpy(d, s, static_cast<std::size_t>(r.cols) * sizeof(To));
        } else {
          for (Index j = 0; j < r.cols; ++j) d[j] = s[j];
        }
      } else {
        for (Index j = 0; j < r.cols; ++j) d[j] = convert_value<To>(s[j]);
      }
    } else if (r.src_col == 0) {
      const To v = convert_value<To>(*s);
      for (Index j = 0; j < r.cols; ++j) d[j * r.dst_col] = v;
    } else {
      for (Index j = 0; j < r.cols; ++j) d[j * r.dst_col] = convert_value<To>(s[j * r.src_col]);
    }
  }
}

// The side of a square tile: one 64-byte cache line of elements, so every line a tile touches
// is used whole on both sides.
template <class T>
constexpr Index tile_side() {
  return Index{64 / sizeof(T)};
}

template <class To, class From>
void move_tile_scalar(const From* src, To* dst, Index rows, Index cols, const Rect& r) {
  for (Index j = 0; j < cols; ++j) {
    for (Index i = 0; i < rows; ++i) {
      dst[i * r.dst_row + j * r.dst_col] = convert_value<To>(src[i * r.src_row + j * r.src_col]);
    }
  }
}

#if defined(__SSE2__)
// Full-tile kernels for copies whose source is unit-stride along rows and destination
// unit-stride along columns: register transposes, one cache line per tile row and column.
// The intrinsics' loads and stores may alias any type.
inline void store_128(void* p, __m128i v) { _mm_storeu_si128(static_cast<__m128i*>(p), v); }

inline __m128i load_128(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }

// 16 x 16 tile of 4-byte elements as 4 x 4 blocks.
inline void tile_4byte(const void* src, void* dst, Index src_col, Index dst_row) {
  const auto* s = static_cast<const float*>(src);
  auto* d = static_cast<float*>(dst);
  for (Index i = 0; i < 16; i += 4) {
    for (Index j = 0; j < 16; j += 4) {
      __m128 v0 = _mm_loadu_ps(s + i + (j + 0) * src_col);
      __m128 v1 = _mm_loadu_ps(s + i + (j + 1) * src_col);
      __m128 v2 = _mm_loadu_ps(s + i + (j + 2) * src_col);
      __m128 v3 = _mm_loadu_ps(s + i + (j + 3) * src_col);
      _MM_TRANSPOSE4_PS(v0, v1, v2, v3);
      store_128(d + (i + 0) * dst_row + j, _mm_castps_si128(v0));
      store_128(d + (i + 1) * dst_row + j, _mm_castps_si128(v1));
      store_128(d + (i + 2) * dst_row + j, _mm_castps_si128(v2));
      store_128(d + (i + 3) * dst_row + j, _mm_castps_si128(v3));
    }
  }
}

// 8 x 8 tile of 8-byte elements as 2 x 2 blocks.
inline void tile_8byte(const void* src, void* dst, Index src_col, Index dst_row) {
  const auto* s = static_cast<const double*>(src);
  auto* d = static_cast<double*>(dst);
  for (Index i = 0; i < 8; i += 2) {
    for (Index j = 0; j < 8; j += 2) {
      const __m128d v0 = _mm_loadu_pd(s + i + j * src_col);
      const __m128d v1 = _mm_loadu_pd(s + i + (j + 1) * src_col);
      store_128(d + i * dst_row + j, _mm_castpd_si128(_mm_unpacklo_pd(v0, v1)));
      store_128(d + (i + 1) * dst_row + j, _mm_castpd_si128(_mm_unpackhi_pd(v0, v1)));
    }
  }
}

// 4 x 4 tile of 16-byte elements: no shuffles, one register per element.
inline void tile_16byte(const void* src, void* dst, Index src_col, Index dst_row) {
  const auto* s = static_cast<const unsigned char*>(src);
  auto* d = static_cast<unsigned char*>(dst);
  for (Index i = 0; i < 4; ++i) {
    for (Index j = 0; j < 4; ++j)
      store_128(d + 16 * (i * dst_row + j), load_128(s + 16 * (i + j * src_col)));
  }
}

// 64 x 64 tile of bytes as 16 x 16 blocks. Four rounds of the perfect shuffle (interleaving
// register k with register k + 8) transpose a 16 x 16 byte block.
inline void tile_1byte(const void* src, void* dst, Index src_col, Index dst_row) {
  const auto* s = static_cast<const unsigned char*>(src);
  auto* d = static_cast<unsigned char*>(dst);
  __m128i x[16], t[16];
  for (Index i = 0; i < 64; i += 16) {
    for (Index j = 0; j < 64; j += 16) {
      for (int k = 0; k < 16; ++k) x[k] = load_128(s + i + (j + k) * src_col);
      for (int round = 0; round < 4; ++round) {
        for (int k = 0; k < 8; ++k) {
          t[2 * k] = _mm_unpacklo_epi8(x[k], x[k + 8]);
          t[2 * k + 1] = _mm_unpackhi_epi8(x[k], x[k + 8]);
        }
        for (int k = 0; k < 16; ++k) x[k] = t[k];
      }
      for (int k = 0; k < 16; ++k) store_128(d + (i + k) * dst_row + j, x[k]);
    }
  }
}

template <std::size_t Size>
void tile_simd(const void* src, void* dst, Index src_col, Index dst_row) {
  if constexpr (Size == 1) {
    tile_1byte(src, dst, src_col, dst_row);
  } else if constexpr (Size == 4) {
    tile_4byte(src, dst, src_col, dst_row);
  } else if constexpr (Size == 8) {
    tile_8byte(src, dst, src_col, dst_row);
  } else {
    static_assert(Size == 16);
    tile_16byte(src, dst, src_col, dst_row);
  }
}

// A full tile staged through L1: the tile's source lines are copied whole into a buffer (with
// StageInput), the register transpose writes a buffer, and each destination line is written
// whole (four consecutive 16-byte stores). Touching every line exactly once, at once, keeps
// power-of-two strides (which map a tile's lines onto a few cache sets) from evicting half-used
// lines, and lets streaming stores fill a write-combining buffer per line. With Stream the
// destination rows must be 16-byte aligned and the caller issues the fence.
template <std::size_t Size, bool Stream, bool StageInput>
void tile_staged(const void* src, void* dst, Index src_col, Index dst_row) {
  constexpr Index side = 64 / static_cast<Index>(Size);
  alignas(64) unsigned char out[64 * side];
  if constexpr (StageInput) {
    alignas(64) unsigned char in[64 * side];
    const auto* s = static_cast<const unsigned char*>(src);
    const auto col_bytes = src_col * static_cast<Index>(Size);
    for (Index c = 0; c < side; ++c) {
      const unsigned char* line = s + c * col_bytes;
      unsigned char* b = in + 64 * c;
      store_128(b, load_128(line));
      store_128(b + 16, load_128(line + 16));
      store_128(b + 32, load_128(line + 32));
      store_128(b + 48, load_128(line + 48));
    }
    tile_simd<Size>(in, out, side, side);
  } else {
    tile_simd<Size>(src, out, src_col, side);
  }
  auto* d = static_cast<unsigned char*>(dst);
  const auto row_bytes = dst_row * static_cast<Index>(Size);
  for (Index r = 0; r < side; ++r) {
    const unsigned char* b = out + 64 * r;
    unsigned char* line = d + r * row_bytes;
    if constexpr (Stream) {
      auto* o = reinterpret_cast<__m128i*>(line);
      _mm_stream_si128(o + 0, load_128(b));
      _mm_stream_si128(o + 1, load_128(b + 16));
      _mm_stream_si128(o + 2, load_128(b + 32));
      _mm_stream_si128(o + 3, load_128(b + 48));
    } else {
      store_128(line, load_128(b));
      store_128(line + 16, load_128(b + 16));
      store_128(line + 32, load_128(b + 32));
      store_128(line + 48, load_128(b + 48));
    }
  }
}
#endif

#if EIN_GEMM_AVX2_DISPATCH
// A full 16 x 16 tile of 4-byte elements in AVX-512 registers, streamed out: one 64-byte load
// per source line, 64 shuffles (pairs of 32-bit elements, then 64-bit pairs, then 128-bit lanes
// twice), one streaming store per destination line. A third of the instructions of the SSE path
// (sixteen 4 x 4 transposes staged through L1), which made large permutations instruction-bound
// on one core (16 GB/s of a core's ~24 GB/s of copy). Destination rows must be 64-byte aligned;
// the caller fences.
// GCC 12's unpack/shuffle intrinsics start from _mm512_undefined_ps(), a self-initialised
// variable that -Wuninitialized reports inside the compiler's own header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
EIN_AVX512_KERNEL inline void tile_4byte_stream_avx512(const void* src, void* dst, Index src_col,
                                                       Index dst_row) {
  const auto* s = static_cast<const float*>(src);
  auto* d = static_cast<float*>(dst);
  __m512 r[16], t[16];
  for (int j = 0; j < 16; ++j) r[j] = _mm512_loadu_ps(s + j * src_col);  // r[j][i] = T(i, j)
  for (int j = 0; j < 16; j += 2) {
    t[j] = _mm512_unpacklo_ps(r[j], r[j + 1]);
    t[j + 1] = _mm512_unpackhi_ps(r[j], r[j + 1]);
  }
  // Per 128-bit lane L: r[4g..4g+3] element 4L+e for e = 0..3.
  for (int g = 0; g < 4; ++g) {
    r[4 * g + 0] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    r[4 * g + 1] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    r[4 * g + 2] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    r[4 * g + 3] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
  for (int e = 0; e < 4; ++e) {
    t[e] = _mm512_shuffle_f32x4(r[e], r[4 + e], 0x88);           // elements e, e + 8; rows 0-7
    t[4 + e] = _mm512_shuffle_f32x4(r[e], r[4 + e], 0xDD);       // elements e + 4, e + 12
    t[8 + e] = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0x88);  // rows 8-15
    t[12 + e] = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0xDD);
  }
  for (int e = 0; e < 4; ++e) {
    _mm512_stream_ps(d + e * dst_row, _mm512_shuffle_f32x4(t[e], t[8 + e], 0x88));
    _mm512_stream_ps(d + (8 + e) * dst_row, _mm512_shuffle_f32x4(t[e], t[8 + e], 0xDD));
    _mm512_stream_ps(d + (4 + e) * dst_row, _mm512_shuffle_f32x4(t[4 + e], t[12 + e], 0x88));
    _mm512_stream_ps(d + (12 + e) * dst_row, _mm512_shuffle_f32x4(t[4 + e], t[12 + e], 0xDD));
  }
}
#pragma GCC diagnostic pop
#endif

// Tiled transpose-like move over a rectangle: whole cache lines on both sides. `stream` asks for
// cache-bypassing stores on full tiles (only for same-type copies with unit strides and 64-byte
// aligned destination rows; the caller fences).
template <class To, class From>
void move_tiled(const From* src, To* dst, const Rect& r, bool stream) {
  constexpr Index side = tile_side<To>() > tile_side<From>() ? tile_side<To>() : tile_side<From>();
#if defined(__SSE2__)
  // No 2-byte SIMD tile (int16, float16, bfloat16 are storage dtypes): those go scalar.
  constexpr bool simd = std::is_same_v<To, From> && sizeof(To) != 2;
  const bool unit = r.src_row == 1 && r.dst_col == 1;
#if EIN_GEMM_AVX2_DISPATCH
  const bool wide = simd && sizeof(To) == 4 && stream && unit && gemm::detail::use_avx512();
#endif
#else
  (void)stream;
#endif
  for (Index i0 = 0; i0 < r.rows; i0 += side) {
    const Index rows = r.rows - i0 < side ? r.rows - i0 : side;
    for (Index j0 = 0; j0 < r.cols; j0 += side) {
      const Index cols = r.cols - j0 < side ? r.cols - j0 : side;
      const From* s = src + i0 * r.src_row + j0 * r.src_col;
      To* d = dst + i0 * r.dst_row + j0 * r.dst_col;
#if defined(__SSE2__)
      if constexpr (simd) {
#if EIN_GEMM_AVX2_DISPATCH
        if (wide && rows == side && cols == side) {
          tile_4byte_stream_avx512(s, d, r.src_col, r.dst_row);
          continue;
        }
#endif
        if (unit && rows == side && cols == side) {
          // Staging the source lines pays for 8- and 16-byte elements (cheap register work);
          // 1- and 4-byte tiles do more shuffling per line and go direct unless streaming.
          constexpr bool stage_input = sizeof(To) >= 8;
          if (stream) {
            tile_staged<sizeof(To), true, stage_input>(s, d, r.src_col, r.dst_row);
          } else if constexpr (stage_input) {
            tile_staged<sizeof(To), false, true>(s, d, r.src_col, r.dst_row);
          } else {
            tile_simd<sizeof(To)>(s, d, r.src_col, r.dst_row);
          }
          continue;
        }
      }
#endif
      move_tile_scalar(s, d, rows, cols, r);
    }
  }
}

}  // namespace ein::permute::detail
