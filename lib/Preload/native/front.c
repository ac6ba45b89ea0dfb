/*
 * front.c: the native front of libcfamalloc.so, the C interface of cfa-malloc for any Linux program.
 *
 * The allocator is C# (lib/Allocator), compiled ahead of time by NativeAOT into this library; these functions
 * export its C names and call it. C code is needed only where C# cannot run:
 *   - while the .NET runtime inside this library starts, and while it attaches a thread, it calls malloc itself
 *     (fopen, pthread_getattr_np); a call that entered C# there would re-enter the runtime (a fail-fast at start,
 *     a deadlock on a glibc lock during an attach);
 *   - once a thread has left the runtime, on its way out (destructors that free after the runtime let it go).
 * Those calls are served by glibc's own allocator, through the __libc_ names glibc exports for this purpose,
 * and each such block carries a tag in front of it so that free, realloc and the queries know its owner.
 * Everything else goes to C#. docs/preload.md explains the design; every line here serves it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfamalloc.h"

#define EXPORT __attribute__((visibility("default")))
/* Called by the C# code linked into this library (not exported from it). */
#define EXPORT_TO_CSHARP
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ------------------------------------------------------------------ glibc's allocator, for the bootstrap */

extern void *__libc_malloc(size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *p);

/* ------------------------------------------------------------------ the C# side (lib/Preload/Exports.cs) */

int cfa_impl_start(void **deferred);
int cfa_impl_attach(void);
void cfa_impl_detach(void);
void *cfa_impl_malloc(size_t size);
void cfa_impl_free(void *p);
void *cfa_impl_calloc(size_t count, size_t size);
void *cfa_impl_realloc(void *p, size_t size);
void *cfa_impl_memalign(size_t alignment, size_t size);
int cfa_impl_posix_memalign(void **result, size_t alignment, size_t size);
void *cfa_impl_valloc(size_t size);
void *cfa_impl_pvalloc(size_t size);
void *cfa_impl_aalloc(size_t count, size_t size);
void *cfa_impl_resize(void *p, size_t size);
void *cfa_impl_amemalign(size_t alignment, size_t count, size_t size);
void *cfa_impl_cmemalign(size_t alignment, size_t count, size_t size);
void *cfa_impl_aligned_resize(void *p, size_t alignment, size_t size);
void *cfa_impl_aligned_realloc(void *p, size_t alignment, size_t size);
size_t cfa_impl_usable_size(void *p);
size_t cfa_impl_size(void *p);
size_t cfa_impl_alignment(void *p);
int cfa_impl_zero_fill(void *p);
int cfa_impl_remote(void *p);
int cfa_impl_mallopt(int option, int value);
int cfa_impl_trim(size_t pad);
void cfa_impl_stats(int fd);
void cfa_impl_heap_stats(int fd);
void cfa_impl_stats_clear(void);
int cfa_impl_stats_all(int state);
size_t cfa_impl_unfreed(void);
void cfa_impl_unfreed_report(int fd);
size_t cfa_impl_info(char *buffer, size_t capacity);
void cfa_impl_fork_prepare(void);
/* The fast paths, without a GC transition (FastExports.cs): null or 0 when the full routine must serve the call. */
void *cfa_fast_malloc(void *heap, size_t size);
int cfa_fast_free(void *heap, void *p);
void *cfa_fast_memalign(void *heap, size_t alignment, size_t size);
size_t cfa_fast_usable_size(void *p);
void cfa_impl_fork_resume(void);
int cfa_impl_gc_count(void);
long cfa_impl_managed_bytes(void);

/* ------------------------------------------------------------------ who may run C#: the process, the thread */

/* The process: C# serves calls only once the constructor has started the allocator (RUNNING). */
enum { PROCESS_STARTING = 0, PROCESS_RUNNING = 1, PROCESS_GLIBC = 2 };
static int g_process;

/* Whether the fast paths may serve (not in checked mode, where every call is checked); set once, before RUNNING. */
static int g_fast;

