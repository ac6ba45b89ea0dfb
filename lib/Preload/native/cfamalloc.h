/*
 * cfamalloc.h: the C interface of libcfamalloc.so beyond the standard one.
 *
 * The standard routines (malloc, free, calloc, realloc, reallocarray, aligned_alloc, memalign, posix_memalign,
 * valloc, pvalloc, malloc_usable_size, mallopt, malloc_trim, malloc_stats, malloc_info) keep glibc's
 * declarations in <stdlib.h> and <malloc.h>. These are llheap's extensions, with llheap's names and signatures;
 * docs/allocator.md gives their exact semantics (the C# names: CfaMalloc.Aalloc, Resize, ...).
 * Link with -lcfamalloc, or preload the library and look the names up with dlsym.
 */
#ifndef CFAMALLOC_H
#define CFAMALLOC_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An array of count elements of size bytes, not zeroed; NULL with ENOMEM when count * size overflows. */
void *aalloc(size_t count, size_t size);

/* Re-purposes a block for size bytes without copying: alignment back to 16, zero fill off. */
void *resize(void *p, size_t size);

/* An array aligned to alignment (a power of two, else NULL with EINVAL), not zeroed; the alignment is sticky. */
void *amemalign(size_t alignment, size_t count, size_t size);

/* An aligned, zero-filled array: both properties are sticky through realloc. */
void *cmemalign(size_t alignment, size_t count, size_t size);

/* resize to a new alignment (no copy; the new alignment sticky). */
void *aligned_resize(void *p, size_t alignment, size_t size);

/* realloc to a new alignment (copies, keeps zero fill; the new alignment sticky). */
void *aligned_realloc(void *p, size_t alignment, size_t size);

/* The array forms of resize, aligned_resize and aligned_realloc: NULL with ENOMEM when count * size overflows. */
void *resizearray(void *p, size_t count, size_t size);
void *aligned_resizearray(void *p, size_t alignment, size_t count, size_t size);
void *aligned_reallocarray(void *p, size_t alignment, size_t count, size_t size);

/* POSIX forms: 0 with the new block in *p, or an error code (ENOMEM, EINVAL) with *p and its block untouched.
   A size of 0 frees the block and stores NULL, as realloc. */
int posix_realloc(void **p, size_t size);
int posix_reallocarray(void **p, size_t count, size_t size);
int posix_aligned_realloc(void **p, size_t alignment, size_t size);
int posix_aligned_reallocarray(void **p, size_t alignment, size_t count, size_t size);

/* The operation counters of malloc_stats count from now; the calling thread's heap statistics, where malloc_stats
   writes. */
void malloc_stats_clear(void);
void heap_stats(void);

/* Whether malloc_stats and heap_stats add one line per size class (llheap's malloc_stats_all); returns the previous
   state. And the file descriptor they write to (stderr at start); returns the previous one. */
bool malloc_stats_all(bool state);
int malloc_stats_fd(int fd);

/* The bytes checked mode's report of storage not freed at exit subtracts (set with CFA_MALLOC_UNFREED). */
size_t malloc_unfreed(void);

/* The size asked for when p was allocated or last resized (0 for NULL). */
size_t malloc_size(void *p);

/* The alignment p was allocated with (16 by default, and for NULL). */
size_t malloc_alignment(void *p);

/* Whether p is zero-filled (calloc, cmemalign, and kept so by realloc). */
bool malloc_zero_fill(void *p);

/* Whether p belongs to another thread's heap, so that freeing it here is a remote free. */
bool malloc_remote(void *p);

#ifdef __cplusplus
}
#endif

#endif
