// Fused dequantize-matmul for 2–8 bit group-wise quantized weights on the CPU.
//
// Layout (built by kernels/cpu.py from the dense storage bitstream; still dense, no wasted bits):
//   rows are cut into tiles of 16 (one AVX-512 register of 32-bit lanes, lane j = row j of the
//   tile); K into blocks of 32. A b-bit code is split into planes of 4, 2, 1 or 8 bits
//   (3 = 2+1, 5 = 4+1, 6 = 4+2, 7 = 4+2+1); for every (tile, k-block) a plane of width P
//   holds P words per row. Bits [8b + P*j, 8b + P*j + P) of word wi hold the plane's part of
//   k = 4*(wi*(8/P) + j) + b: shifting a word right by P*j and masking every byte leaves four
//   consecutive k as bytes. In memory: words[tile][k-block][plane words (= b)][16 rows], so a
//   tile streams contiguously and one 64-byte load brings the same word of 16 rows.
//
// AVX-512 VNNI (the fast path): x is split per group into three signed 8-bit digits with a
// shared power-of-two scale (22 bits, as exact as fp32 relative to the group's max|x|); each
// vpdpbusd multiplies 64 codes (16 rows x 4 k) by one digit. Integer sums per group are exact;
// scales apply once per group: y += s * sum_k(x_k q_k) - (zero*s) * sum_k(x_k).
// AVX-512 / AVX2 without VNNI: (word & (mask << P*i)) converted as unsigned is exactly
// code * 2^(P*i), so 2^-(P*i) (and the plane's weight) is folded into a per-call copy of x;
// per 16 weights: and, convert, fma.
// Runtime dispatch: every variant is compiled with function target attributes and picked with
// __builtin_cpu_supports, with a portable scalar loop as the last resort.

#include <ATen/Parallel.h>
#include <torch/extension.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define ND_X86 1
#define ND_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
#define ND_AVX2 __attribute__((target("avx2,fma")))
#define ND_VNNI \
  __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx512vnni,avx2,fma")))
#else
#define ND_X86 0
#endif

