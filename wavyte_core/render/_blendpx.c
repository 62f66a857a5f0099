/* The blend modes and track mattes of the numpy compositor, per pixel in C
   (wavyte_core/render/blend_native.py loads this with ctypes; blend_modes.py and matte.py
   keep the numpy + OpenCV reference, which gives the same bytes).

   Every formula is the one blend_modes.py's docstring writes down, with the same integer
   rounding and the same saturations as the reference's OpenCV calls:

   - mul(x, y) = (x·y + 127) // 255, computed as (t + (t >> 8)) >> 8 with t = x·y + 128 (the
     same value for every x·y ≤ 255², checked on all pairs by the tests);
     mul2(x, y) = (2·x·y + 127) // 255 the same way (see mul2 for its range); OpenCV's
     saturating add/subtract are sat_add / sat_sub.
   - The float32 modes (ColorDodge, ColorBurn, SoftLight, Hue, Saturation, Color, Luminosity)
     run the reference's numpy operations one IEEE float32 operation at a time, in the same
     order: this file is compiled with -ffp-contract=off (no fused multiply-add) and without
     -ffast-math, so each + − × ÷ √ min max rounds exactly as numpy's does. numpy's 0/1 float
     masks (x·(1 − m) + y·m) are plain selects here: for the finite values involved they give
     the same number up to the sign of a zero, which no later step can turn into a different
     byte. The float → uint8 cast is numpy's: truncation to int32, then the low byte.

   Pixels are premultiplied BGRA. Rows are independent, so the caller may split an image into
   row bands across threads (ctypes releases the GIL for the call). Each kernel is compiled
   twice, for AVX2 and for the baseline ISA, and picked at run time; the compiler vectorises
   the per-pixel loops (no intrinsics). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define INL static inline __attribute__((always_inline))
#define FCHUNK 64
#define ICHUNK 256

enum {
    M_ADD,
    M_SCREEN,
    M_DARKEN,
    M_LIGHTEN,
    M_DIFFERENCE,
    M_EXCLUSION,
    M_MULTIPLY,
    M_HARDLIGHT,
    M_OVERLAY,
    M_COLORDODGE,
    M_COLORBURN,
    M_SOFTLIGHT,
    M_HUE,
    M_SATURATION,
    M_COLOR,
    M_LUMINOSITY,
    M_NORMAL, /* source-over (compositor_numpy.over) */
    M_COUNT
};

/* ------------------------------------------------------------------------ integer helpers */

/* 16-bit lanes: every value below fits (x·y + 128 + 255 < 2^16), so the compiler packs 16
   of them per AVX2 register */
typedef uint16_t u16;

INL u16 mul(u16 x, u16 y) {
    u16 t = (u16)(x * y + 128u);
    return (u16)((u16)(t + (t >> 8)) >> 8);
}

/* mul2 where 2·x·y ≤ 2·255·127: the only case whose value is used (HardLight/Overlay pick it
   where the factor that is at most 127 makes it so; the other lane's wrapped value is
   discarded by the select) */
INL u16 mul2(u16 x, u16 y) {
    u16 t = (u16)(2u * x * y + 128u);
    return (u16)((u16)(t + (t >> 8)) >> 8);
}

INL u16 sat_add(u16 a, u16 b) {
    u16 t = (u16)(a + b);
    return t < 255u ? t : 255u;
}

INL u16 sat_sub(u16 a, u16 b) { return a > b ? (u16)(a - b) : 0u; }

INL u16 umin(u16 a, u16 b) { return a < b ? a : b; }

INL u16 umax(u16 a, u16 b) { return a > b ? a : b; }

/* -------------------------------------------------------------------------- float helpers */

/* np.float32 of 1e-30, 0.11, 0.59, 0.3 (hex: no decimal-to-float rounding question) */
#define F_TINY 0x1.4484c0p-100f
#define F_LUM_B 0x1.c28f5cp-4f
#define F_LUM_G 0x1.2e147ap-1f
#define F_LUM_R 0x1.333334p-2f