/*
 * The thread. NEW: not attached yet (attached at its first call once the process runs). CFA: attached, outside C#:
 * calls go to C#. BUSY: inside C# or being attached: a call now comes from the runtime itself, glibc serves it.
 * GLIBC: a thread that has left the runtime (or could not get a heap): glibc serves it for good.
 * initial-exec: one %fs-relative load, no __tls_get_addr (the library is loaded at start, so its TLS is static).
 */
enum { THREAD_NEW = 0, THREAD_CFA = 1, THREAD_BUSY = 2, THREAD_GLIBC = 3 };
static __thread int t_state __attribute__((tls_model("initial-exec")));

/*
 * The thread's heap and last error, for C# (CurrentHeap.cs, CfaMalloc.LastError): here rather than in C# thread
 * statics, which NativeAOT keeps in a managed object per thread. C# reads them by direct calls, without a GC transition.
 */
static __thread void *t_heap __attribute__((tls_model("initial-exec")));
static __thread int t_error __attribute__((tls_model("initial-exec")));

/*
 * The heap the fast paths may use now: t_heap while the thread is CFA (attached, outside C#) and the fast paths serve
 * (not checked mode); NULL otherwise. One thread-local load decides what t_state, g_fast and t_heap decide together:
 * t_state and t_heap change only through set_state and cfa_front_set_heap, which set it again (g_fast is set once,
 * before any thread attaches).
 */
static __thread void *t_fast __attribute__((tls_model("initial-exec")));

static inline void refresh_fast(void) { t_fast = t_state == THREAD_CFA && g_fast ? t_heap : NULL; }

static inline void set_state(int state)
{
    t_state = state;
    refresh_fast();
}

EXPORT_TO_CSHARP void *cfa_front_heap(void) { return t_heap; }
EXPORT_TO_CSHARP void cfa_front_set_heap(void *heap) { t_heap = heap; refresh_fast(); }
EXPORT_TO_CSHARP int cfa_front_error(void) { return t_error; }
EXPORT_TO_CSHARP void cfa_front_set_error(int error) { t_error = error; }

/* Blocks of cfa-malloc freed where C# cannot run: a stack linked through their first word, freed by C# later. */
static void *g_deferred;

/* Calls served by glibc (start, attaches, threads on their way out), for the statistics. */
static unsigned long g_glibc_calls;

/* Threads the runtime asked for and did not get (see __wrap_pthread_create), for the statistics. */
static unsigned long g_runtime_threads;

/* Runs a call into C#: the thread is BUSY meanwhile, so that a call the runtime makes inside goes to glibc. */
#define IN_CSHARP(call) (set_state(THREAD_BUSY), __extension__({ __typeof__(call) r_ = (call); set_state(THREAD_CFA); r_; }))
#define IN_CSHARP_VOID(call) do { set_state(THREAD_BUSY); call; set_state(THREAD_CFA); } while (0)

/* Attaches a NEW thread once the process runs; returns whether the thread may now call C#. */
static int attach(void)
{
    if (t_state == THREAD_CFA)
        return 1;
    if (t_state != THREAD_NEW || __atomic_load_n(&g_process, __ATOMIC_ACQUIRE) != PROCESS_RUNNING)
        return 0;
    set_state(THREAD_BUSY);                            /* the runtime's attach calls realloc: glibc serves it */
    set_state(cfa_impl_attach() ? THREAD_CFA : THREAD_GLIBC);
    return t_state == THREAD_CFA;
}

/* ------------------------------------------------------------------ blocks glibc serves, and their tag */

/*
 * A block glibc serves has a 16-byte tag right before its data, where a cfa-malloc block has its header. The tag's
 * first word has GLIBC_TAG in its top 16 bits, which a cfa-malloc header word never has (it holds an address, a
 * mapping length or a free link, all below 2^47), then the zero-fill bit, then the offset from glibc's pointer to
 * the data; its second word is the request size.
 */
#define GLIBC_TAG 0xC1B0ull
#define TAG_ZERO (1ull << 47)
#define TAG_OFFSET ((1ull << 47) - 1)

typedef struct { uint64_t word; uint64_t size; } tag_t;