namespace {

constexpr int64_t kTile = 16;   // rows per tile
constexpr int64_t kBlock = 32;  // k per block

// Software prefetch distance in k-blocks: 64 blocks (8-16 KiB ahead at 2-4 bits, capped at
// 16 KiB). Measured on the 4096x4096 matvec from memory, one thread: 2-3x faster than relying
// on the hardware prefetcher alone; 128 blocks was slower again.
template <int64_t Bits>
constexpr int64_t prefetch_blocks() {
  return std::min<int64_t>(64, 16384 / (Bits * kTile * 4));
}

enum Isa : int64_t { kScalar = 0, kAvx2 = 1, kAvx512 = 2, kVnni = 3 };

struct Problem {
  const int32_t* words;  // [T][K/32][bits][16]
  const float* scales;   // [T][NG][16]
  const float* zs;       // [T][NG][16] zero * scale
  const float* x;        // [M][K]
  const float* xs;       // [M][planes][K] x scaled per plane and field (fp32 paths)
  const int8_t* xd;      // [M][3][K] x as three signed 8-bit digits (VNNI path)
  const float* xe;       // [M][NG] the digits' scale per group (a power of two)
  const float* sx;       // [M][NG] sum of x per group
  float* y;              // [M][T*16]
  int64_t M, K, NG, G, T, bits, planes;
};

struct PlaneSet {
  int n = 0;
  int width[3] = {0, 0, 0};
  int shift[3] = {0, 0, 0};
};

PlaneSet planes_for(int64_t bits) {
  PlaneSet p;
  auto add = [&p](int w) {
    p.shift[p.n] = p.n ? p.shift[p.n - 1] + p.width[p.n - 1] : 0;
    p.width[p.n++] = w;
  };
  switch (bits) {
    case 2: add(2); break;
    case 3: add(2); add(1); break;
    case 4: add(4); break;
    case 5: add(4); add(1); break;
    case 6: add(4); add(2); break;
    case 7: add(4); add(2); add(1); break;
    case 8: add(8); break;
    default: TORCH_CHECK(false, "bits must be in 2..8, got ", bits);
  }
  return p;
}

// The k (within its block of 32) of the field at bits [P*i, P*i+P) of plane word wi.
constexpr int field_k(int P, int wi, int i) {
  return 4 * (wi * (8 / P) + ((P * i) & 7) / P) + ((P * i) >> 3);
}

// ---------------------------------------------------------------- portable scalar path
void tile_scalar(const Problem& p, const PlaneSet& ps, int64_t t) {
  const int64_t kb_per_tile = p.K / kBlock;
  const int32_t* tile_words = p.words + t * kb_per_tile * p.bits * kTile;
  for (int64_t m = 0; m < p.M; ++m) {
    const float* x = p.x + m * p.K;
    for (int64_t j = 0; j < kTile; ++j) {
      float y = 0.f;
      for (int64_t g = 0; g < p.NG; ++g) {
        float acc = 0.f;
        for (int64_t kb = g * p.G / kBlock; kb < (g + 1) * p.G / kBlock; ++kb) {
          const int32_t* w = tile_words + kb * p.bits * kTile;
          for (int pl = 0; pl < ps.n; ++pl) {
            const int P = ps.width[pl];
            const int F = 32 / P;
            const uint32_t mask = (1u << P) - 1u;
            for (int wi = 0; wi < P; ++wi) {
              const uint32_t word = static_cast<uint32_t>(w[wi * kTile + j]);
              for (int i = 0; i < F; ++i) {
                const uint32_t q = ((word >> (P * i)) & mask) << ps.shift[pl];
                acc += static_cast<float>(q) * x[kb * kBlock + field_k(P, wi, i)];
              }
            }
            w += P * kTile;
          }
        }
        const int64_t sidx = (t * p.NG + g) * kTile + j;
        y += p.scales[sidx] * acc - p.zs[sidx] * p.sx[m * p.NG + g];
      }
      p.y[m * p.T * kTile + t * kTile + j] = y;
    }
  }
}

#if ND_X86
// ---------------------------------------------------------------- AVX-512: 16 rows per register
template <int M, int P>
ND_AVX512 inline void plane_512(const int32_t* w, const float* xs, int64_t xstride,
                                __m512 (&acc)[M][8 / M]) {
  constexpr int F = 32 / P;
  constexpr int A = 8 / M;
#pragma GCC unroll 8
  for (int wi = 0; wi < P; ++wi) {
    const __m512i word = _mm512_loadu_si512(w + wi * kTile);
#pragma GCC unroll 32
    for (int i = 0; i < F; ++i) {
      const uint32_t mask = ((1u << P) - 1u) << (P * i);
      const __m512 f =
          _mm512_cvtepu32_ps(_mm512_and_si512(word, _mm512_set1_epi32(static_cast<int>(mask))));
      const int kk = wi * F + i;
#pragma GCC unroll 8
      for (int m = 0; m < M; ++m) {
        acc[m][kk % A] =
            _mm512_fmadd_ps(f, _mm512_set1_ps(xs[m * xstride + kk]), acc[m][kk % A]);
      }
    }
  }
}

template <int M, int P0, int P1, int P2>
ND_AVX512 void tile_512(const Problem& p, int64_t t, int64_t m0) {
  constexpr int A = 8 / M;
  constexpr int64_t bits = P0 + P1 + P2;
  const int64_t xstride = p.planes * p.K;
  const int32_t* w = p.words + t * (p.K / kBlock) * bits * kTile;
  const float* scales = p.scales + t * p.NG * kTile;
  const float* zs = p.zs + t * p.NG * kTile;
  const float* xs = p.xs + m0 * xstride;
  __m512 y[M];
  for (int m = 0; m < M; ++m) y[m] = _mm512_setzero_ps();
  const int64_t blocks = p.G / kBlock;
  for (int64_t g = 0; g < p.NG; ++g) {
    __m512 acc[M][A];
    for (int m = 0; m < M; ++m)
      for (int a = 0; a < A; ++a) acc[m][a] = _mm512_setzero_ps();
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t k0 = (g * blocks + b) * kBlock;
      for (int64_t l = 0; l < bits; ++l)
        _mm_prefetch(reinterpret_cast<const char*>(w + (prefetch_blocks<bits>() * bits + l) * kTile),
                     _MM_HINT_T0);
      plane_512<M, P0>(w, xs + k0, xstride, acc);
      w += P0 * kTile;
      if constexpr (P1 > 0) {
        plane_512<M, P1>(w, xs + p.K + k0, xstride, acc);
        w += P1 * kTile;
      }
      if constexpr (P2 > 0) {
        plane_512<M, P2>(w, xs + 2 * p.K + k0, xstride, acc);
        w += P2 * kTile;
      }
    }
    const __m512 s = _mm512_loadu_ps(scales + g * kTile);
    const __m512 z = _mm512_loadu_ps(zs + g * kTile);
    for (int m = 0; m < M; ++m) {
      __m512 total = acc[m][0];
      for (int a = 1; a < A; ++a) total = _mm512_add_ps(total, acc[m][a]);
      y[m] = _mm512_fmadd_ps(s, total, y[m]);
      y[m] = _mm512_fnmadd_ps(z, _mm512_set1_ps(p.sx[(m0 + m) * p.NG + g]), y[m]);
    }
  }
  for (int m = 0; m < M; ++m) _mm512_storeu_ps(p.y + (m0 + m) * p.T * kTile + t * kTile, y[m]);
}

