/* The fuzzers' random numbers: splitmix64, seeded per call from (seed, index), so that any
 * one call can be made again from those two numbers alone (docs/robustness.md). */
#ifndef FUZZ_RNG_H
#define FUZZ_RNG_H
#include <stdint.h>

struct rng { uint64_t state; };

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The generator for call `index` of the run with `seed`. */
static inline struct rng rng_for(uint64_t seed, uint64_t index)
{
    struct rng r = { seed * 0xd1342543de82ef95ULL ^ index };
    rng_next(&r);
    return r;
}

/* A number below `n` (n > 0). */
static inline uint64_t rng_below(struct rng *r, uint64_t n) { return rng_next(r) % n; }

/* True one time in `n`. */
static inline int rng_one_in(struct rng *r, uint64_t n) { return rng_below(r, n) == 0; }

#endif
