/* Instantiates kernels_body.inc once per instruction set and dispatches between them. Each inclusion
 * defines the parameters kernels_body.inc lists; it undefines them at its end. */
#include "CKernels.h"

/* No system headers but stddef.h (from the compiler), so that the file also compiles for other targets. */

#define CK_PASTE_(a, b) a##b


/* Columns per chunk of `fer_product_columns`: taps x chunk floats (16 KiB) stay in L1. */
static long fer_product_chunk(int taps, long tile) {
    long chunk = 4096 / (taps > 0 ? taps : 1) / tile * tile;
    return chunk < tile ? tile : chunk > 16 * tile ? 16 * tile : chunk;
}

long fer_product_pack_floats(int taps) {
    /* A chunk plus a remainder shorter than a tile, rounded up to a vector, for the widest need of
     * the three tile widths (baseline 8, AVX2 16, AVX-512 48 columns). */
    const long tiles[3] = {8, 16, 48};
    long most = 0;
    for (int i = 0; i < 3; i++) {
        long need = fer_product_chunk(taps, tiles[i]) + 2 * tiles[i] + 16;
        if (need > most) most = need;
    }
    /* Then the pack's tap offsets (a ptrdiff_t is two floats), at an even float count so that they are
     * 8-byte aligned when the pack is. */
    long floats = (long)taps * most;
    return (floats + 1) / 2 * 2 + 2 * (long)taps;
}

long fer_depthwise3x3_row_pitch(long out_width, int stride) {
    /* A row: the padded input (out_width + 2 at stride 1), room for the last 16-wide window; at stride 2
     * two such halves, the even and the odd columns. */
    long half = out_width + 20;
    return stride == 1 ? half : 2 * half;
}

long fer_max_pool_row_floats(long width, int pad_left, int pad_right, long out_width, int kernel_w, int stride_w) {
    /* Stride 2 reads two vectors (of at most 16) from column 2 * ox + kx of the last window. */
    long padded = pad_left + width + pad_right, reach = (long)stride_w * out_width + kernel_w + 2 * 16;
    return padded > reach ? padded : reach;
}

/* MARK: - Baseline: 4-wide generic vectors (SSE2 on x86-64, NEON on aarch64) */
typedef float v4 __attribute__((vector_size(16)));
typedef float v4u __attribute__((vector_size(16), aligned(4)));
typedef int i4 __attribute__((vector_size(16)));
#define VEC v4
#define VECI i4
#define VECU v4u
#define W 4
#define SUFFIX baseline
#if defined(__aarch64__)
#define FMA(a, b, c) __builtin_elementwise_fma(a, b, c)
#else
#define FMA(a, b, c) ((a) * (b) + (c))
#endif
#define EVEN_LANES(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6)
#define ODD_LANES(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7)
#define SHIFT_IN_LEFT(z, a) __builtin_shufflevector(z, a, 3, 4, 5, 6)
#define SHIFT_IN_RIGHT(a, z) __builtin_shufflevector(a, z, 1, 2, 3, 4)
#define DUP_LO(a) __builtin_shufflevector(a, a, 0, 0, 1, 1)
#define DUP_HI(a) __builtin_shufflevector(a, a, 2, 2, 3, 3)
#define ZIP_LO(a, b) __builtin_shufflevector(a, b, 0, 4, 1, 5)
#define ZIP_HI(a, b) __builtin_shufflevector(a, b, 2, 6, 3, 7)
#define COL_ROWS 4
#define COL_VECS 2 /* 8 accumulators: with 3, 16 registers are one short and an accumulator spills */
#define CH_COLS 2 /* x 4 vectors of channels: 8 accumulators */
#define NC_VECS 4 /* one block x 2 pixels: 8 accumulators, 13 registers */
#define NC_PIX 2
#define NC_MAX_PIX 2
#include "kernels_body.inc"

#if defined(__x86_64__)
/* MARK: - AVX2 + FMA: 8 lanes, 16 registers */
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));
typedef int i8 __attribute__((vector_size(32)));
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define VEC v8
#define VECI i8
#define VECU v8u
#define W 8
#define SUFFIX avx2
#define FMA(a, b, c) __builtin_elementwise_fma(a, b, c)
#define EVEN_LANES(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define ODD_LANES(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define SHIFT_IN_LEFT(z, a) __builtin_shufflevector(z, a, 7, 8, 9, 10, 11, 12, 13, 14)
#define SHIFT_IN_RIGHT(a, z) __builtin_shufflevector(a, z, 1, 2, 3, 4, 5, 6, 7, 8)
#define DUP_LO(a) __builtin_shufflevector(a, a, 0, 0, 1, 1, 2, 2, 3, 3)
#define DUP_HI(a) __builtin_shufflevector(a, a, 4, 4, 5, 5, 6, 6, 7, 7)
#define ZIP_LO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define ZIP_HI(a, b) __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#define COL_ROWS 4
#define COL_VECS 2 /* as baseline: 4 x 3 tiles need 17 registers */
#define CH_COLS 6 /* x 2 vectors of channels: 12 accumulators, 15 registers */
#define NC_VECS 2 /* one block x 6 pixels: 12 accumulators, 15 registers */
#define NC_PIX 6
#define NC_MAX_PIX 6
#include "kernels_body.inc"
#pragma clang attribute pop

/* MARK: - AVX-512: 16 lanes, 32 registers */
typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));
typedef int i16 __attribute__((vector_size(64)));
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"))), \
                             apply_to = function)