// ---------------------------------------------------------------- AVX2: a tile as two halves
template <int M, int P>
ND_AVX2 inline void plane_256(const int32_t* w, const float* xs, int64_t xstride,
                              __m256 (&acc)[M][8 / M]) {
  constexpr int F = 32 / P;
  constexpr int A = 8 / M;
#pragma GCC unroll 8
  for (int wi = 0; wi < P; ++wi) {
    const __m256i word = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + wi * kTile));
#pragma GCC unroll 32
    for (int i = 0; i < F; ++i) {
      const uint32_t mask = ((1u << P) - 1u) << (P * i);
      __m256 f;
      if (i == F - 1) {
        // the top field holds bit 31: AVX2 converts signed, so halve, convert, double
        const __m256i half = _mm256_and_si256(_mm256_srli_epi32(word, 1),
                                              _mm256_set1_epi32(static_cast<int>(mask >> 1)));
        f = _mm256_cvtepi32_ps(half);
        f = _mm256_add_ps(f, f);
      } else {
        f = _mm256_cvtepi32_ps(
            _mm256_and_si256(word, _mm256_set1_epi32(static_cast<int>(mask))));
      }
      const int kk = wi * F + i;
      for (int m = 0; m < M; ++m) {
        acc[m][kk % A] =
            _mm256_fmadd_ps(f, _mm256_set1_ps(xs[m * xstride + kk]), acc[m][kk % A]);
      }
    }
  }
}

template <int M, int P0, int P1, int P2>
ND_AVX2 void tile_256(const Problem& p, int64_t t, int64_t m0) {
  constexpr int A = 8 / M;
  constexpr int64_t bits = P0 + P1 + P2;
  const int64_t xstride = p.planes * p.K;
  const float* xs = p.xs + m0 * xstride;
  const int64_t blocks = p.G / kBlock;
  for (int64_t half = 0; half < 2; ++half) {
    const int32_t* w = p.words + t * (p.K / kBlock) * bits * kTile + half * 8;
    const float* scales = p.scales + t * p.NG * kTile + half * 8;
    const float* zs = p.zs + t * p.NG * kTile + half * 8;
    __m256 y[M];
    for (int m = 0; m < M; ++m) y[m] = _mm256_setzero_ps();
    for (int64_t g = 0; g < p.NG; ++g) {
      __m256 acc[M][A];
      for (int m = 0; m < M; ++m)
        for (int a = 0; a < A; ++a) acc[m][a] = _mm256_setzero_ps();
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t k0 = (g * blocks + b) * kBlock;
        for (int64_t l = 0; l < bits; ++l)
          _mm_prefetch(reinterpret_cast<const char*>(w + (prefetch_blocks<bits>() * bits + l) * kTile),
                       _MM_HINT_T0);
        plane_256<M, P0>(w, xs + k0, xstride, acc);
        w += P0 * kTile;
        if constexpr (P1 > 0) {
          plane_256<M, P1>(w, xs + p.K + k0, xstride, acc);
          w += P1 * kTile;
        }
        if constexpr (P2 > 0) {
          plane_256<M, P2>(w, xs + 2 * p.K + k0, xstride, acc);
          w += P2 * kTile;
        }
      }
      const __m256 s = _mm256_loadu_ps(scales + g * kTile);
      const __m256 z = _mm256_loadu_ps(zs + g * kTile);
      for (int m = 0; m < M; ++m) {
        __m256 total = acc[m][0];
        for (int a = 1; a < A; ++a) total = _mm256_add_ps(total, acc[m][a]);
        y[m] = _mm256_fmadd_ps(s, total, y[m]);
        y[m] = _mm256_fnmadd_ps(z, _mm256_set1_ps(p.sx[(m0 + m) * p.NG + g]), y[m]);
      }
    }
    for (int m = 0; m < M; ++m)
      _mm256_storeu_ps(p.y + (m0 + m) * p.T * kTile + t * kTile + half * 8, y[m]);
  }
}