static inline tag_t *tag_of(void *p) { return (tag_t *)p - 1; }
static inline int is_glibc(void *p) { return (tag_of(p)->word >> 48) == GLIBC_TAG; }

/* A block from glibc for size bytes aligned to alignment (a power of two), tagged; NULL with errno on failure. */
static void *glibc_alloc(size_t alignment, size_t size, int zero)
{
    __atomic_fetch_add(&g_glibc_calls, 1, __ATOMIC_RELAXED);
    if (alignment < sizeof(tag_t))
        alignment = sizeof(tag_t);
    size_t total = size + alignment;                   /* the tag fits in the alignment's room before the data */
    if (total < size) {
        errno = ENOMEM;
        return NULL;
    }
    char *base = alignment == sizeof(tag_t) ? __libc_malloc(total) : __libc_memalign(alignment, total);
    if (base == NULL)
        return NULL;                                   /* glibc has set errno */
    char *data = base + alignment;
    if (zero)
        memset(data, 0, size);
    tag_of(data)->word = (GLIBC_TAG << 48) | (zero ? TAG_ZERO : 0) | (uint64_t)alignment;
    tag_of(data)->size = size;
    return data;
}

static void glibc_free(void *p)
{
    __libc_free((char *)p - (tag_of(p)->word & TAG_OFFSET));
}

static size_t glibc_alignment(void *p) { return tag_of(p)->word & TAG_OFFSET; }

/*
 * The request size of a cfa-malloc block, read without C#, for the one call that needs it where C# cannot run (a
 * realloc on a thread that has left the runtime). It follows BlockHeader.cs: the header's second word is the
 * request size, unless the header is an aligned block's fake one (bit 0 of its first word), whose second word holds
 * the offset back to the real header in its low 58 bits. PreloadTests checks it (the realloc of a thread's last
 * destructor).
 */
static size_t cfa_request_size(void *p)
{
    const uint64_t *header = (const uint64_t *)p - 2;
    if (header[0] & 1)
        header = (const uint64_t *)((const char *)header - (header[1] & ((1ull << 58) - 1)));
    return header[1];
}

/* ------------------------------------------------------------------ a C# call that failed */

static void *failed(void)
{
    errno = t_error;
    return NULL;
}

/* ------------------------------------------------------------------ the standard interface */

static __attribute__((noinline)) void *malloc_slow(size_t size)
{
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        void *p = IN_CSHARP(cfa_impl_malloc(size));
        return LIKELY(p != NULL) ? p : failed();
    }
    return glibc_alloc(0, size, 0);
}

EXPORT void *malloc(size_t size)
{
    void *heap = t_fast;
    if (LIKELY(heap != NULL)) {
        void *p = cfa_fast_malloc(heap, size);         /* no GC transition: pointer code only (FastExports.cs) */
        if (LIKELY(p != NULL))
            return p;
    }
    return malloc_slow(size);
}

static __attribute__((noinline)) void free_slow(void *p);

EXPORT void free(void *p)
{
    /*
     * The fast path first: it declines NULL, and a block glibc served, whose tag word names no bucket of any heap
     * (GLIBC_TAG in its top bits), as it declines every block not on this heap's buckets.
     */
    void *heap = t_fast;
    if (LIKELY(heap != NULL) && cfa_fast_free(heap, p))
        return;
    free_slow(p);
}

