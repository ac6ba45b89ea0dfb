/*
 * Blocks that glibc served before cfa-malloc started (early.c's constructor): malloc_usable_size and the extensions
 * answer for them, realloc and aligned_realloc move them to cfa-malloc with their bytes, resize moves them, and free
 * gives them back. Prints "ok".
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfamalloc.h"

void **early_blocks(void);

#define CHECK(cond)                                                   \
    do {                                                              \
        if (!(cond)) {                                                \
            printf("check failed at line %d: %s\n", __LINE__, #cond); \
            return 1;                                                 \
        }                                                             \
    } while (0)

static int filled(const char *p, int byte, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (char)byte)
            return 0;
    return 1;
}

int main(void)
{
    void **early = early_blocks();
    char *m = early[0], *c = early[1], *a = early[2];
    CHECK(malloc_usable_size(m) >= 100 && malloc_size(m) == 100 && filled(m, 'm', 100));
    CHECK(malloc_zero_fill(c) && malloc_size(c) == 200 && filled(c, 0, 200));
    CHECK(((uintptr_t)a & 255) == 0 && malloc_alignment(a) >= 256 && filled(a, 'a', 300));
    CHECK(!malloc_remote(m));
    /* realloc moves a glibc block to cfa-malloc, bytes, zero fill and alignment kept. */
    m = realloc(m, 5000);
    CHECK(m != NULL && filled(m, 'm', 100) && malloc_size(m) == 5000);
    c = realloc(c, 1000);
    CHECK(c != NULL && filled(c, 0, 1000) && malloc_zero_fill(c));
    a = realloc(a, 600);
    CHECK(a != NULL && ((uintptr_t)a & 255) == 0 && filled(a, 'a', 300));
    /* llheap's reshaping routines on glibc blocks: aligned_realloc copies, resize need not, a bad alignment is EINVAL
       and leaves the block. */
    char *r = early[3], *z = early[4];
    errno = 0;
    CHECK(aligned_resize(r, 24, 100) == NULL && errno == EINVAL && filled(r, 'r', 64));
    r = aligned_realloc(r, 1024, 5000);
    CHECK(r != NULL && ((uintptr_t)r & 1023) == 0 && malloc_alignment(r) == 1024 && filled(r, 'r', 64) && malloc_size(r) == 5000);
    z = resize(z, 300);
    CHECK(z != NULL && malloc_size(z) == 300 && malloc_alignment(z) == 16);
    CHECK(resize(z, 0) == NULL);
    free(m);
    free(c);
    free(a);
    free(r);
    printf("ok\n");
    return 0;
}
