/* One horizontal pass of the exact §4.6 blur over rows of uint8 pixels (wavyte_core/blur.py).

   dst[y][i] = floor(0.5 + Σ_k kf[k] · src[y][clamp(x + k − r)·c + ch]),  i = x·c + ch,

   with kf = q / 65536 in float32. Every product and partial sum is an integer multiple of
   2^-16 below 256 (Σq = 65536, x ≤ 255: sums < 2^24 units), so float32 holds all of them
   exactly in any order and the float → uint8 truncation is the format's `(acc + 32768) >> 16`.
   The caller guarantees Σq = 65536 (blur.py keeps the theoretical Σq > 65536 case on OpenCV).

   Loaded with ctypes (which releases the GIL during the call, so blur.py runs row bands on
   several threads); the module init below only makes the file importable and findable.
   The inner loop keeps 64 outputs in vector registers and streams the padded row once per
   tap: AVX-512 and AVX2 variants are chosen at run time, plain C elsewhere. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define CHUNK 64

static void row_tail(const float *pad, uint8_t *out, int from, int n, int c, const float *kf,
                     int taps) {
    for (int i = from; i < n; i++) {
        float a = 0.5f;
        for (int k = 0; k < taps; k++) a += kf[k] * pad[i + k * c];
        out[i] = (uint8_t)(int)a;
    }
}

static void row_generic(const float *pad, uint8_t *out, int n, int c, const float *kf,
                        int taps) {
    int i = 0;
    for (; i + CHUNK <= n; i += CHUNK) {
        float acc[CHUNK];
        for (int j = 0; j < CHUNK; j++) acc[j] = 0.5f;
        for (int k = 0; k < taps; k++) {
            const float q = kf[k];
            const float *p = pad + i + k * c;
            for (int j = 0; j < CHUNK; j++) acc[j] += q * p[j];
        }
        for (int j = 0; j < CHUNK; j++) out[i + j] = (uint8_t)(int)acc[j];
    }
    row_tail(pad, out, i, n, c, kf, taps);
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define HAVE_X86_VARIANTS 1

/* CHUNK outputs in CHUNK / LANES vector accumulators of LANES floats. A row whose length is
   not a multiple of CHUNK ends with one more chunk aligned to its end, overlapping the one
   before (recomputing a few outputs is exact and cheaper than a scalar tail). */
#define ROW_BODY(VT, LANES)                                                                 \
    if (n < CHUNK) {                                                                        \
        row_tail(pad, out, 0, n, c, kf, taps);                                              \
        return;                                                                             \
    }                                                                                       \
    for (long i = 0;; i += CHUNK) {                                                         \
        if (i + CHUNK > n) {                                                                \
            if (i >= n) break;                                                              \
            i = n - CHUNK;                                                                  \
        }                                                                                   \
        VT acc[CHUNK / LANES];                                                              \
        for (int v = 0; v < CHUNK / LANES; v++) acc[v] = (VT){0} + 0.5f;                   \
        const float *p = pad + i;                                                           \
        for (int k = 0; k < taps; k++, p += c) {                                            \
            const float q = kf[k];                                                          \
            for (int v = 0; v < CHUNK / LANES; v++) {                                       \
                VT x;                                                                       \
                memcpy(&x, p + v * LANES, sizeof x);                                        \
                acc[v] += q * x;                                                            \
            }                                                                               \
        }                                                                                   \
        float res[CHUNK];                                                                   \
        memcpy(res, acc, sizeof res);                                                       \
        for (int j = 0; j < CHUNK; j++) out[i + j] = (uint8_t)(int)res[j];                  \
        if (i + CHUNK == n) break;                                                          \
    }

typedef float v16f __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma,avx2"))) static void
row_avx512(const float *pad, uint8_t *out, int n, int c, const float *kf, int taps) {
    ROW_BODY(v16f, 16)
}

__attribute__((target("avx2,fma"))) static void row_avx2(const float *pad, uint8_t *out,
                                                          int n, int c, const float *kf,
                                                          int taps) {
    ROW_BODY(v8f, 8)
}
#endif

typedef void (*row_fn)(const float *, uint8_t *, int, int, const float *, int);

/* The best variant this CPU runs: 2 = AVX-512, 1 = AVX2 + FMA, 0 = plain C. */
int wavyte_rowblur_best_isa(void) {
#ifdef HAVE_X86_VARIANTS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

/* Blur n_rows rows of w pixels × c channels (row strides in bytes) with the 2r+1 weights
   kf, clamp-to-edge. pad: scratch of at least (w + 2r)·c floats. isa: a value of
   wavyte_rowblur_best_isa() or lower. */
void wavyte_rowblur(const uint8_t *src, long src_stride, uint8_t *dst, long dst_stride,
                    int n_rows, int w, int c, const float *kf, int r, float *pad, int isa) {
    row_fn row = row_generic;
#ifdef HAVE_X86_VARIANTS
    if (isa >= 2)
        row = row_avx512;
    else if (isa == 1)
        row = row_avx2;
#else
    (void)isa;
#endif
    const int taps = 2 * r + 1;
    for (int y = 0; y < n_rows; y++) {
        const uint8_t *s = src + (long)y * src_stride;
        float *mid = pad + (long)r * c;
        for (int i = 0; i < w * c; i++) mid[i] = (float)s[i];
        for (int x = 0; x < r; x++)
            for (int ch = 0; ch < c; ch++) {
                pad[x * c + ch] = mid[ch];
                mid[(w + x) * c + ch] = mid[(w - 1) * c + ch];
            }
        row(pad, dst + (long)y * dst_stride, w * c, c, kf, taps);
    }
}

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_rowblur",
                                    "Exact §4.6 blur rows (loaded with ctypes).", -1, NULL};

PyMODINIT_FUNC PyInit__rowblur(void) { return PyModule_Create(&module); }