static __attribute__((noinline)) void free_slow(void *p)
{
    if (p == NULL)
        return;
    if (UNLIKELY(is_glibc(p))) {
        glibc_free(p);
        return;
    }
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        IN_CSHARP_VOID(cfa_impl_free(p));
        return;
    }
    /* A cfa-malloc block freed where C# cannot run: put aside, freed at the next attach. */
    void *head = __atomic_load_n(&g_deferred, __ATOMIC_RELAXED);
    do
        *(void **)p = head;
    while (!__atomic_compare_exchange_n(&g_deferred, &head, p, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

/* count * size in *bytes; 0 with errno ENOMEM when it overflows, which calloc and the array forms answer with NULL. */
static int array_bytes(size_t count, size_t size, size_t *bytes)
{
    if (__builtin_mul_overflow(count, size, bytes)) {
        errno = ENOMEM;
        return 0;
    }
    return 1;
}

EXPORT void *calloc(size_t count, size_t size)
{
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        void *p = IN_CSHARP(cfa_impl_calloc(count, size));
        return LIKELY(p != NULL) ? p : failed();
    }
    size_t bytes;
    return array_bytes(count, size, &bytes) ? glibc_alloc(0, bytes, 1) : NULL;
}

/*
 * Moves a glibc block to a new one of size bytes with the given alignment (0: keep its own), copying when asked:
 * a block glibc served before the thread could call C# goes to cfa-malloc at its first realloc.
 */
static void *move_glibc(void *p, size_t alignment, size_t size, int copy)
{
    tag_t tag = *tag_of(p);
    int zero = (tag.word & TAG_ZERO) != 0;
    if (alignment == 0)
        alignment = glibc_alignment(p);
    void *q;
    if (t_state == THREAD_CFA || attach())
        q = zero && copy ? IN_CSHARP(cfa_impl_cmemalign(alignment, 1, size)) : IN_CSHARP(cfa_impl_memalign(alignment, size));
    else
        q = glibc_alloc(alignment, size, zero && copy);
    if (q == NULL)
        return t_state == THREAD_CFA ? failed() : NULL;
    if (copy)
        memcpy(q, p, tag.size < size ? tag.size : size);
    glibc_free(p);
    return q;
}

EXPORT void *realloc(void *p, size_t size)
{
    if (p != NULL && UNLIKELY(is_glibc(p))) {
        if (size == 0) {
            glibc_free(p);
            return NULL;
        }
        return move_glibc(p, 0, size, 1);
    }
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        void *q = IN_CSHARP(cfa_impl_realloc(p, size));
        return LIKELY(q != NULL) || (p != NULL && size == 0) ? q : failed();
    }
    if (p == NULL)
        return glibc_alloc(0, size, 0);
    if (size == 0) {
        free(p);
        return NULL;
    }
    /* A cfa-malloc block where C# cannot run: a glibc copy of its bytes, and the block put aside. */
    void *q = glibc_alloc(0, size, 0);
    if (q != NULL) {
        size_t old = cfa_request_size(p);
        memcpy(q, p, old < size ? old : size);
        free(p);
    }
    return q;
}

EXPORT void *reallocarray(void *p, size_t count, size_t size)
{
    size_t bytes;
    return array_bytes(count, size, &bytes) ? realloc(p, bytes) : NULL;
}

/*
 * llheap's POSIX forms: an error code instead of the block, which goes to *p on success; on failure *p and its block
 * stay as they were. Built on this file's realloc and aligned_realloc, which serve glibc blocks as well.
 */
static int posix_result(void **p, void *q, size_t bytes)
{
    if (q == NULL && bytes != 0)
        return errno;                                  /* realloc left the block and set errno */
    *p = q;
    return 0;
}

EXPORT int posix_realloc(void **p, size_t size)
{
    return p == NULL ? EINVAL : posix_result(p, realloc(*p, size), size);
}

EXPORT int posix_reallocarray(void **p, size_t count, size_t size)
{
    size_t bytes;
    if (p == NULL)
        return EINVAL;
    return __builtin_mul_overflow(count, size, &bytes) ? ENOMEM : posix_result(p, realloc(*p, bytes), bytes);
}

EXPORT int posix_aligned_realloc(void **p, size_t alignment, size_t size)
{
    return p == NULL ? EINVAL : posix_result(p, aligned_realloc(*p, alignment, size), size);
}

EXPORT int posix_aligned_reallocarray(void **p, size_t alignment, size_t count, size_t size)
{
    size_t bytes;
    if (p == NULL)
        return EINVAL;
    return __builtin_mul_overflow(count, size, &bytes) ? ENOMEM : posix_result(p, aligned_realloc(*p, alignment, bytes), bytes);
}