// ---------------------------------------------------------------- AVX-512 VNNI: 64 codes a step
// Bytes of plane P's group c (four consecutive k, one per byte), moved to bit `shift` of each byte.
template <int P, int Shift>
ND_VNNI inline __m512i plane_bytes(const int32_t* w, int c) {
  constexpr int per_word = 8 / P;
  const int j = c % per_word;
  const __m512i word = _mm512_loadu_si512(w + (c / per_word) * kTile);
  const int move = P * j - Shift;  // right shift that puts field j at bit `Shift` of its byte
  const __m512i moved = move > 0   ? _mm512_srli_epi32(word, move)
                        : move < 0 ? _mm512_slli_epi32(word, -move)
                                   : word;
  return moved;
}

template <int P, int Shift>
constexpr int byte_mask() {
  return static_cast<int>((((1u << P) - 1u) << Shift) * 0x01010101u);
}

template <int M, int P0, int P1, int P2>
ND_VNNI void tile_vnni(const Problem& p, int64_t t, int64_t m0) {
  constexpr int A = M == 1 ? 2 : 1;  // independent accumulators per digit, to hide latency
  constexpr int64_t bits = P0 + P1 + P2;
  const int32_t* w = p.words + t * (p.K / kBlock) * bits * kTile;
  const float* scales = p.scales + t * p.NG * kTile;
  const float* zs = p.zs + t * p.NG * kTile;
  __m512 y[M];
  for (int m = 0; m < M; ++m) y[m] = _mm512_setzero_ps();
  const int64_t blocks = p.G / kBlock;
  for (int64_t g = 0; g < p.NG; ++g) {
    __m512i acc[M][3][A];
    for (int m = 0; m < M; ++m)
      for (int d = 0; d < 3; ++d)
        for (int a = 0; a < A; ++a) acc[m][d][a] = _mm512_setzero_si512();
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t k0 = (g * blocks + b) * kBlock;
      for (int64_t l = 0; l < bits; ++l)
        _mm_prefetch(reinterpret_cast<const char*>(w + (prefetch_blocks<bits>() * bits + l) * kTile),
                     _MM_HINT_T0);
#pragma GCC unroll 8
      for (int c = 0; c < 8; ++c) {
        __m512i v = plane_bytes<P0, 0>(w, c);
        if constexpr (P0 < 8) v = _mm512_and_si512(v, _mm512_set1_epi32(byte_mask<P0, 0>()));
        if constexpr (P1 > 0) {
          const __m512i v1 = plane_bytes<P1, P0>(w + P0 * kTile, c);
          v = _mm512_ternarylogic_epi32(v, v1, _mm512_set1_epi32(byte_mask<P1, P0>()), 0xF8);
        }
        if constexpr (P2 > 0) {
          const __m512i v2 = plane_bytes<P2, P0 + P1>(w + (P0 + P1) * kTile, c);
          v = _mm512_ternarylogic_epi32(v, v2, _mm512_set1_epi32(byte_mask<P2, P0 + P1>()),
                                        0xF8);
        }
        for (int m = 0; m < M; ++m) {
          const int8_t* xd = p.xd + (m0 + m) * 3 * p.K + k0 + 4 * c;
          for (int d = 0; d < 3; ++d) {
            int32_t digits;
            std::memcpy(&digits, xd + d * p.K, sizeof(digits));
            acc[m][d][c % A] =
                _mm512_dpbusd_epi32(acc[m][d][c % A], v, _mm512_set1_epi32(digits));
          }
        }
      }
      w += bits * kTile;
    }
    const __m512 s = _mm512_loadu_ps(scales + g * kTile);
    const __m512 z = _mm512_loadu_ps(zs + g * kTile);
    for (int m = 0; m < M; ++m) {
      __m512i sum[3];
      for (int d = 0; d < 3; ++d) {
        sum[d] = acc[m][d][0];
        for (int a = 1; a < A; ++a) sum[d] = _mm512_add_epi32(sum[d], acc[m][d][a]);
      }
      __m512 total = _mm512_fmadd_ps(_mm512_set1_ps(256.f), _mm512_cvtepi32_ps(sum[1]),
                                     _mm512_cvtepi32_ps(sum[0]));
      total = _mm512_fmadd_ps(_mm512_set1_ps(65536.f), _mm512_cvtepi32_ps(sum[2]), total);
      const __m512 scale = _mm512_mul_ps(s, _mm512_set1_ps(p.xe[(m0 + m) * p.NG + g]));
      y[m] = _mm512_fmadd_ps(scale, total, y[m]);
      y[m] = _mm512_fnmadd_ps(z, _mm512_set1_ps(p.sx[(m0 + m) * p.NG + g]), y[m]);
    }
  }
  for (int m = 0; m < M; ++m) _mm512_storeu_ps(p.y + (m0 + m) * p.T * kTile + t * kTile, y[m]);
}

