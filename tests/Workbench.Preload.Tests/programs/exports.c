/*
 * Every export of libcfamalloc.so, from C, with its contents checked, then 4 threads that hand blocks to each
 * other and free what they receive (cross-thread frees). Prints "ok" and exits 0 when every check holds; otherwise
 * prints the first failed check and exits 1. PreloadTests runs it preloaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfamalloc.h"

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            printf("check failed at line %d: %s\n", __LINE__, #cond);                 \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

/* SIZE_MAX, out of the compiler's sight (it warns about constant sizes it can tell are too large). */
static volatile size_t g_huge = SIZE_MAX;

static int aligned(void *p, size_t alignment) { return ((uintptr_t)p & (alignment - 1)) == 0; }

static int all(const void *p, int byte, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != (unsigned char)byte)
            return 0;
    return 1;
}

static void standard(void)
{
    /* malloc, free: every size class's bytes are writable, the request size is what malloc_size reports (glibc has
       no such query: the block comes from cfa-malloc). */
    for (size_t n = 1; n <= (1 << 20); n = n * 3 + 1) {
        unsigned char *p = malloc(n);
        CHECK(p != NULL && aligned(p, 16));
        memset(p, 0x5A, n);
        CHECK(malloc_size(p) == n);
        CHECK(malloc_usable_size(p) >= n);
        CHECK(all(p, 0x5A, n));
        free(p);
    }
    free(NULL);

    /* malloc(0): a unique pointer. */
    void *z1 = malloc(0), *z2 = malloc(0);
    CHECK(z1 != NULL && z2 != NULL && z1 != z2);
    free(z1);
    free(z2);

    /* calloc: zeroed, also over a reused dirty block; overflow is ENOMEM. */
    unsigned char *dirty = malloc(4000);
    memset(dirty, 0xFF, 4000);
    free(dirty);
    unsigned char *c = calloc(1000, 4);
    CHECK(c != NULL && all(c, 0, 4000) && malloc_zero_fill(c));
    errno = 0;
    CHECK(calloc(g_huge / 2, 3) == NULL && errno == ENOMEM);

    /* realloc: keeps contents, zero fill is sticky, realloc(NULL) mallocs, realloc(p, 0) frees. */
    c = realloc(c, 100000);
    CHECK(c != NULL && all(c, 0, 100000));
    memset(c, 7, 100000);
    c = realloc(c, 10);
    CHECK(c != NULL && all(c, 7, 10) && malloc_size(c) == 10);
    free(c);
    unsigned char *r = realloc(NULL, 33);
    CHECK(r != NULL && malloc_size(r) == 33);
    CHECK(realloc(r, 0) == NULL);

    /* reallocarray: overflow is ENOMEM and leaves the block intact. */
    int *a = reallocarray(NULL, 100, sizeof(int));
    CHECK(a != NULL);
    for (int i = 0; i < 100; i++)
        a[i] = i;
    errno = 0;
    CHECK(reallocarray(a, g_huge / 2, 4) == NULL && errno == ENOMEM);
    a = reallocarray(a, 200, sizeof(int));
    for (int i = 0; i < 100; i++)
        CHECK(a[i] == i);
    free(a);

    /* aligned_alloc, memalign, posix_memalign, valloc, pvalloc: alignment, stickiness through realloc, errors. */
    long page = sysconf(_SC_PAGESIZE);
    for (size_t alignment = 16; alignment <= 65536; alignment *= 4) {
        char *p = aligned_alloc(alignment, 3 * alignment + 5);
        CHECK(p != NULL && aligned(p, alignment) && malloc_alignment(p) == alignment);
        memset(p, 1, 3 * alignment + 5);
        p = realloc(p, 10 * alignment);
        CHECK(aligned(p, alignment) && all(p, 1, 3 * alignment + 5));
        free(p);
        void *m = memalign(alignment, 100);
        CHECK(m != NULL && aligned(m, alignment));
        free(m);
        void *pm = NULL;
        CHECK(posix_memalign(&pm, alignment, 200) == 0 && aligned(pm, alignment));
        free(pm);
    }
    errno = 0;
    CHECK(memalign(24, 100) == NULL && errno == EINVAL);
    void *untouched = (void *)0x1;
    CHECK(posix_memalign(&untouched, 4, 100) == EINVAL && untouched == (void *)0x1);
    void *v = valloc(10);
    CHECK(v != NULL && aligned(v, (size_t)page));
    free(v);
    void *pv = pvalloc(page + 1);
    CHECK(pv != NULL && aligned(pv, (size_t)page) && malloc_usable_size(pv) >= (size_t)(2 * page));
    free(pv);

    /* errno on exhaustion. */
    errno = 0;
    CHECK(malloc(g_huge - 4096) == NULL && errno == ENOMEM);

    /* mallopt (glibc's option numbers), malloc_trim, malloc_info. */
    CHECK(mallopt(M_MMAP_THRESHOLD, 1 << 20) == 1);
    CHECK(mallopt(M_MMAP_THRESHOLD, 1) == 0);
    CHECK(mallopt(M_MMAP_THRESHOLD, 512 * 1024) == 1);
    void *held[64];
    for (int i = 0; i < 64; i++)
        held[i] = malloc(8192);
    for (int i = 0; i < 64; i++)
        free(held[i]);
    /* Checked mode keeps freed storage scrubbed and never trims. */
    const char *checked = getenv("CFA_MALLOC_CHECKED");
    CHECK(malloc_trim(0) == (checked != NULL && strcmp(checked, "1") == 0 ? 0 : 1));
    char *xml = NULL;
    size_t xml_length = 0;
    FILE *stream = open_memstream(&xml, &xml_length);
    CHECK(stream != NULL && malloc_info(0, stream) == 0);
    fclose(stream);
    CHECK(strstr(xml, "<malloc") != NULL);
    free(xml);
    CHECK(malloc_info(1, stdout) == -1 && errno == EINVAL);
}

