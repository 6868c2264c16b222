#define _GNU_SOURCE
#include "CTapeFloor.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { FLOOR_INPUT, FLOOR_CONSTANT, FLOOR_ADD, FLOOR_MUL, FLOOR_KEPT, FLOOR_LOG };

// Buffers kept between calls, as the library keeps its tape buffers (no page faults per call).
typedef struct {
    uint8_t *op; int32_t *lhs, *rhs; double *value, *partial, *adjoint;
    long count, partials, capacity, output;
} FloorTape;

typedef struct { double value; int32_t index; } FloorVar;

static FloorTape tape;

static int reserve(long entries) {
    if (entries <= tape.capacity) return 0;
    free(tape.op); free(tape.lhs); free(tape.rhs); free(tape.value); free(tape.partial); free(tape.adjoint);
    tape.op = malloc(entries); tape.lhs = malloc(4 * entries); tape.rhs = malloc(4 * entries);
    tape.value = malloc(8 * entries); tape.partial = malloc(8 * entries); tape.adjoint = calloc(entries, 8);
    if (!tape.op || !tape.lhs || !tape.rhs || !tape.value || !tape.partial || !tape.adjoint) { tape.capacity = 0; return -1; }
    tape.capacity = entries;
    return 0;
}

static inline int32_t push(int op, int32_t a, int32_t b, double v) {
    long c = tape.count;
    tape.op[c] = (uint8_t)op; tape.lhs[c] = a; tape.rhs[c] = b; tape.value[c] = v;
    tape.count = c + 1;
    return (int32_t)c;
}

static inline FloorVar add(FloorVar a, FloorVar b) { double z = a.value + b.value; return (FloorVar){z, push(FLOOR_ADD, a.index, b.index, z)}; }
static inline FloorVar mul(FloorVar a, FloorVar b) { double z = a.value * b.value; return (FloorVar){z, push(FLOOR_MUL, a.index, b.index, z)}; }
static inline FloorVar kept(FloorVar a, double z, double partial) {
    int32_t i = push(FLOOR_KEPT, a.index, (int32_t)tape.partials, z);
    tape.partial[tape.partials++] = partial;
    return (FloorVar){z, i};
}
static inline FloorVar floor_sin(FloorVar a) { double s, c; sincos(a.value, &s, &c); return kept(a, s, c); }
static inline FloorVar floor_log(FloorVar a) { double z = log(a.value); return (FloorVar){z, push(FLOOR_LOG, a.index, a.index, z)}; }
static inline FloorVar floor_log_one_plus(FloorVar u) { double w = 1 + u.value; return kept(u, log(w), 1 / w); }

double adjoint_floor_plain(const double *x, long n) {
    double s = 0;
    for (long i = 0; i + 1 < n; i++) s = s + sin(x[i]) * x[i + 1] + log(1 + x[i] * x[i]);
    return s;
}

// Records f on the tape; returns the index of f's entry, or -1 when memory runs out.
static long record(const double *x, long n, int fused) {
    if (reserve(8 * n + 2) != 0) return -1;
    tape.count = 0; tape.partials = 0;
    for (long i = 0; i < n; i++) push(FLOOR_INPUT, (int32_t)i, -1, x[i]);
    FloorVar one = {1, push(FLOOR_CONSTANT, -1, -1, 1)};
    FloorVar s = {0, push(FLOOR_CONSTANT, -1, -1, 0)};
    for (long i = 0; i + 1 < n; i++) {
        FloorVar xi = {x[i], (int32_t)i}, xj = {x[i + 1], (int32_t)(i + 1)};
        FloorVar l = fused ? floor_log_one_plus(mul(xi, xi)) : floor_log(add(one, mul(xi, xi)));
        s = add(add(s, mul(floor_sin(xi), xj)), l);
    }
    tape.output = s.index;
    return s.index;
}

int adjoint_floor_record(const double *x, long n) {
    return n < 2 || record(x, n, 0) >= 0 ? 0 : -1;
}

static void sweep(long out, double *g);

int adjoint_floor_gradient(const double *x, long n, double *g, int fused) {
    if (n < 2) { for (long i = 0; i < n; i++) g[i] = 0; return 0; }
    long out = record(x, n, fused);
    if (out < 0) return -1;
    sweep(out, g);
    return 0;
}