template <int P0, int P1, int P2>
ND_VNNI void tiles_vnni(const Problem& p, int64_t t0, int64_t t1) {
  for (int64_t t = t0; t < t1; ++t) {
    for (int64_t m0 = 0; m0 < p.M;) {
      const int64_t left = p.M - m0;
      if (left >= 4) { tile_vnni<4, P0, P1, P2>(p, t, m0); m0 += 4; }
      else if (left >= 2) { tile_vnni<2, P0, P1, P2>(p, t, m0); m0 += 2; }
      else { tile_vnni<1, P0, P1, P2>(p, t, m0); m0 += 1; }
    }
  }
}

// Batch rows are processed 8, 4, 2 or 1 at a time so the decoded weights are reused across them.
template <int P0, int P1, int P2>
ND_AVX512 void tiles_512(const Problem& p, int64_t t0, int64_t t1) {
  for (int64_t t = t0; t < t1; ++t) {
    for (int64_t m0 = 0; m0 < p.M;) {
      const int64_t left = p.M - m0;
      if (left >= 8) { tile_512<8, P0, P1, P2>(p, t, m0); m0 += 8; }
      else if (left >= 4) { tile_512<4, P0, P1, P2>(p, t, m0); m0 += 4; }
      else if (left >= 2) { tile_512<2, P0, P1, P2>(p, t, m0); m0 += 2; }
      else { tile_512<1, P0, P1, P2>(p, t, m0); m0 += 1; }
    }
  }
}

template <int P0, int P1, int P2>
ND_AVX2 void tiles_256(const Problem& p, int64_t t0, int64_t t1) {
  for (int64_t t = t0; t < t1; ++t) {
    for (int64_t m0 = 0; m0 < p.M;) {
      const int64_t left = p.M - m0;
      if (left >= 4) { tile_256<4, P0, P1, P2>(p, t, m0); m0 += 4; }
      else if (left >= 2) { tile_256<2, P0, P1, P2>(p, t, m0); m0 += 2; }
      else { tile_256<1, P0, P1, P2>(p, t, m0); m0 += 1; }
    }
  }
}

using TileRange = void (*)(const Problem&, int64_t, int64_t);

template <template <int, int, int> class Pick>
TileRange pick_by_bits(int64_t bits) {
  switch (bits) {
    case 2: return Pick<2, 0, 0>::fn;
    case 3: return Pick<2, 1, 0>::fn;
    case 4: return Pick<4, 0, 0>::fn;
    case 5: return Pick<4, 1, 0>::fn;
    case 6: return Pick<4, 2, 0>::fn;
    case 7: return Pick<4, 2, 1>::fn;
    default: return Pick<8, 0, 0>::fn;
  }
}

