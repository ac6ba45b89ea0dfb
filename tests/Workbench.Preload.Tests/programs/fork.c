/*
 * fork in a multi-threaded program: 4 threads allocate and free without pause while the main thread forks 50
 * times. Each child allocates, checks and frees 5,000 blocks, starts 2 threads that do the same, and exits 0; a
 * child that hangs on a lock held at the moment of fork never exits (the test's time limit catches it). Prints "ok"
 * and exits 0 when every child exited 0 and the parent's blocks are intact.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int g_stop;

/* Allocates, fills, checks and frees rounds blocks of varied sizes; returns 0 when every block kept its bytes. */
static int churn(int rounds, unsigned seed)
{
    unsigned char *live[32] = {0};
    size_t sizes[32] = {0};
    for (int i = 0; i < rounds; i++) {
        seed = seed * 1103515245u + 12345u;
        int slot = (int)(seed >> 16) % 32;
        if (live[slot] != NULL) {
            for (size_t k = 0; k < sizes[slot]; k++)
                if (live[slot][k] != (unsigned char)(sizes[slot] + (size_t)slot))
                    return 1;
            free(live[slot]);
        }
        sizes[slot] = 1 + (seed >> 4) % ((seed & 1) ? 200 : 20000);
        live[slot] = malloc(sizes[slot]);
        if (live[slot] == NULL)
            return 1;
        memset(live[slot], (int)(sizes[slot] + (size_t)slot), sizes[slot]);
    }
    for (int slot = 0; slot < 32; slot++)
        free(live[slot]);
    return 0;
}

static void *busy(void *arg)
{
    unsigned seed = (unsigned)(intptr_t)arg;
    while (!g_stop)
        if (churn(1000, seed++) != 0)
            return (void *)1;
    return NULL;
}

static void *child_thread(void *arg) { return churn(2000, (unsigned)(intptr_t)arg) == 0 ? NULL : (void *)1; }

int main(void)
{
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, busy, (void *)(intptr_t)(i + 1));
    char *mine = strdup("the parent's block");
    int failures = 0;
    for (int f = 0; f < 50; f++) {
        pid_t pid = fork();
        if (pid == 0) {
            int bad = churn(5000, (unsigned)f);
            pthread_t t[2];
            for (int i = 0; i < 2; i++)
                pthread_create(&t[i], NULL, child_thread, (void *)(intptr_t)(f * 2 + i));
            for (int i = 0; i < 2; i++) {
                void *result;
                pthread_join(t[i], &result);
                bad |= result != NULL;
            }
            bad |= strcmp(mine, "the parent's block") != 0;
            free(mine);
            _exit(bad);
        }
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("child %d failed (status %d)\n", f, pid < 0 ? -1 : status);
            failures++;
        }
    }
    g_stop = 1;
    for (int i = 0; i < 4; i++) {
        void *result;
        pthread_join(threads[i], &result);
        if (result != NULL) {
            printf("parent thread %d: a block lost its bytes\n", i);
            failures++;
        }
    }
    if (strcmp(mine, "the parent's block") != 0)
        failures++;
    free(mine);
    if (failures == 0)
        printf("ok\n");
    return failures == 0 ? 0 : 1;
}