EXPORT void *memalign(size_t alignment, size_t size)
{
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        if (LIKELY(t_fast != NULL) && alignment != 0 && (alignment & (alignment - 1)) == 0) {
            void *p = cfa_fast_memalign(t_fast, alignment, size);
            if (LIKELY(p != NULL))
                return p;
        }
        void *p = IN_CSHARP(cfa_impl_memalign(alignment, size));
        return LIKELY(p != NULL) ? p : failed();
    }
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return glibc_alloc(alignment, size, 0);
}

EXPORT void *aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

EXPORT int posix_memalign(void **result, size_t alignment, size_t size)
{
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        if (LIKELY(t_fast != NULL) && alignment % sizeof(void *) == 0 && alignment != 0 && (alignment & (alignment - 1)) == 0) {
            void *p = cfa_fast_memalign(t_fast, alignment, size);
            if (LIKELY(p != NULL)) {
                *result = p;
                return 0;
            }
        }
        return IN_CSHARP(cfa_impl_posix_memalign(result, alignment, size));
    }
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void *) != 0)
        return EINVAL;
    void *p = glibc_alloc(alignment, size, 0);
    if (p == NULL)
        return ENOMEM;
    *result = p;
    return 0;
}

EXPORT void *valloc(size_t size)
{
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        void *p = IN_CSHARP(cfa_impl_valloc(size));
        return LIKELY(p != NULL) ? p : failed();
    }
    return glibc_alloc((size_t)sysconf(_SC_PAGESIZE), size, 0);
}

