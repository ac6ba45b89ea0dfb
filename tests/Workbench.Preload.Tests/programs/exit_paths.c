/*
 * Allocation on a thread's and a process's way out, where the preloaded library can no longer call C# (docs/preload.md,
 * "Exits"): a pthread key destructor that runs round after round (past the rounds in which the thread keeps its
 * heap) frees, reallocates and allocates blocks; then the main thread leaves with pthread_exit, so that the
 * process's atexit handler runs on a thread that has left the runtime, and it does the same. Every block's bytes are
 * checked. Prints "ok" from the atexit handler when all held.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_key_t g_key;
static int g_bad;
static char *g_kept[8];

static int filled(const char *p, int byte, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (char)byte)
            return 0;
    return 1;
}

/* Frees, reallocates and allocates; checks the bytes that must survive. */
static void churn(char **slot, int round)
{
    if (*slot != NULL && !filled(*slot, 'a' + round % 26, 1000))
        g_bad = 1;
    char *grown = realloc(*slot, 3000 + (size_t)round);
    if (grown == NULL || (*slot != NULL && !filled(grown, 'a' + round % 26, 1000)))
        g_bad = 1;
    free(grown);
    char *fresh = malloc(1000);
    memset(fresh, 'a' + (round + 1) % 26, 1000);
    *slot = fresh;
}

static void destructor(void *value)
{
    char **slot = value;
    int round = (int)(slot[1] - (char *)0);
    churn(&slot[0], round);
    if (round < 6) { /* more rounds than glibc's PTHREAD_DESTRUCTOR_ITERATIONS allows: the last ones are skipped */
        slot[1] = (char *)0 + round + 1;
        pthread_setspecific(g_key, slot);
    } else {
        free(slot[0]);
        free(slot);
    }
}

static void *worker(void *arg)
{
    (void)arg;
    char **slot = malloc(2 * sizeof(char *));
    slot[0] = malloc(1000);
    memset(slot[0], 'a', 1000);
    slot[1] = (char *)0;
    pthread_setspecific(g_key, slot);
    return NULL;
}

static void at_exit(void)
{
    /* The blocks main allocated, on a thread that has left the runtime (the last one to end). */
    for (int i = 0; i < 8; i++) {
        if (!filled(g_kept[i], 'k', 500))
            g_bad = 1;
        char *moved = realloc(g_kept[i], 10000);
        if (moved == NULL || !filled(moved, 'k', 500))
            g_bad = 1;
        free(moved);
    }
    char *late = malloc(100);
    memset(late, 1, 100);
    free(late);
    printf(g_bad ? "a block lost its bytes\n" : "ok\n");
    fflush(stdout);
}

int main(void)
{
    pthread_key_create(&g_key, destructor);
    for (int i = 0; i < 8; i++) {
        g_kept[i] = malloc(500);
        memset(g_kept[i], 'k', 500);
    }
    atexit(at_exit);
    for (int i = 0; i < 20; i++) {
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_join(t, NULL);
    }
    /* A worker that outlives main, so that the process ends with it. */
    pthread_t last;
    pthread_create(&last, NULL, worker, NULL);
    pthread_exit(NULL);
}
