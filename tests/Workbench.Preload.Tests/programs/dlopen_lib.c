/* A library the program opens with dlopen after it has allocated: it frees the program's blocks and allocates its own. */
#include <stdlib.h>
#include <string.h>

int swap_blocks(char **blocks, int count)
{
    for (int i = 0; i < count; i++) {
        for (int k = 0; k < 64; k++)
            if (blocks[i][k] != (char)i)
                return 0;
        free(blocks[i]);
        blocks[i] = malloc(64);
        memset(blocks[i], 100 + i, 64);
    }
    return 1;
}
