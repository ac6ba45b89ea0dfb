/* What a page of fresh anonymous memory costs to make resident on this machine, three ways:
 * a page fault per page (first touch), madvise(MADV_POPULATE_WRITE) over 64 KiB then touching
 * (what cfa-malloc's prefaulting does), and a transparent huge page (madvise MADV_HUGEPAGE).
 *   gcc -O2 scripts/page-fault-cost.c -o /tmp/page-fault-cost && taskset -c 0 /tmp/page-fault-cost
 * Each figure is nanoseconds per 4 KiB page over 64 MiB, three rounds. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#define MIB (1024UL * 1024UL)
#define PAGE 4096UL

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static char *fresh(size_t bytes)
{
    char *p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? 0 : p;
}

static void touch(char *from, size_t bytes)
{
    for (size_t i = 0; i < bytes; i += PAGE)
        from[i] = 1;
}

int main(void)
{
    const size_t bytes = 64 * MIB, chunk = 64 * 1024;
    const double pages = (double)(bytes / PAGE);
    for (int round = 0; round < 3; round++) {
        char *a = fresh(bytes), *b = fresh(bytes), *c = fresh(bytes + 2 * MIB);
        if (!a || !b || !c)
            return 1;
        double t = now_ns();
        touch(a, bytes);
        double faults = now_ns() - t;

        t = now_ns();
        int populated = 1;
        for (size_t off = 0; off < bytes; off += chunk) {
            populated &= madvise(b + off, chunk, 23 /* MADV_POPULATE_WRITE, Linux 5.14 */) == 0;
            touch(b + off, chunk);
        }
        double populate = now_ns() - t;

        char *huge = (char *)(((uintptr_t)c + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1));
        int advised = madvise(huge, bytes, MADV_HUGEPAGE) == 0;
        t = now_ns();
        touch(huge, bytes);
        double thp = now_ns() - t;

        printf("per 4 KiB page: first-touch fault %.0f ns, populate 64 KiB then touch %.0f ns%s, huge page %.0f ns%s\n",
               faults / pages, populate / pages, populated ? "" : " (populate refused)",
               thp / pages, advised ? "" : " (MADV_HUGEPAGE refused)");
        munmap(a, bytes);
        munmap(b, bytes);
        munmap(c, bytes + 2 * MIB);
    }
    return 0;
}