EXPORT void *pvalloc(size_t size)
{
    if (LIKELY(t_state == THREAD_CFA) || attach()) {
        void *p = IN_CSHARP(cfa_impl_pvalloc(size));
        return LIKELY(p != NULL) ? p : failed();
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return glibc_alloc(page, size == 0 ? page : (size + page - 1) & ~(page - 1), 0);
}

EXPORT size_t malloc_usable_size(void *p)
{
    if (p == NULL)
        return 0;
    if (is_glibc(p))
        return tag_of(p)->size;
    if (t_state == THREAD_CFA || attach())
        return g_fast ? cfa_fast_usable_size(p) : IN_CSHARP(cfa_impl_usable_size(p));
    return 0;
}

EXPORT int mallopt(int option, int value)
{
    if (t_state == THREAD_CFA || attach())
        return IN_CSHARP(cfa_impl_mallopt(option, value));
    return 0;
}

EXPORT int malloc_trim(size_t pad)
{
    if (t_state == THREAD_CFA || attach())
        return IN_CSHARP(cfa_impl_trim(pad));
    return 0;
}

/* The statistics to a file descriptor, with the front's own line: how many calls glibc served. */
static void write_stats(int fd)
{
    IN_CSHARP_VOID(cfa_impl_stats(fd));
    int collections = IN_CSHARP(cfa_impl_gc_count());
    long managed = IN_CSHARP(cfa_impl_managed_bytes());
    dprintf(fd, "glibc-served calls (runtime start, thread attaches, exiting threads): %lu\n"
                "hosted runtime: %d collections, %ld managed bytes allocated, %lu threads not started\n",
            __atomic_load_n(&g_glibc_calls, __ATOMIC_RELAXED), collections, managed,
            __atomic_load_n(&g_runtime_threads, __ATOMIC_RELAXED));
}

/* Where malloc_stats and heap_stats write: stderr, as glibc's malloc_stats, until malloc_stats_fd changes it. */
static int g_stats_fd = STDERR_FILENO;

EXPORT void malloc_stats(void)
{
    if (t_state == THREAD_CFA || attach())
        write_stats(__atomic_load_n(&g_stats_fd, __ATOMIC_RELAXED));
}

/* llheap's heap_stats: the calling thread's heap statistics, where malloc_stats writes. */
EXPORT void heap_stats(void)
{
    if (t_state == THREAD_CFA || attach())
        IN_CSHARP_VOID(cfa_impl_heap_stats(__atomic_load_n(&g_stats_fd, __ATOMIC_RELAXED)));
}

/* llheap's malloc_stats_fd: sets the file descriptor the statistics are written to; returns the previous one.
   The descriptor is only stored: a bad one shows when a write to it fails (the statistics are then lost). */
EXPORT int malloc_stats_fd(int fd)
{
    return __atomic_exchange_n(&g_stats_fd, fd, __ATOMIC_RELAXED);
}

/* llheap's malloc_stats_all: whether the statistics add one line per size class (block size, allocations, blocks
   reused, blocks carved, frees); returns the previous state. Off at start. */
EXPORT bool malloc_stats_all(bool state)
{
    if (t_state == THREAD_CFA || attach())
        return IN_CSHARP(cfa_impl_stats_all(state)) != 0;
    return false;
}

/* llheap's malloc_stats_clear: the operation counters count from now (glibc-served calls are not counted there). */
EXPORT void malloc_stats_clear(void)
{
    if (t_state == THREAD_CFA || attach())
        IN_CSHARP_VOID(cfa_impl_stats_clear());
}

/* llheap's malloc_unfreed: the bytes checked mode's exit report subtracts (CFA_MALLOC_UNFREED). */
EXPORT size_t malloc_unfreed(void)
{
    return t_state == THREAD_CFA || attach() ? IN_CSHARP(cfa_impl_unfreed()) : 0;
}

EXPORT int malloc_info(int options, FILE *stream)
{
    if (options != 0 || stream == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (!(t_state == THREAD_CFA || attach()))
        return -1;
    char small[4096];
    size_t length = IN_CSHARP(cfa_impl_info(small, sizeof small));
    if (length <= sizeof small)
        return fwrite(small, 1, length, stream) == length ? 0 : -1;
    char *large = __libc_malloc(length);               /* glibc's: a scratch buffer the caller never sees */
    if (large == NULL)
        return -1;
    length = IN_CSHARP(cfa_impl_info(large, length));
    int result = fwrite(large, 1, length, stream) == length ? 0 : -1;
    __libc_free(large);
    return result;
}

/* ------------------------------------------------------------------ llheap's extensions (cfamalloc.h) */

#define CFA_ALLOCATING(call)                                                  \
    do {                                                                      \
        if (!(t_state == THREAD_CFA || attach())) {                           \
            errno = ENOMEM;                                                   \
            return NULL;                                                      \
        }                                                                     \
        void *p_ = IN_CSHARP(call);                                           \
        return LIKELY(p_ != NULL) ? p_ : failed();                            \
    } while (0)

EXPORT void *aalloc(size_t count, size_t size) { CFA_ALLOCATING(cfa_impl_aalloc(count, size)); }
EXPORT void *amemalign(size_t alignment, size_t count, size_t size) { CFA_ALLOCATING(cfa_impl_amemalign(alignment, count, size)); }
EXPORT void *cmemalign(size_t alignment, size_t count, size_t size) { CFA_ALLOCATING(cfa_impl_cmemalign(alignment, count, size)); }

/*
 * What resize, aligned_resize and aligned_realloc do without C#: refuse an alignment that is not a power of two,
 * free the block for size 0, and move a glibc block (copying its bytes when copy is set). Returns 1 when that served
 * the call, with the answer in *result; 0 when C# must (a cfa-malloc block, or NULL, which allocates).
 */
static int reshape_without_csharp(void *p, size_t alignment, size_t size, int copy, void **result)
{
    if (p == NULL)
        return 0;
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        errno = EINVAL;
        *result = NULL;
        return 1;
    }
    if (size == 0) {
        free(p);
        *result = NULL;
        return 1;
    }
    if (!is_glibc(p))
        return 0;
    *result = move_glibc(p, alignment, size, copy);
    return 1;
}

EXPORT void *resize(void *p, size_t size)
{
    void *q;
    if (reshape_without_csharp(p, sizeof(tag_t), size, 0, &q))
        return q;
    CFA_ALLOCATING(cfa_impl_resize(p, size));
}

EXPORT void *aligned_resize(void *p, size_t alignment, size_t size)
{
    void *q;
    if (reshape_without_csharp(p, alignment, size, 0, &q))
        return q;
    CFA_ALLOCATING(cfa_impl_aligned_resize(p, alignment, size));
}

EXPORT void *aligned_realloc(void *p, size_t alignment, size_t size)
{
    void *q;
    if (reshape_without_csharp(p, alignment, size, 1, &q))
        return q;
    CFA_ALLOCATING(cfa_impl_aligned_realloc(p, alignment, size));
}

/* The array forms of resize, aligned_resize and aligned_realloc: NULL with ENOMEM when count * size overflows. */
EXPORT void *resizearray(void *p, size_t count, size_t size)
{
    size_t bytes;
    return array_bytes(count, size, &bytes) ? resize(p, bytes) : NULL;
}

EXPORT void *aligned_resizearray(void *p, size_t alignment, size_t count, size_t size)
{
    size_t bytes;
    return array_bytes(count, size, &bytes) ? aligned_resize(p, alignment, bytes) : NULL;
}

EXPORT void *aligned_reallocarray(void *p, size_t alignment, size_t count, size_t size)
{
    size_t bytes;
    return array_bytes(count, size, &bytes) ? aligned_realloc(p, alignment, bytes) : NULL;
}

EXPORT size_t malloc_size(void *p)
{
    if (p == NULL)
        return 0;
    if (is_glibc(p))
        return tag_of(p)->size;
    return t_state == THREAD_CFA || attach() ? IN_CSHARP(cfa_impl_size(p)) : 0;
}

EXPORT size_t malloc_alignment(void *p)
{
    if (p == NULL)
        return 16;                                     /* the alignment of every block by default, as llheap answers */
    if (is_glibc(p))
        return glibc_alignment(p);
    return t_state == THREAD_CFA || attach() ? IN_CSHARP(cfa_impl_alignment(p)) : 0;
}

EXPORT bool malloc_zero_fill(void *p)
{
    if (p == NULL)
        return false;
    if (is_glibc(p))
        return (tag_of(p)->word & TAG_ZERO) != 0;
    return t_state == THREAD_CFA || attach() ? IN_CSHARP(cfa_impl_zero_fill(p)) != 0 : false;
}

EXPORT bool malloc_remote(void *p)
{
    if (p == NULL || is_glibc(p))
        return false;
    return t_state == THREAD_CFA || attach() ? IN_CSHARP(cfa_impl_remote(p)) != 0 : false;
}

/* ------------------------------------------------------------------ the runtime's threads and thread exits */

/*
 * The .NET runtime in this library starts a thread of its own, the finalizer (with concurrent GC off, the only one).
 * It is not started: the link redirects the runtime's pthread_create here (-Wl,--wrap=pthread_create; the program's
 * own calls are untouched), which reports success and starts nothing. The allocator makes no finalizable object, so
 * the thread would only wait; and a thread that never ends would keep alive a process whose main thread left with
 * pthread_exit (it ends when its last thread does), and would show in the program's thread list. The runtime starts
 * it detached and never looks at it again. g_runtime_threads counts the threads not started, for the statistics.
 */

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg);

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    (void)attr;
    (void)start;
    (void)arg;
    __atomic_fetch_add(&g_runtime_threads, 1, __ATOMIC_RELAXED);
    *thread = 0;
    return 0;
}

