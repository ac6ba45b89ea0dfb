/*
 * A C program's heap misuse: "double-free" frees a block twice, "stack-free" frees a pointer into its stack (both
 * caught in every mode), "overrun" writes one byte past a block's request size and frees it (caught by checked mode,
 * CFA_MALLOC_CHECKED=1); "leak" leaves blocks allocated, and survives. Prints the pointer first ("block 0x..."), so that the test can check that the allocator's
 * report names it; the allocator must then end the process with a non-zero status before the program prints
 * "survived".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    char stack[64] __attribute__((aligned(16)));
    memset(stack, 0, sizeof stack);
    char *p = strcmp(argv[1], "stack-free") == 0 ? stack + 32 : malloc(40);
    memset(p, 1, 16);
    printf("block %p\n", (void *)p);
    fflush(stdout);
    if (strcmp(argv[1], "double-free") == 0) {
        free(p);
        free(p);
    } else if (strcmp(argv[1], "stack-free") == 0) {
        free(p);
    } else if (strcmp(argv[1], "leak") == 0) {
        /* Not a misuse that ends the process: 3 blocks of 1000 bytes left allocated, which checked mode reports at
           exit (with p, 4 blocks). */
        for (int i = 0; i < 3; i++)
            ((volatile char *)malloc(1000))[0] = 1;
    } else if (strcmp(argv[1], "overrun") == 0) {
        ((volatile char *)p)[40] = 7; /* volatile: the compiler would drop a store right before free */
        free(p);
    } else {
        return 2;
    }
    printf("survived\n");
    return 0;
}