template <int P0, int P1, int P2>
struct Pick512 {
  static constexpr TileRange fn = &tiles_512<P0, P1, P2>;
};
template <int P0, int P1, int P2>
struct PickVnni {
  static constexpr TileRange fn = &tiles_vnni<P0, P1, P2>;
};
template <int P0, int P1, int P2>
struct Pick256 {
  static constexpr TileRange fn = &tiles_256<P0, P1, P2>;
};
#endif  // ND_X86

int64_t best_isa() {
#if ND_X86
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  if (avx512 && __builtin_cpu_supports("avx512vnni")) return kVnni;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
    return kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return kAvx2;
#endif
  return kScalar;
}

// ---------------------------------------------------------------- threads
// Rows are split over threads in chunks that threads claim from a shared counter. Unlike an
// OpenMP parallel region (whose join waits until every thread has been scheduled: on a shared,
// oversubscribed machine that costs whole 4 ms scheduler ticks, measured here), the caller
// only waits for chunks a helper has actually claimed; chunks no helper reaches it runs itself.
class Pool {
 public:
  explicit Pool(int helpers) {
    for (int i = 0; i < helpers; ++i) threads_.emplace_back([this, i] { loop(i); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  int helpers() const { return static_cast<int>(threads_.size()); }

  // Run job(i) for i in [0, n) on the caller and up to `helpers` pool threads.
  void run(int64_t n, int helpers, const std::function<void(int64_t)>& job) {
    if (helpers <= 0 || n <= 1 || threads_.empty() || serial_calls_ > 0) {
      if (serial_calls_ > 0) --serial_calls_;
      for (int64_t i = 0; i < n; ++i) job(i);
      return;
    }
    uint64_t generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation = ++generation_;
      job_ = &job;
      total_ = n;
      active_ = helpers;
      done_.store(0, std::memory_order_relaxed);
      next_.store(generation << 32, std::memory_order_release);
      published_.store(generation, std::memory_order_release);
    }
    wake_.notify_all();
    work(generation, job, n);
    const auto waiting_since = std::chrono::steady_clock::now();
    // Spin briefly for chunks a helper is finishing, then block: a helper that was preempted
    // mid-chunk gets this core (the idle balancer moves it) instead of waiting out a tick.
    for (int spin = 0; done_.load(std::memory_order_acquire) < n; ++spin) {
      if (spin < 4000) {
        pause();
        continue;
      }
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [&] { return done_.load(std::memory_order_acquire) >= n; });
    }
    // A helper that was preempted mid-chunk cost more than its help is worth: the machine is
    // oversubscribed, so run the next calls on the caller alone and try helpers again later.
    if (std::chrono::steady_clock::now() - waiting_since > std::chrono::microseconds(200))
      serial_calls_ = 64;
  }

 private:
  static void pause() {
#if ND_X86
    _mm_pause();
#endif
  }

  // Claim chunks of `generation` until none are left; a stale generation claims nothing.
  void work(uint64_t generation, const std::function<void(int64_t)>& job, int64_t n) {
    uint64_t seen = next_.load(std::memory_order_acquire);
    while ((seen >> 32) == generation && static_cast<int64_t>(seen & 0xFFFFFFFFu) < n) {
      if (next_.compare_exchange_weak(seen, seen + 1, std::memory_order_acq_rel)) {
        job(static_cast<int64_t>(seen & 0xFFFFFFFFu));
        if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == n) {
          std::lock_guard<std::mutex> lock(mutex_);
          finished_.notify_all();
        }
        seen = next_.load(std::memory_order_acquire);
      }
    }
  }

  void loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      // spin briefly (~50 us) so back-to-back calls find helpers awake; longer spinning starves
      // torch's own OpenMP threads between our calls (measured: decoding steps got slower)
      for (int spin = 0; spin < 2000 && published_.load(std::memory_order_acquire) == seen;
           ++spin)
        pause();
      const std::function<void(int64_t)>* job;
      int64_t n;
      uint64_t generation;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation = generation_;
        if (index >= active_) continue;
        job = job_;
        n = total_;
      }
      work(generation, *job, n);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_;
  bool stop_ = false;
  uint64_t generation_ = 0;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t total_ = 0;
  int active_ = 0;
  int serial_calls_ = 0;  // only the calling thread touches it
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> next_{0};
  std::atomic<int64_t> done_{0};
};