// The sweep alone over the last recording, as `reverse_sweep_over_plain` times ours: the floor's
// sweep was otherwise only known as gradient − recording, which counts the tape's cache state
// twice.
int adjoint_floor_sweep(const double *x, long n, double *g) {
    if (n < 2 || tape.count < 2 * n) return -1;
    (void)x;
    sweep(tape.output, g);
    return 0;
}

static void sweep(long out, double *g) {
    double *adj = tape.adjoint;
    adj[out] = 1;
    for (long i = tape.count - 1; i >= 0; i--) {
        double u = adj[i];
        int32_t a = tape.lhs[i], b = tape.rhs[i];
        adj[i] = 0;
        switch (tape.op[i]) {
        case FLOOR_INPUT: g[a] = u; break;
        case FLOOR_CONSTANT: break;
        case FLOOR_ADD: adj[a] += u; adj[b] += u; break;
        case FLOOR_MUL: { double pa = u * tape.value[b], pb = u * tape.value[a]; adj[a] += pa; adj[b] += pb; break; }
        case FLOOR_KEPT: adj[a] += u * tape.partial[b]; break;
        case FLOOR_LOG: adj[a] += u / tape.value[a]; break;
        }
    }
}

// The other design a scalar tape could have: each entry keeps its arguments' local partials,
// computed while recording, in one 24-byte record (two int32 arguments, two doubles), so the
// sweep is one multiply-add loop with no switch and no reads of values. A unary entry points its
// second argument at a slot whose adjoint is never read, with partial 0. It keeps no values and no
// op, which the library's checks need (entry values for error bounds and kink reports, the op for
// names), so it measures how far a change of design could go, not a drop-in replacement.
typedef struct { int32_t a, b; double pa, pb; } JacobianEntry;
static JacobianEntry *jtape;
static double *jadjoint;
static long jcapacity;

int adjoint_floor_jacobian_gradient(const double *x, long n, double *g) {
    if (n < 2) { for (long i = 0; i < n; i++) g[i] = 0; return 0; }
    long entries = 7 * n + 2;
    if (entries > jcapacity) {
        free(jtape); free(jadjoint);
        jtape = malloc(sizeof(JacobianEntry) * entries); jadjoint = calloc(entries, 8);
        if (!jtape || !jadjoint) { jcapacity = 0; return -1; }
        jcapacity = entries;
    }
    // Entries 0..n-1 are the inputs (never written: the sweep stops above them); n is the
    // unused second argument of unary entries.
    long count = n + 1;
    int32_t unused = (int32_t)n;
#define JPUSH(A, B, PA, PB) (jtape[count] = (JacobianEntry){(A), (B), (PA), (PB)}, (int32_t)count++)
    FloorVar s = {0, -1};
    for (long i = 0; i + 1 < n; i++) {
        double xi = x[i], xj = x[i + 1], sn, cs;
        sincos(xi, &sn, &cs);
        FloorVar sine = {sn, JPUSH((int32_t)i, unused, cs, 0)};
        FloorVar m = {sn * xj, JPUSH(sine.index, (int32_t)(i + 1), xj, sn)};
        FloorVar q = {xi * xi, JPUSH((int32_t)i, (int32_t)i, xi, xi)};
        double w = 1 + q.value;
        FloorVar l = {log(w), JPUSH(q.index, unused, 1 / w, 0)};
        FloorVar t = s.index < 0 ? m : (FloorVar){s.value + m.value, JPUSH(s.index, m.index, 1, 1)};
        s = (FloorVar){t.value + l.value, JPUSH(t.index, l.index, 1, 1)};
    }
#undef JPUSH
    double *adj = jadjoint;
    adj[s.index] = 1;
    for (long k = count - 1; k > n; k--) {
        double u = adj[k];
        JacobianEntry e = jtape[k];
        adj[k] = 0;
        adj[e.a] += e.pa * u;
        adj[e.b] += e.pb * u;
    }
    adj[n] = 0;
    for (long i = 0; i < n; i++) { g[i] = adj[i]; adj[i] = 0; }
    return 0;
}