/*
 * The runtime learns of a thread's exit through a pthread key whose destructor detaches the thread; after it,
 * entering C# on that thread is fatal. The link redirects the runtime's pthread_key_create here
 * (-Wl,--wrap=pthread_key_create) so that the thread's heap goes back to the pool first, while the thread is still
 * attached, and the thread is GLIBC from then on: what later destructors allocate comes from glibc, and what they
 * free of cfa-malloc's is put aside.
 */
int __real_pthread_key_create(pthread_key_t *key, void (*destructor)(void *));

static pthread_key_t g_runtime_key;
static void (*g_runtime_thread_exit)(void *);

/* Rounds of key destructors this thread has been through (glibc runs up to PTHREAD_DESTRUCTOR_ITERATIONS). */
static __thread int t_exit_rounds __attribute__((tls_model("initial-exec")));

static void thread_exit(void *value)
{
    /*
     * glibc runs key destructors in rounds, while any key has a value, at most PTHREAD_DESTRUCTOR_ITERATIONS times.
     * Setting the runtime's value again keeps the thread attached to the last round, so that the program's own
     * key destructors (of any key, in the first round) still allocate and free with cfa-malloc.
     */
    if (t_state == THREAD_CFA && ++t_exit_rounds < PTHREAD_DESTRUCTOR_ITERATIONS && pthread_setspecific(g_runtime_key, value) == 0)
        return;
    if (t_state == THREAD_CFA)
        IN_CSHARP_VOID(cfa_impl_detach());
    set_state(THREAD_GLIBC);
    g_runtime_thread_exit(value);
}

