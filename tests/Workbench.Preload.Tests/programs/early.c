/*
 * A shared library whose constructor allocates before the preloaded library's constructor has started cfa-malloc
 * (the program links it, so the dynamic linker initialises it first): those blocks come from glibc.
 * early_blocks() hands them to the program, which must be able to query, reallocate and free them.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

static void *g_blocks[5];

__attribute__((constructor)) static void allocate_early(void)
{
    g_blocks[0] = malloc(100);
    memset(g_blocks[0], 'm', 100);
    g_blocks[1] = calloc(50, 4);
    g_blocks[2] = memalign(256, 300);
    memset(g_blocks[2], 'a', 300);
    g_blocks[3] = malloc(64);
    memset(g_blocks[3], 'r', 64);
    g_blocks[4] = malloc(64);
}

void **early_blocks(void) { return g_blocks; }
