/*
 * dlopen after allocation: the program allocates, opens dlopen_lib.so (path in argv[1]), which frees those blocks and
 * allocates new ones; the program checks and frees them, then closes the library. Prints "ok".
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    char *blocks[32];
    for (int i = 0; i < 32; i++) {
        blocks[i] = malloc(64);
        memset(blocks[i], i, 64);
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        printf("dlopen failed: %s\n", dlerror());
        return 1;
    }
    int (*swap)(char **, int) = (int (*)(char **, int))dlsym(library, "swap_blocks");
    if (swap == NULL || !swap(blocks, 32)) {
        printf("the library found the blocks changed\n");
        return 1;
    }
    for (int i = 0; i < 32; i++) {
        for (int k = 0; k < 64; k++)
            if (blocks[i][k] != (char)(100 + i)) {
                printf("a block from the library lost its bytes\n");
                return 1;
            }
        free(blocks[i]);
    }
    dlclose(library);
    printf("ok\n");
    return 0;
}
