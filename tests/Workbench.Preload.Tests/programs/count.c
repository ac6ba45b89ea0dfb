/*
 * argv[1] mallocs of 1 to 512 bytes, every one freed, then the same number of callocs: for the statistics that the
 * preloaded library prints at exit (CFA_MALLOC_STATS=1), which must count every one of them. With argv[2] "clear",
 * malloc_stats_clear() between the two loops, and heap_stats() at the end: the statistics count from the clear. With
 * argv[2] "buckets", the same, but heap_stats prints a line per size class (malloc_stats_all) on stdout
 * (malloc_stats_fd), after a line "previous fd N all A" with what the two calls returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfamalloc.h"

/* Every block passes through here, so that the compiler cannot drop a malloc and its free as unused. */
static char *volatile g_block;

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    for (long i = 0; i < n; i++) {
        g_block = malloc(1 + (size_t)(i % 512));
        g_block[0] = 1;
        free(g_block);
    }
    int buckets = argc > 2 && strcmp(argv[2], "buckets") == 0;
    int clear = buckets || (argc > 2 && strcmp(argv[2], "clear") == 0);
    if (clear)
        malloc_stats_clear();
    for (long i = 0; i < n; i++) {
        g_block = calloc(1, 1 + (size_t)(i % 512));
        free(g_block);
    }
    if (buckets) {
        bool all = malloc_stats_all(true);
        int fd = malloc_stats_fd(STDOUT_FILENO);
        printf("previous fd %d all %d\n", fd, all ? 1 : 0);
        fflush(stdout);
    }
    if (clear)
        heap_stats();
    return 0;
}