static void extensions(void)
{
    /* aalloc: an array, not zeroed; overflow is ENOMEM. */
    long *a = aalloc(100, sizeof(long));
    CHECK(a != NULL && malloc_size(a) == 100 * sizeof(long) && !malloc_zero_fill(a));
    errno = 0;
    CHECK(aalloc(g_huge / 4, 8) == NULL && errno == ENOMEM);

    /* resize: no copy guaranteed, stickiness dropped. */
    a = resize(a, 50 * sizeof(long));
    CHECK(a != NULL && malloc_size(a) == 50 * sizeof(long));
    free(a);

    /* amemalign, cmemalign: aligned arrays, the second zeroed, both properties sticky. */
    char *am = amemalign(256, 10, 100);
    CHECK(am != NULL && aligned(am, 256) && malloc_alignment(am) == 256 && malloc_size(am) == 1000);
    free(am);
    errno = 0;
    CHECK(amemalign(100, 1, 1) == NULL && errno == EINVAL);
    char *cm = cmemalign(4096, 3, 1000);
    CHECK(cm != NULL && aligned(cm, 4096) && all(cm, 0, 3000) && malloc_zero_fill(cm));
    memset(cm, 9, 3000);
    cm = realloc(cm, 20000);
    CHECK(aligned(cm, 4096) && all(cm, 9, 3000) && all(cm + 3000, 0, 17000) && malloc_zero_fill(cm));

    /* aligned_realloc: copies, new alignment sticky, zero fill kept; aligned_resize: new alignment, fill dropped. */
    cm = aligned_realloc(cm, 65536, 30000);
    CHECK(cm != NULL && aligned(cm, 65536) && malloc_alignment(cm) == 65536 && all(cm, 9, 3000) && malloc_zero_fill(cm));
    cm = aligned_resize(cm, 128, 500);
    CHECK(cm != NULL && aligned(cm, 128) && malloc_alignment(cm) == 128 && !malloc_zero_fill(cm));
    free(cm);

    /* The queries on NULL (malloc_alignment answers the default alignment, as llheap's does). */
    CHECK(malloc_size(NULL) == 0 && malloc_alignment(NULL) == 16 && !malloc_zero_fill(NULL) && !malloc_remote(NULL));

    /* The array forms: overflow fails with ENOMEM and leaves the block; otherwise as their base routine. */
    char *r = resizearray(NULL, 10, 30);
    CHECK(r != NULL && malloc_size(r) == 300);
    memset(r, 4, 300);
    errno = 0;
    CHECK(aligned_reallocarray(r, 64, g_huge, 2) == NULL && errno == ENOMEM && all(r, 4, 300));
    r = aligned_reallocarray(r, 256, 20, 30);
    CHECK(r != NULL && aligned(r, 256) && malloc_alignment(r) == 256 && malloc_size(r) == 600 && all(r, 4, 300));
    r = aligned_resizearray(r, 1024, 4, 100);
    CHECK(r != NULL && aligned(r, 1024) && malloc_size(r) == 400);
    errno = 0;
    CHECK(resizearray(r, g_huge, 16) == NULL && errno == ENOMEM);

    /* The POSIX forms: 0 and the new block in *p, or an error code with *p and its block untouched. */
    void *pr = r;
    memset(r, 6, 400);
    CHECK(posix_realloc(&pr, 5000) == 0 && pr != NULL && all(pr, 6, 400) && malloc_size(pr) == 5000);
    void *kept = pr;
    CHECK(posix_realloc(&pr, g_huge / 2) == ENOMEM && pr == kept && all(pr, 6, 400));
    CHECK(posix_reallocarray(&pr, g_huge, 3) == ENOMEM && pr == kept);
    CHECK(posix_aligned_realloc(&pr, 3, 100) == EINVAL && pr == kept && all(pr, 6, 400));
    CHECK(posix_aligned_reallocarray(&pr, 4096, 10, 10) == 0 && aligned(pr, 4096) && malloc_size(pr) == 100 && all(pr, 6, 100));
    CHECK(posix_realloc(NULL, 10) == EINVAL);
    CHECK(posix_realloc(&pr, 0) == 0 && pr == NULL);

    /* malloc_stats_clear: the counters count from now; heap_stats prints this thread's heap. */
    malloc_stats_clear();
    CHECK(malloc_unfreed() == 0);
}

