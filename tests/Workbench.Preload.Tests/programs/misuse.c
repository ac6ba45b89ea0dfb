/*
 * A C program's heap misuse, for checked mode (CFA_MALLOC_CHECKED=1): "double-free" frees a block twice,
 * "overrun" writes one byte past a block's request size and frees it. Prints the block's address first
 * ("block 0x..."), so that the test can check that the allocator's report names it; checked mode must then end the
 * process with a non-zero status before the program prints "survived".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    char *p = malloc(40);
    memset(p, 1, 40);
    printf("block %p\n", (void *)p);
    fflush(stdout);
    if (strcmp(argv[1], "double-free") == 0) {
        free(p);
        free(p);
    } else if (strcmp(argv[1], "overrun") == 0) {
        ((volatile char *)p)[40] = 7; /* volatile: the compiler would drop a store right before free */
        free(p);
    } else {
        return 2;
    }
    printf("survived\n");
    return 0;
}
