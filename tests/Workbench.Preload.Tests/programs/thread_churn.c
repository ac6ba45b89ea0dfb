/*
 * Thousands of threads, created and ended: THREADS threads in waves of 16 at a time, joinable and detached, each
 * allocating 200 blocks, freeing most of them, handing the rest to the main thread to free, and exiting. Prints
 * the resident set after the first wave of 100 threads and after all of them ("rss_kib first=N last=M") and "ok";
 * PreloadTests checks that the resident set stays bounded: an exited thread's heap goes to the next thread.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAVE 16

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static void *g_left[WAVE * 8];
static int g_left_count;
static int g_bad;

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(intptr_t)arg;
    void *blocks[200];
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 16 + (seed >> 8) % 2000;
        blocks[i] = malloc(n);
        memset(blocks[i], i, n);
    }
    for (int i = 0; i < 200; i++) {
        if (((unsigned char *)blocks[i])[0] != (unsigned char)i)
            __atomic_store_n(&g_bad, 1, __ATOMIC_RELAXED);
        if (i % 50 == 0) {
            pthread_mutex_lock(&g_lock);
            g_left[g_left_count++] = blocks[i];
            pthread_mutex_unlock(&g_lock);
        } else {
            free(blocks[i]);
        }
    }
    return NULL;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char **argv)
{
    int total = argc > 1 ? atoi(argv[1]) : 1000;
    long first = 0;
    for (int done = 0; done < total; done += WAVE) {
        pthread_t t[WAVE];
        int n = total - done < WAVE ? total - done : WAVE;
        for (int i = 0; i < n; i++) {
            if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(done + i)) != 0) {
                printf("pthread_create failed\n");
                return 1;
            }
            if (i % 2 == 1)
                pthread_detach(t[i]);
        }
        for (int i = 0; i < n; i += 2)
            pthread_join(t[i], NULL);
        /* The detached ones: wait until their blocks have arrived. */
        for (;;) {
            pthread_mutex_lock(&g_lock);
            int count = g_left_count;
            pthread_mutex_unlock(&g_lock);
            if (count == n * 4)
                break;
            usleep(100);
        }
        for (int i = 0; i < g_left_count; i++)
            free(g_left[i]);
        g_left_count = 0;
        if (first == 0 && done + n >= 100)
            first = rss_kib();
    }
    usleep(10000); /* the last detached threads finish exiting */
    printf("rss_kib first=%ld last=%ld\n", first, rss_kib());
    if (g_bad) {
        printf("a block lost its bytes\n");
        return 1;
    }
    printf("ok\n");
    return 0;
}
