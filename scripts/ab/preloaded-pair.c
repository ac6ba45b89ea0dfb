/*
 * The preloaded C loop of the A/B (docs/results.md, "The cost of the default-mode checks"): argv[1] times
 * malloc(argv[2] bytes, default 64), a store of the pointer to a volatile, and free; then argv[1] replacements of one of 64
 * slots in turn with a block of 16 to 1016 bytes. Prints "pair NS churn NS", ns per iteration of each loop.
 * Build: gcc -O2 -o preloaded-pair preloaded-pair.c; run under LD_PRELOAD=.../libcfamalloc.so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000000;
    size_t size = argc > 2 ? (size_t)atol(argv[2]) : 64;
    void *volatile sink;
    for (long i = 0; i < 100000; i++) {          /* warm-up: the library's start and the first refills */
        sink = malloc(size);
        free(sink);
    }
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        void *p = malloc(size);
        sink = p;                                 /* a volatile store, so the pair cannot be elided */
        free(p);
    }
    double t1 = now_ns();
    void *slot[64] = {0};
    for (long i = 0; i < n; i++) {
        int k = (int)(i & 63);
        free(slot[k]);
        slot[k] = malloc(16 + (size_t)(i * 37) % 1000);
    }
    double t2 = now_ns();
    for (int k = 0; k < 64; k++)
        free(slot[k]);
    printf("pair %.2f churn %.2f\n", (t1 - t0) / n, (t2 - t1) / n);
    return 0;
}