void parallel_chunks(int64_t n, const std::function<void(int64_t)>& job) {
  static Pool pool(std::max(0, at::get_num_threads() - 1));
  pool.run(n, std::min(pool.helpers(), at::get_num_threads() - 1), job);
}

}  // namespace

// y = x @ W.T (+ bias) for W in the tiled plane layout; isa = -1 picks the best this CPU runs.
at::Tensor qmatmul(const at::Tensor& x_in, const at::Tensor& words, const at::Tensor& scales,
                   const at::Tensor& zs, const c10::optional<at::Tensor>& bias, int64_t bits,
                   int64_t group_size, int64_t out_features, int64_t isa) {
  TORCH_CHECK(x_in.dim() == 2, "x must be 2-d (M, K)");
  const at::Tensor x = x_in.to(at::kFloat).contiguous();
  const int64_t M = x.size(0), K = x.size(1);
  TORCH_CHECK(words.scalar_type() == at::kInt && words.is_contiguous() && words.dim() == 4,
              "words must be contiguous int32 (T, K/32, bits, 16)");
  const int64_t T = words.size(0);
  TORCH_CHECK(words.size(1) * kBlock == K && words.size(2) == bits && words.size(3) == kTile,
              "words shape does not match x or bits");
  TORCH_CHECK(group_size % kBlock == 0 && K % group_size == 0, "bad group size");
  const int64_t NG = K / group_size;
  TORCH_CHECK(scales.scalar_type() == at::kFloat && scales.is_contiguous() &&
                  scales.numel() == T * NG * kTile,
              "scales must be contiguous float32 (T, K/group_size, 16)");
  TORCH_CHECK(zs.scalar_type() == at::kFloat && zs.is_contiguous() && zs.numel() == T * NG * kTile,
              "zs must be contiguous float32 (T, K/group_size, 16)");
  TORCH_CHECK(out_features <= T * kTile, "out_features exceeds the packed rows");
  const int64_t supported = best_isa();
  if (isa < 0) isa = supported;
  TORCH_CHECK(isa <= supported, "requested ISA ", isa, " is not supported by this CPU");

  const PlaneSet ps = planes_for(bits);
  const float* xp = x.data_ptr<float>();
  const bool fp32_path = isa == kAvx2 || isa == kAvx512;
  std::vector<float> xs(fp32_path ? static_cast<size_t>(M * ps.n * K) : 0);
  std::vector<int8_t> xd(isa == kVnni ? static_cast<size_t>(M * 3 * K) : 0);
  std::vector<float> xe(static_cast<size_t>(M * NG));
  std::vector<float> sx(static_cast<size_t>(M * NG));
  for (int64_t m = 0; m < M; ++m) {
    const float* xm = xp + m * K;
    for (int pl = 0; fp32_path && pl < ps.n; ++pl) {
      const int P = ps.width[pl];
      float* out = xs.data() + (m * ps.n + pl) * K;
      for (int64_t kb = 0; kb < K / kBlock; ++kb)
        for (int wi = 0; wi < P; ++wi)
          for (int i = 0; i < 32 / P; ++i)
            out[kb * kBlock + wi * (32 / P) + i] =
                xm[kb * kBlock + field_k(P, wi, i)] * std::ldexp(1.f, ps.shift[pl] - P * i);
    }
    for (int64_t g = 0; g < NG; ++g) {
      double total = 0.0;
      float amax = 0.f;
      for (int64_t k = g * group_size; k < (g + 1) * group_size; ++k) {
        total += xm[k];
        amax = std::max(amax, std::fabs(xm[k]));
      }
      sx[m * NG + g] = static_cast<float>(total);
      if (isa != kVnni) continue;
      // x = X * 2^-E with |X| <= 2^22, X = d0 + 256 d1 + 65536 d2, every digit a signed byte
      int exponent = 0;
      std::frexp(amax, &exponent);
      const int E = amax > 0.f ? 22 - exponent : 0;
      xe[m * NG + g] = std::ldexp(1.f, -E);
      const float up = std::ldexp(1.f, E);  // exact: a power of two
      for (int64_t k = g * group_size; k < (g + 1) * group_size; ++k) {
        int32_t X = static_cast<int32_t>(std::lrint(xm[k] * up));
        for (int d = 0; d < 3; ++d) {
          const int32_t digit = d < 2 ? ((X + 128) & 255) - 128 : X;
          xd[(m * 3 + d) * K + k] = static_cast<int8_t>(digit);
          X = (X - digit) / 256;
        }
      }
    }
  }
  at::Tensor y = at::empty({M, T * kTile}, x.options());
  Problem p{words.data_ptr<int32_t>(),
            scales.data_ptr<float>(),
            zs.data_ptr<float>(),
            xp,
            xs.data(),
            xd.data(),
            xe.data(),
            sx.data(),
            y.data_ptr<float>(),
            M, K, NG, group_size, T, bits, ps.n};

  TileRange run = nullptr;
#if ND_X86
  if (isa == kVnni) run = pick_by_bits<PickVnni>(bits);
  if (isa == kAvx512) run = pick_by_bits<Pick512>(bits);
  if (isa == kAvx2) run = pick_by_bits<Pick256>(bits);
#endif
  constexpr int64_t chunk = 4;  // tiles (64 rows) per claim
  const int64_t chunks = (T + chunk - 1) / chunk;
  parallel_chunks(chunks, [&](int64_t c) {
    const int64_t t0 = c * chunk, t1 = std::min(T, t0 + chunk);
    if (run != nullptr) {
      run(p, t0, t1);
    } else {
      for (int64_t t = t0; t < t1; ++t) tile_scalar(p, ps, t);
    }
  });
  if (out_features != T * kTile) y = y.narrow(1, 0, out_features).contiguous();
  if (bias.has_value() && bias->defined()) y.add_(bias->to(at::kFloat));
  return y;
}