INL float fmin_(float a, float b) { return a < b ? a : b; }

INL float fmax_(float a, float b) { return a > b ? a : b; }

/* numpy's float32 → uint8 cast of the reference is this truncation to int32, then the low
   byte (taken where the value is stored) */
INL int32_t f2i(float t) { return (int32_t)t; }

/* X = floor(f32(sa·da / 255)·B + 0.5), capped at 255, as the reference rounds it */
INL int32_t x_of(float b, float ab) {
    float t = b * ab;
    t = t + 0.5f;
    t = fmin_(t, 255.0f);
    return f2i(t);
}

INL float lum3(float c0, float c1, float c2) {
    float out = c0 * F_LUM_B;
    float t = c1 * F_LUM_G;
    out = out + t;
    t = c2 * F_LUM_R;
    return out + t;
}

INL float min3(float a, float b, float c) { return fmin_(fmin_(a, b), c); }

INL float max3(float a, float b, float c) { return fmax_(fmax_(a, b), c); }

/* W3C SetLum then ClipColor (blend_modes._set_lum), in place on c */
INL void set_lum(float *c0, float *c1, float *c2, float lum) {
    float delta = lum - lum3(*c0, *c1, *c2);
    float m0 = *c0 + delta, m1 = *c1 + delta, m2 = *c2 + delta;
    float n = min3(m0, m1, m2);
    float x = max3(m0, m1, m2);
    float t = lum - n;
    t = fmax_(t, F_TINY);
    float f = lum / t;
    f = fmin_(f, 1.0f);
    t = x - lum;
    t = fmax_(t, F_TINY);
    float one_l = 1.0f - lum;
    t = one_l / t;
    t = fmin_(t, 1.0f);
    f = f * t;
    float o0 = m0 - lum, o1 = m1 - lum, o2 = m2 - lum;
    o0 = o0 * f;
    o1 = o1 * f;
    o2 = o2 * f;
    *c0 = o0 + lum;
    *c1 = o1 + lum;
    *c2 = o2 + lum;
}

/* W3C SetSat (blend_modes._set_sat), in place on c */
INL void set_sat(float *c0, float *c1, float *c2, float sat) {
    float lo = min3(*c0, *c1, *c2);
    float k = max3(*c0, *c1, *c2);
    k = k - lo;
    k = fmax_(k, F_TINY);
    k = sat / k;
    float o0 = *c0 - lo, o1 = *c1 - lo, o2 = *c2 - lo;
    *c0 = o0 * k;
    *c1 = o1 * k;
    *c2 = o2 * k;
}

/* blend_modes._separable: B(Cb, Cs) of one channel */
INL float separable(int mode, float cb, float cs) {
    if (mode == M_COLORDODGE) {
        float t = 1.0f - cs;
        t = fmax_(t, F_TINY);
        float out = cb / t;
        return fmin_(out, 1.0f);
    }
    if (mode == M_COLORBURN) {
        float t = fmax_(cs, F_TINY);
        float out = 1.0f - cb;
        out = out / t;
        out = fmin_(out, 1.0f);
        return 1.0f - out;
    }
    /* SoftLight */
    float t = cb * 16.0f;
    t = t - 12.0f;
    t = t * cb;
    t = t + 4.0f;
    t = t * cb; /* the polynomial */
    float u = __builtin_sqrtf(cb);
    u = cb <= 0.25f ? t : u; /* D(Cb) */
    u = u - cb;              /* D(Cb) − Cb */
    t = cs * 2.0f;
    t = t - 1.0f; /* 2Cs − 1 */
    float high = t * u;
    high = high + cb;
    u = 1.0f - cb;
    u = u * cb;
    u = u * t;
    float low = cb + u;
    return cs > 0.5f ? high : low;
}

/* ------------------------------------------------------------------------------- the rows */

