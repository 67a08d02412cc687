#pragma once
/* The engine's hot loops in C, compiled once per instruction set and chosen at run time.
 *
 * No -march: the AVX2 and AVX-512 variants carry their own target attributes, so one portable binary
 * runs everywhere and uses what the CPU it runs on has. `FER_ISA_BASELINE` is 4-wide generic vectors:
 * SSE2 on x86-64, NEON on aarch64. */

#include <stddef.h>

/* Instruction sets. */
typedef enum {
    FER_ISA_BASELINE = 0,
    FER_ISA_AVX2 = 1,   /* AVX2 + FMA (x86-64-v3) */
    FER_ISA_AVX512 = 2, /* AVX-512 F/VL/DQ/BW (x86-64-v4) */
} fer_isa;

/* Whether this CPU (and this build) can run `isa`. */
int fer_isa_supported(int isa);

/* The widest instruction set this CPU supports. */
int fer_isa_best(void);

/* One output channel's bias and activation: y = clamp(x + bias, lo, hi) + slope * min(x + bias, 0),
 * or y = sigmoid(x + bias) when `sigmoid` is set. */
typedef struct {
    float bias, lo, hi, slope;
    int sigmoid;
} fer_epilogue;

/* out[m][j] = epilogue[m](sum_t w[m][t] * src[offsets[t] + j] (+ residual[m][j])) for m < outputs, j < n:
 * the product behind the 1x1 and direct convolutions. */
typedef struct {
    const float *src;
    const ptrdiff_t *offsets; /* one per tap */
    int taps;
    int outputs;
    long n;
    float *out;
    long out_stride;
    const fer_epilogue *epilogues; /* one per output */
    float *pack; /* columns: scratch of fer_product_pack_floats(taps) floats, or NULL to read in place;
                    channels: the gathered input (taps x n floats) */
    const float *residual; /* NULL, or a tensor laid out as `out` (row m at residual + m * out_stride) added
                              after the bias and before the activation: a fused residual Add */
} fer_product;

/* Scratch floats `fer_product_columns` needs for `taps` taps (any instruction set; an even count, to be
 * given 8-byte aligned). */
long fer_product_pack_floats(int taps);

/* Output channels per block of `fer_product_columns`' packed weights. */
#define FER_COLUMN_BLOCK 8
/* Output channels per block of `fer_product_channels`' packed weights. */
#define FER_CHANNEL_BLOCK 16

/* Vectors along the columns (pixels), weights packed as [ceil(outputs / 8)][taps][8]:
 * for planes of many pixels. */
void fer_product_columns(int isa, const fer_product *p, const float *packed);

/* Vectors along the output channels, weights packed as [ceil(outputs / 16)][taps][16]: for small planes
 * with many channels, where pixel-wise tiles would stay mostly empty. Reads the input from `pack`, filled
 * by `fer_product_channels_gather`; writes out[m * out_stride + j] for j < n. */
void fer_product_channels(int isa, const fer_product *p, const float *packed);

/* Copies the n used columns of every tap row (columns[c] from the row's start, or c when columns is
 * NULL) into p->pack as [taps][n]: taps x n floats. */
void fer_product_channels_gather(const fer_product *p, const ptrdiff_t *columns);

/* A 3x3 depthwise convolution of one channel, stride 1 or 2 (both ways), padding 0 or 1. */
typedef struct {
    const float *x;
    long height, width;
    int pad_top, pad_left, stride;
    long out_height, out_width;
    float *y;
    /* Scratch: 13 rows of `fer_depthwise3x3_row_pitch` floats, zeroed once when allocated (only the
     * same positions are ever written, so the borders stay zero). */
    float *rows;
    /* Non-zero: a 2x2 max pool of stride 2 without padding follows (stride 1 only, out_height and
     * out_width at least 2). `y` then receives out_height / 2 rows of out_width / 2: each pair of output
     * rows is pooled from scratch as it is computed. */
    int pool;
} fer_depthwise;

/* Floats per scratch row of `fer_depthwise3x3`. */
long fer_depthwise3x3_row_pitch(long out_width, int stride);

/* Each input row is copied once into a zero-bordered scratch row (split into even and odd columns for
 * stride 2), so that every tap of an output row is one contiguous run; the epilogue is fused. */
void fer_depthwise3x3(int isa, const fer_depthwise *d, const float *w9, const fer_epilogue *e);

/* One channel of a max pool (dilation 1; vectors at stride 1 or 2 along x, else scalar). */
typedef struct {
    const float *x;
    long height, width;
    int kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
    long out_height, out_width;
    float *y;
    /* Scratch: out_height rows of `pitch` (at least `fer_max_pool_row_floats`) floats, all -infinity when
     * allocated; only columns [pad_left, pad_left + width) of each are ever written, so the borders stay
     * -infinity. */
    float *rows;
    long pitch;
} fer_maxpool;

/* Floats per scratch row of `fer_maxpool`: the padded row and the farthest vector loads past it. */
long fer_max_pool_row_floats(long width, int pad_left, int pad_right, long out_width, int kernel_w, int stride_w);

/* The window's input rows of each output row maxed into its scratch row, then the window's columns. */
void fer_max_pool(int isa, const fer_maxpool *mp);