#if ND_X86
ND_AVX512 static int64_t stream_sum_512(const int32_t* data, int64_t n) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_add_epi32(a0, _mm512_loadu_si512(data + i));
    a1 = _mm512_add_epi32(a1, _mm512_loadu_si512(data + i + 16));
    a2 = _mm512_add_epi32(a2, _mm512_loadu_si512(data + i + 32));
    a3 = _mm512_add_epi32(a3, _mm512_loadu_si512(data + i + 48));
  }
  int64_t total = _mm512_reduce_add_epi32(
      _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)));
  for (; i < n; ++i) total += data[i];
  return total;
}
#endif

// Read every word of `data` once with all threads (the streaming read bandwidth probe).
int64_t stream_read(const at::Tensor& data) {
  TORCH_CHECK(data.scalar_type() == at::kInt && data.is_contiguous(), "need contiguous int32");
  const int32_t* ptr = data.data_ptr<int32_t>();
  const int64_t n = data.numel();
  const bool wide = best_isa() >= kAvx512;
  constexpr int64_t chunk = 1 << 20;  // 4 MiB per claim
  const int64_t chunks = (n + chunk - 1) / chunk;
  std::vector<int64_t> partial(static_cast<size_t>(chunks), 0);
  parallel_chunks(chunks, [&](int64_t c) {
    const int64_t b = c * chunk, e = std::min(n, b + chunk);
    int64_t total = 0;
#if ND_X86
    if (wide) {
      total = stream_sum_512(ptr + b, e - b);
    } else
#endif
    {
      for (int64_t i = b; i < e; ++i) total += ptr[i];
    }
    partial[static_cast<size_t>(c)] = total;
  });
  int64_t total = 0;
  for (const int64_t v : partial) total += v;
  return total;
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.doc() = "neurodebug low-bit CPU kernels";
  m.def("qmatmul", &qmatmul, "fused dequantize-matmul for 2-8 bit tiled weights");
  m.def("best_isa", &best_isa, "0 scalar, 1 AVX2, 2 AVX-512, 3 AVX-512 VNNI");
  m.def("stream_read", &stream_read, "read a tensor once with all threads");
}