/* sa4[i] = mul(source alpha, op), da4[i] = destination alpha, for every byte i of n pixels */
INL void alphas4(const uint8_t *restrict sp, const uint8_t *restrict dp, int n, u16 op,
                 uint8_t *restrict sa4, uint8_t *restrict da4) {
    for (int j = 0; j < n; j++) {
        uint32_t ps, pd;
        memcpy(&ps, sp + 4 * j, 4);
        memcpy(&pd, dp + 4 * j, 4);
        uint32_t a = ps >> 24;
        a = a * op + 128u;
        a = (a + (a >> 8)) >> 8;
        a *= 0x01010101u;
        uint32_t b = (pd >> 24) * 0x01010101u;
        memcpy(sa4 + 4 * j, &a, 4);
        memcpy(da4 + 4 * j, &b, 4);
    }
}

/* One row of w pixels: d ← blend(s with opacity op, d). */
INL void blend_row(uint8_t *restrict d, const uint8_t *restrict s, int w, uint32_t op_,
                   int mode) {
    const u16 op = (u16)op_;
    switch (mode) {
    case M_ADD:
        for (int i = 0; i < 4 * w; i++) d[i] = (uint8_t)sat_add(mul(s[i], op), d[i]);
        return;
    case M_SCREEN:
        for (int i = 0; i < 4 * w; i++) {
            u16 sc = mul(s[i], op), dc = d[i];
            d[i] = (uint8_t)sat_add(sc, sat_sub(dc, mul(sc, dc)));
        }
        return;
    default:
        break;
    }
    if (mode <= M_OVERLAY || mode == M_NORMAL) {
        /* the modes that read alphas: per chunk, both alphas replicated to every byte of
           their pixel (whole-pixel uint32 loops), then one flat loop over the bytes */
        for (int j0 = 0; j0 < w; j0 += ICHUNK) {
            const int n = w - j0 < ICHUNK ? w - j0 : ICHUNK;
            const uint8_t *sp = s + 4 * j0;
            uint8_t *dp = d + 4 * j0;
            if (mode == M_NORMAL) {
                /* whole chunks of a sparse or opaque layer: a transparent chunk keeps d,
                   an opaque one at full opacity is s (mul(d, 0) + mul(s, 255) == s) */
                uint32_t any = 0u, all = 0xffffffffu;
                for (int j = 0; j < n; j++) {
                    uint32_t px;
                    memcpy(&px, sp + 4 * j, 4);
                    any |= px;
                    all &= px;
                }
                if ((any >> 24) == 0u) continue;
                if ((all >> 24) == 255u && op == 255u) {
                    memcpy(dp, sp, 4 * (size_t)n);
                    continue;
                }
            }
            uint8_t sa4[4 * ICHUNK], da4[4 * ICHUNK];
            alphas4(sp, dp, n, op, sa4, da4);
            for (int i = 0; i < 4 * n; i++) {
                u16 sc = mul(sp[i], op), dc = dp[i], sa = sa4[i], da = da4[i];
                u16 o;
                if (mode == M_NORMAL) {
                    /* §4.5 over; a pixel whose scaled alpha is 0 keeps d exactly (the
                       reference zeroes such source pixels, whatever their colour) */
                    o = sat_add(mul(dc, (u16)(255u - sa)), sa == 0 ? 0u : sc);
                } else if (mode == M_DARKEN || mode == M_LIGHTEN) {
                    u16 p = sat_add(sc, mul(dc, (u16)(255u - sa)));
                    u16 q = sat_add(dc, mul(sc, (u16)(255u - da)));
                    o = mode == M_DARKEN ? umin(p, q) : umax(p, q);
                } else if (mode == M_DIFFERENCE || mode == M_EXCLUSION) {
                    u16 t = mode == M_DIFFERENCE ? umin(mul(sc, da), mul(dc, sa)) : mul(sc, dc);
                    u16 u = sat_sub(sc, t);
                    u16 t0 = (i & 3) == 3 ? 0u : t; /* alpha: subtract t once, not twice */
                    o = sat_add(sat_sub(dc, t0), u);
                } else {
                    u16 x;
                    if (mode == M_MULTIPLY) {
                        x = mul(sc, dc);
                    } else {
                        u16 x1 = mul2(sc, dc);
                        u16 x2 = mul2(sat_sub(da, dc), sat_sub(sa, sc));
                        x2 = sat_sub(mul(sa, da), x2);
                        u16 c = mode == M_HARDLIGHT ? sc : dc;
                        u16 ca = mode == M_HARDLIGHT ? sa : da;
                        x = c <= sat_sub(ca, c) ? x1 : x2;
                    }
                    u16 p = mul(sc, (u16)(255u - da)), q = mul(dc, (u16)(255u - sa));
                    o = sat_add(sat_add(p, q), x);
                }
                dp[i] = (uint8_t)o;
            }
        }
        return;
    }

    /* the float32 modes, in chunks of FCHUNK pixels and three loops: bytes → float planes,
       the float maths (32-bit lanes only, so the compiler packs 8 pixels per AVX2 register
       instead of 32 with spills), then the 8-bit sum. Cs comes from the source at full
       opacity, αs·αb/255 after it. */
    for (int j0 = 0; j0 < w; j0 += FCHUNK) {
        const int n = w - j0 < FCHUNK ? w - j0 : FCHUNK;
        const uint8_t *sp = s + 4 * j0;
        uint8_t *dp = d + 4 * j0;
        float fs[4][FCHUNK], fd[4][FCHUNK], fsa[FCHUNK];
        int32_t xi[3][FCHUNK];
        for (int j = 0; j < n; j++) { /* whole pixels as uint32: 32-bit lanes */
            uint32_t ps, pd;
            memcpy(&ps, sp + 4 * j, 4);
            memcpy(&pd, dp + 4 * j, 4);
            for (int k = 0; k < 4; k++) {
                fs[k][j] = (float)((ps >> (8 * k)) & 255u);
                fd[k][j] = (float)((pd >> (8 * k)) & 255u);
            }
            uint32_t a = (ps >> 24) * op + 128u;
            fsa[j] = (float)((a + (a >> 8)) >> 8); /* mul(sa, op) */
        }
        for (int j = 0; j < n; j++) {
            float isa = fmax_(fs[3][j], 1.0f), ida = fmax_(fd[3][j], 1.0f);
            float cs0 = fmin_(fs[0][j] / isa, 1.0f);
            float cs1 = fmin_(fs[1][j] / isa, 1.0f);
            float cs2 = fmin_(fs[2][j] / isa, 1.0f);
            float cb0 = fmin_(fd[0][j] / ida, 1.0f);
            float cb1 = fmin_(fd[1][j] / ida, 1.0f);
            float cb2 = fmin_(fd[2][j] / ida, 1.0f);
            float ab = fsa[j] * fd[3][j];
            ab = ab / 255.0f;
            float b0, b1, b2;
            if (mode == M_COLORDODGE || mode == M_COLORBURN || mode == M_SOFTLIGHT) {
                b0 = separable(mode, cb0, cs0);
                b1 = separable(mode, cb1, cs1);
                b2 = separable(mode, cb2, cs2);
            } else if (mode == M_HUE || mode == M_SATURATION) {
                const int hue = mode == M_HUE;
                float o0 = hue ? cb0 : cs0, o1 = hue ? cb1 : cs1, o2 = hue ? cb2 : cs2;
                b0 = hue ? cs0 : cb0;
                b1 = hue ? cs1 : cb1;
                b2 = hue ? cs2 : cb2;
                float sat = max3(o0, o1, o2);
                sat = sat - min3(o0, o1, o2);
                set_sat(&b0, &b1, &b2, sat);
                set_lum(&b0, &b1, &b2, lum3(cb0, cb1, cb2));
            } else if (mode == M_COLOR) {
                b0 = cs0;
                b1 = cs1;
                b2 = cs2;
                set_lum(&b0, &b1, &b2, lum3(cb0, cb1, cb2));
            } else { /* Luminosity */
                b0 = cb0;
                b1 = cb1;
                b2 = cb2;
                set_lum(&b0, &b1, &b2, lum3(cs0, cs1, cs2));
            }
            xi[0][j] = x_of(b0, ab);
            xi[1][j] = x_of(b1, ab);
            xi[2][j] = x_of(b2, ab);
        }
        uint8_t sa4[4 * FCHUNK], da4[4 * FCHUNK], x4[4 * FCHUNK];
        alphas4(sp, dp, n, op, sa4, da4);
        for (int j = 0; j < n; j++) {
            uint32_t x = (uint32_t)(xi[0][j] & 255) | (uint32_t)(xi[1][j] & 255) << 8 |
                         (uint32_t)(xi[2][j] & 255) << 16;
            memcpy(x4 + 4 * j, &x, 4);
        }
        for (int i = 0; i < 4 * n; i++) {
            u16 sc = mul(sp[i], op), dc = dp[i], sa = sa4[i], da = da4[i];
            u16 x = (i & 3) == 3 ? mul(sa, da) : x4[i];
            u16 p = mul(sc, (u16)(255u - da)), q = mul(dc, (u16)(255u - sa));
            dp[i] = (uint8_t)sat_add(sat_add(p, q), x);
        }
    }
}