/* One input channel (or a band of its rows) split into zero-padded phase planes for a convolution of
 * stride sh x sw: phase
 * (py, px) holds the padded plane's rows py, py + sh, ... and columns px, px + sw, ..., so that every tap
 * of every output row reads a contiguous run. */
typedef struct {
    const float *plane;
    long height, width;
    int pad_top, pad_left, stride_h, stride_w;
    long rows, pitch, phase_stride; /* of each phase plane */
    long first_row, end_row;        /* the phase rows [first_row, end_row) to fill (end_row <= rows) */
    const unsigned char *used;      /* stride_h * stride_w flags: the phases some tap reads */
    float *dst;
} fer_phases;

void fer_split_phases(int isa, const fer_phases *ph);


/* A plane of height x width doubled both ways by nearest neighbour into y (2 height x 2 width), plus
 * `addend` (2 height x 2 width) unless it is NULL: a feature pyramid's upsampling and the Add after it. */
void fer_upsample2x(int isa, const float *x, long height, long width, const float *addend, float *y);

/* y[i] = 1 / (1 + e^-x[i]) for i < n (x and y may be the same): the same bits on every instruction set. */
void fer_sigmoid_run(int isa, const float *x, float *y, long n);

/* rows x cols floats from x (rows x_pitch apart) to y (rows y_pitch apart): one call for the many short rows
 * a memmove per row would cost more than it copies. */
void fer_copy_rows(const float *x, long x_pitch, float *y, long y_pitch, long rows, long cols);

/* MARK: - The blocked layout (NCHWc)
 *
 * A tensor of C channels over H x W is stored as ceil(C / 16) blocks of (H + 2) x (W + 2) pixels of 16
 * channels each: a pixel's 16 channels are one run, and a border of one pixel all round lets a 3x3
 * convolution with padding 1 read it without a test. Channels past C are zero weights' inputs, so only
 * finite values matter there. */

/* Channels per block of the blocked layout. */
#define FER_BLOCK 16

/* A convolution (one group, any kernel and stride) from blocked input to blocked output, the epilogue
 * fused: y = clamp(sum + bias (+ residual), lo, hi) + slope * min(that, 0). Output pixel i of the
 * [first, end) range reads its taps from x + in[i] (+ ky * x_row + kx * x_pixel + block * x_block +
 * channel * x_channel) and is stored at y + out[i]. The input is blocked (x_pixel 16, x_channel 1) or
 * zero-bordered NCHW planes (x_pixel 1, x_channel a plane, x_block 16 planes: a stem). Weights packed as
 * [out_blocks][in_channels][kernel_h][kernel_w][16]: every output channel sums its taps in the order
 * (input channel, ky, kx), as `fer_product_*` do. */
typedef struct {
    const float *x;
    long x_block, x_row, x_pixel, x_channel;
    int in_channels, kernel_h, kernel_w;
    float *y;
    long y_block;
    int out_blocks;
    const ptrdiff_t *in, *out;
    long first, end;
    const float *bias;     /* out_blocks * 16 */
    float lo, hi;
    const float *slopes;   /* out_blocks * 16, or NULL */
    const float *residual; /* laid out as y, or NULL */
} fer_blocked_conv;

void fer_blocked_conv_run(int isa, const fer_blocked_conv *c, const float *packed);

/* A depthwise 3x3 convolution (stride 1 or 2) of blocks [first_block, end_block) from blocked input to
 * blocked output, the epilogue fused as in `fer_blocked_conv`. `x` is each block's pixel that output (0, 0)'s
 * tap (0, 0) reads; `y` output (0, 0)'s place. Weights as [blocks][9][16]. */
typedef struct {
    const float *x;
    long x_block, x_row;
    int stride;
    float *y;
    long y_block, y_row, out_height, out_width;
    int first_block, end_block;
    const float *w, *bias; /* bias: blocks * 16 */
    float lo, hi;
    const float *slopes;   /* blocks * 16, or NULL */
} fer_blocked_depthwise;

void fer_blocked_depthwise3x3(int isa, const fer_blocked_depthwise *d);

/* A max pool (dilation 1) of blocks [first_block, end_block) from blocked input to blocked output: each output
 * pixel the maximum, channel by channel, of its window's pixels inside the input (the padding never wins). `x` and
 * `y` are each block's pixel (0, 0). */
typedef struct {
    const float *x;
    long x_block, x_row, height, width;
    float *y;
    long y_block, y_row, out_height, out_width;
    int kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
    int first_block, end_block;
} fer_blocked_pool;

void fer_blocked_max_pool(int isa, const fer_blocked_pool *p);

/* A plane of `channels` NCHW planes (height x width) into the blocked layout at y (blocks y_block floats
 * apart), border and missing channels zero; and back. */
void fer_to_blocked(int isa, const float *x, int channels, long height, long width, float *y, long y_block);
void fer_from_blocked(int isa, const float *x, long x_block, int channels, long height, long width, float *y);

/* Zeroes the one-pixel border of `blocks` blocked planes of height x width (blocks y_block floats apart). */
void fer_blocked_border(float *y, int blocks, long y_block, long height, long width);
