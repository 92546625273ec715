// Misbehaves: writes far more than a response may hold (the output cap: 500).
#include <stdio.h>
#include <string.h>

int main(void) {
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 1024; i++) {
        if (fwrite(block, 1, sizeof block, stdout) != sizeof block) return 3;
    }
    return 0;
}