/* One row of w pixels: d ← d · factor(m) (matte.py). mode: 0 Alpha, 1 AlphaInverted,
   2 Luma, 3 LumaInverted. */
INL void matte_row(uint8_t *restrict d, const uint8_t *restrict m, int w, int mode) {
    const int luma = mode >= 2;
    const uint32_t inv = (mode & 1) ? 255u : 0u;
    for (int j = 0; j < w; j++) {
        const uint8_t *mp = m + 4 * j;
        uint32_t f = luma ? (13933u * mp[2] + 46871u * mp[1] + 4732u * mp[0] + 32768u) >> 16
                          : mp[3];
        f = inv ? inv - f : f;
        for (int k = 0; k < 4; k++) d[4 * j + k] = (uint8_t)mul(d[4 * j + k], (u16)f);
    }
}

/* Each mode gets its own loop (the mode is a constant inside it, so the compiler
   vectorises a branch-free body). */
#define BLEND_ROWS_BODY                                                                      \
    for (int y = 0; y < n_rows; y++) {                                                       \
        uint8_t *dr = d + (long)y * d_stride;                                                \
        const uint8_t *sr = s + (long)y * s_stride;                                          \
        switch (mode) {                                                                      \
        case M_ADD: blend_row(dr, sr, w, op, M_ADD); break;                                  \
        case M_SCREEN: blend_row(dr, sr, w, op, M_SCREEN); break;                            \
        case M_DARKEN: blend_row(dr, sr, w, op, M_DARKEN); break;                            \
        case M_LIGHTEN: blend_row(dr, sr, w, op, M_LIGHTEN); break;                          \
        case M_DIFFERENCE: blend_row(dr, sr, w, op, M_DIFFERENCE); break;                    \
        case M_EXCLUSION: blend_row(dr, sr, w, op, M_EXCLUSION); break;                      \
        case M_MULTIPLY: blend_row(dr, sr, w, op, M_MULTIPLY); break;                        \
        case M_HARDLIGHT: blend_row(dr, sr, w, op, M_HARDLIGHT); break;                      \
        case M_OVERLAY: blend_row(dr, sr, w, op, M_OVERLAY); break;                          \
        case M_COLORDODGE: blend_row(dr, sr, w, op, M_COLORDODGE); break;                    \
        case M_COLORBURN: blend_row(dr, sr, w, op, M_COLORBURN); break;                      \
        case M_SOFTLIGHT: blend_row(dr, sr, w, op, M_SOFTLIGHT); break;                      \
        case M_HUE: blend_row(dr, sr, w, op, M_HUE); break;                                  \
        case M_SATURATION: blend_row(dr, sr, w, op, M_SATURATION); break;                    \
        case M_COLOR: blend_row(dr, sr, w, op, M_COLOR); break;                              \
        case M_LUMINOSITY: blend_row(dr, sr, w, op, M_LUMINOSITY); break;                    \
        case M_NORMAL: blend_row(dr, sr, w, op, M_NORMAL); break;                            \
        default: return;                                                                     \
        }                                                                                    \
    }