#define VEC v16
#define VECI i16
#define VECU v16u
#define W 16
#define SUFFIX avx512
#define FMA(a, b, c) __builtin_elementwise_fma(a, b, c)
#define EVEN_LANES(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
#define ODD_LANES(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)
#define SHIFT_IN_LEFT(z, a) __builtin_shufflevector(z, a, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30)
#define SHIFT_IN_RIGHT(a, z) __builtin_shufflevector(a, z, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
#define DUP_LO(a) __builtin_shufflevector(a, a, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7)
#define DUP_HI(a) __builtin_shufflevector(a, a, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15)
#define ZIP_LO(a, b) __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
#define ZIP_HI(a, b) __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#define COL_ROWS 8
#define COL_VECS 3 /* 24 accumulators of 32 registers */
#define CH_COLS 12 /* 12 accumulators: more in flight than the FMA latency needs */
#define NC_VECS 4 /* four blocks x 6 pixels: 24 accumulators */
#define NC_PIX 6
#define NC_MAX_PIX 12 /* one block x 12 pixels (24 were slower: too many pointers) */
#include "kernels_body.inc"
#pragma clang attribute pop
#endif

/* MARK: - Dispatch */

int fer_isa_supported(int isa) {
    switch (isa) {
    case FER_ISA_BASELINE: return 1;
#if defined(__x86_64__)
    case FER_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case FER_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
               && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
#endif
    default: return 0;
    }
}

int fer_isa_best(void) {
    if (fer_isa_supported(FER_ISA_AVX512)) return FER_ISA_AVX512;
    if (fer_isa_supported(FER_ISA_AVX2)) return FER_ISA_AVX2;
    return FER_ISA_BASELINE;
}

#if defined(__x86_64__)
#define DISPATCH(isa, name, ...)                                                   \
    switch (isa) {                                                                 \
    case FER_ISA_AVX512: CK_PASTE_(name, _avx512)(__VA_ARGS__); break;            \
    case FER_ISA_AVX2: CK_PASTE_(name, _avx2)(__VA_ARGS__); break;                \
    default: CK_PASTE_(name, _baseline)(__VA_ARGS__); break;                      \
    }
#else
#define DISPATCH(isa, name, ...) \
    (void)(isa);                 \
    CK_PASTE_(name, _baseline)(__VA_ARGS__);
#endif

void fer_product_columns(int isa, const fer_product *p, const float *packed) {
    DISPATCH(isa, product_columns, p, packed)
}

void fer_product_channels_gather(const fer_product *p, const ptrdiff_t *columns) {
    float *gathered = p->pack;
    for (int t = 0; t < p->taps; t++) {
        const float *row = p->src + p->offsets[t];
        float *to = gathered + (long)t * p->n;
        if (columns) {
            for (long c = 0; c < p->n; c++) to[c] = row[columns[c]];
        } else {
            for (long c = 0; c < p->n; c++) to[c] = row[c];
        }
    }
}

void fer_product_channels(int isa, const fer_product *p, const float *packed) {
    DISPATCH(isa, product_channels, p, packed)
}

void fer_depthwise3x3(int isa, const fer_depthwise *d, const float *w9, const fer_epilogue *e) {
    DISPATCH(isa, depthwise3x3, d, w9, e)
}

void fer_max_pool(int isa, const fer_maxpool *mp) {
    DISPATCH(isa, max_pool, mp)
}

void fer_split_phases(int isa, const fer_phases *ph) {
    DISPATCH(isa, split_phases, ph)
}


void fer_upsample2x(int isa, const float *x, long height, long width, const float *addend, float *y) {
    DISPATCH(isa, upsample2x, x, height, width, addend, y)
}

void fer_sigmoid_run(int isa, const float *x, float *y, long n) {
    DISPATCH(isa, sigmoid_run, x, y, n)
}

void fer_blocked_conv_run(int isa, const fer_blocked_conv *c, const float *packed) {
    DISPATCH(isa, blocked_conv_run, c, packed)
}

void fer_blocked_depthwise3x3(int isa, const fer_blocked_depthwise *d) {
    DISPATCH(isa, blocked_depthwise3x3, d)
}

void fer_blocked_max_pool(int isa, const fer_blocked_pool *p) {
    DISPATCH(isa, blocked_max_pool, p)
}

void fer_to_blocked(int isa, const float *x, int channels, long height, long width, float *y, long y_block) {
    fer_blocked_border(y, (channels + FER_BLOCK - 1) / FER_BLOCK, y_block, height, width);
    DISPATCH(isa, to_blocked, x, channels, height, width, y, y_block)
}

void fer_from_blocked(int isa, const float *x, long x_block, int channels, long height, long width, float *y) {
    DISPATCH(isa, from_blocked, x, x_block, channels, height, width, y)
}

void fer_blocked_border(float *y, int blocks, long y_block, long height, long width) {
    const long pitch = width + 2;
    for (int b = 0; b < blocks; b++) {
        float *block = y + b * y_block;
        for (long i = 0; i < pitch * FER_BLOCK; i++) {
            block[i] = 0;
            block[(height + 1) * pitch * FER_BLOCK + i] = 0;
        }
        for (long r = 1; r <= height; r++) {
            for (int k = 0; k < FER_BLOCK; k++) {
                block[r * pitch * FER_BLOCK + k] = 0;
                block[(r * pitch + width + 1) * FER_BLOCK + k] = 0;
            }
        }
    }
}

void fer_copy_rows(const float *x, long x_pitch, float *y, long y_pitch, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        const float *from = x + r * x_pitch;
        float *to = y + r * y_pitch;
        for (long c = 0; c < cols; c++) to[c] = from[c];
    }
}