int __wrap_pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    if (destructor == NULL)
        return __real_pthread_key_create(key, NULL);
    int rc = __real_pthread_key_create(key, thread_exit);
    g_runtime_key = *key;                              /* the runtime makes one key with a destructor: this one */
    g_runtime_thread_exit = destructor;
    return rc;
}

/* ------------------------------------------------------------------ fork */

/* Every lock of the allocator is held across fork (ForkSafety.cs), by a thread that can run C#. */
static __thread int t_fork_held __attribute__((tls_model("initial-exec")));

static void fork_prepare(void)
{
    t_fork_held = t_state == THREAD_CFA || attach();
    if (t_fork_held)
        IN_CSHARP_VOID(cfa_impl_fork_prepare());
}

static void fork_resume(void)
{
    if (t_fork_held)
        IN_CSHARP_VOID(cfa_impl_fork_resume());
    t_fork_held = 0;
}

/* ------------------------------------------------------------------ start and exit */

/* CFA_MALLOC_STATS=1: the statistics at exit (stderr, or where malloc_stats_fd said), as llheap's MALLOC_STATS. */
static void *stats_thread(void *unused)
{
    (void)unused;
    if (attach())
        write_stats(__atomic_load_n(&g_stats_fd, __ATOMIC_RELAXED));
    return NULL;
}

/* Runs report(stderr) in C# at exit: on this thread, or, when it has left the runtime (the last thread of a process
   whose main thread called pthread_exit), on a new thread. */
static void report_at_exit(void *(*on_new_thread)(void *), void (*report)(int))
{
    if (t_state == THREAD_CFA || attach()) {
        report(STDERR_FILENO);
        return;
    }
    pthread_t printer;
    if (__real_pthread_create(&printer, NULL, on_new_thread, NULL) == 0)   /* the real one: the link wraps this library's calls */
        pthread_join(printer, NULL);
}

static void stats_at_exit(void) { report_at_exit(stats_thread, write_stats); }

static void write_unfreed(int fd) { IN_CSHARP_VOID(cfa_impl_unfreed_report(fd)); }

static void *unfreed_thread(void *unused)
{
    (void)unused;
    if (attach())
        write_unfreed(STDERR_FILENO);
    return NULL;
}

static void unfreed_at_exit(void) { report_at_exit(unfreed_thread, write_unfreed); }

/* Starts the allocator when the library is loaded: before this, and if it fails, glibc serves every call. */
__attribute__((constructor)) static void start(void)
{
    set_state(THREAD_BUSY);                            /* the runtime starts now, and allocates: glibc serves it */
    int rc = cfa_impl_start(&g_deferred);              /* 0: running; 1: running in checked mode; -1: failed */
    set_state(THREAD_NEW);
    if (rc < 0) {
        __atomic_store_n(&g_process, PROCESS_GLIBC, __ATOMIC_RELEASE);
        return;
    }
    g_fast = rc == 0;
    pthread_atfork(fork_prepare, fork_resume, fork_resume);
    __atomic_store_n(&g_process, PROCESS_RUNNING, __ATOMIC_RELEASE);
    const char *stats = getenv("CFA_MALLOC_STATS");
    if (stats != NULL && strcmp(stats, "1") == 0)
        atexit(stats_at_exit);
    if (rc == 1)
        atexit(unfreed_at_exit);                       /* checked mode reports storage not freed, as llheap does */
}