#define MATTE_ROWS_BODY                                                                      \
    for (int y = 0; y < n_rows; y++) {                                                       \
        uint8_t *dr = d + (long)y * d_stride;                                                \
        const uint8_t *mr = m + (long)y * m_stride;                                          \
        switch (mode) {                                                                      \
        case 0: matte_row(dr, mr, w, 0); break;                                              \
        case 1: matte_row(dr, mr, w, 1); break;                                              \
        case 2: matte_row(dr, mr, w, 2); break;                                              \
        case 3: matte_row(dr, mr, w, 3); break;                                              \
        default: return;                                                                     \
        }                                                                                    \
    }

static void blend_rows_base(uint8_t *d, long d_stride, const uint8_t *s, long s_stride,
                            int n_rows, int w, uint32_t op, int mode) {
    BLEND_ROWS_BODY
}

static void matte_rows_base(uint8_t *d, long d_stride, const uint8_t *m, long m_stride,
                            int n_rows, int w, int mode) {
    MATTE_ROWS_BODY
}

#if defined(__GNUC__) && defined(__x86_64__)
#define HAVE_X86_VARIANTS 1

__attribute__((target("avx2"))) static void blend_rows_avx2(uint8_t *d, long d_stride,
                                                             const uint8_t *s, long s_stride,
                                                             int n_rows, int w, uint32_t op,
                                                             int mode) {
    BLEND_ROWS_BODY
}