/* ------------------------------------------------------------------ 4 threads handing blocks around */

#define THREADS 4
#define ROUNDS 20000
#define SLOTS 64

typedef struct {
    pthread_mutex_t lock;
    unsigned char *blocks[SLOTS];
    int count;
} mailbox_t;

static mailbox_t g_boxes[THREADS];
static int g_remote_seen[THREADS];
static pthread_barrier_t g_start; /* all threads live at once, so that each keeps its own heap */

/* Each thread sends ROUNDS blocks to the next and receives ROUNDS from the previous, checking and freeing each. */
static void *worker(void *arg)
{
    int me = (int)(intptr_t)arg, next = (me + 1) % THREADS;
    unsigned seed = (unsigned)me * 7919u + 1;
    int sent = 0, received = 0;
    unsigned char *pending = NULL;
    free(malloc(1)); /* the thread's heap, before the others start */
    pthread_barrier_wait(&g_start);
    while (sent < ROUNDS || received < ROUNDS) {
        int progress = 0;
        if (pending == NULL && sent < ROUNDS) {
            seed = seed * 1103515245u + 12345u;
            size_t n = 1 + seed % 3000;
            pending = (seed >> 20) % 4 == 0 ? calloc(1, n) : malloc(n);
            if (pending == NULL)
                return (void *)1;
            /* A block's bytes: the writer's number, then its size's low byte. */
            memset(pending, (int)(n & 0xFF), n);
            pending[0] = (unsigned char)me;
            /* Every fourth block is freed here, by the thread that made it. */
            unsigned char *local = (seed >> 24) % 4 == 0 ? malloc(n) : NULL;
            free(local);
        }
        if (pending != NULL) {
            pthread_mutex_lock(&g_boxes[next].lock);
            if (g_boxes[next].count < SLOTS) {
                g_boxes[next].blocks[g_boxes[next].count++] = pending;
                pending = NULL;
                sent++;
                progress = 1;
            }
            pthread_mutex_unlock(&g_boxes[next].lock);
        }
        unsigned char *got = NULL;
        pthread_mutex_lock(&g_boxes[me].lock);
        if (g_boxes[me].count > 0)
            got = g_boxes[me].blocks[--g_boxes[me].count];
        pthread_mutex_unlock(&g_boxes[me].lock);
        if (got != NULL) {
            size_t size = malloc_size(got);
            if (got[0] != (unsigned char)((me + THREADS - 1) % THREADS) || size == 0 || !all(got + 1, (int)(size & 0xFF), size - 1))
                return (void *)2;
            if (malloc_remote(got))
                g_remote_seen[me]++;
            free(got);
            received++;
            progress = 1;
        }
        if (!progress)
            sched_yield();
    }
    return NULL;
}

static void threads(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_mutex_init(&g_boxes[i].lock, NULL);
    pthread_barrier_init(&g_start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++) {
        void *result;
        CHECK(pthread_join(t[i], &result) == 0);
        if (result != NULL)
            printf("thread %d: %s\n", i, result == (void *)1 ? "out of memory" : "a received block's bytes were wrong");
        CHECK(result == NULL);
    }
    for (int i = 0; i < THREADS; i++)
        CHECK(g_remote_seen[i] == ROUNDS); /* every block came from another live thread's heap */
}

int main(void)
{
    standard();
    extensions();
    threads();
    printf("ok\n");
    return 0;
}