__attribute__((target("avx2"))) static void matte_rows_avx2(uint8_t *d, long d_stride,
                                                             const uint8_t *m, long m_stride,
                                                             int n_rows, int w, int mode) {
    MATTE_ROWS_BODY
}
#endif

/* The best variant this CPU runs: 1 = AVX2, 0 = baseline. */
int wavyte_blend_best_isa(void) {
#ifdef HAVE_X86_VARIANTS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

/* Blend n_rows rows of w premultiplied BGRA pixels of s (opacity op, 1..255) onto d, in
   place; strides in bytes. mode: the enum above. isa: wavyte_blend_best_isa() or lower. */
void wavyte_blend(uint8_t *d, long d_stride, const uint8_t *s, long s_stride, int n_rows,
                  int w, int op, int mode, int isa) {
    if (mode < 0 || mode >= M_COUNT || op < 0 || op > 255) return;
#ifdef HAVE_X86_VARIANTS
    if (isa >= 1) {
        blend_rows_avx2(d, d_stride, s, s_stride, n_rows, w, (uint32_t)op, mode);
        return;
    }
#endif
    (void)isa;
    blend_rows_base(d, d_stride, s, s_stride, n_rows, w, (uint32_t)op, mode);
}

/* Multiply n_rows rows of w BGRA pixels of d by the matte factor of m (same size), in
   place. mode: 0 Alpha, 1 AlphaInverted, 2 Luma, 3 LumaInverted. */
void wavyte_matte(uint8_t *d, long d_stride, const uint8_t *m, long m_stride, int n_rows,
                  int w, int mode, int isa) {
#ifdef HAVE_X86_VARIANTS
    if (isa >= 1) {
        matte_rows_avx2(d, d_stride, m, m_stride, n_rows, w, mode);
        return;
    }
#endif
    (void)isa;
    matte_rows_base(d, d_stride, m, m_stride, n_rows, w, mode);
}

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blendpx",
                                    "Blend modes and mattes, per pixel (loaded with ctypes).",
                                    -1, NULL};

PyMODINIT_FUNC PyInit__blendpx(void) { return PyModule_Create(&module); }
