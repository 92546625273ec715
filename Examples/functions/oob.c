// Misbehaves: reads past the end of linear memory (a trap: 500).
#include <stdio.h>
#include <stdint.h>

int main(void) {
    volatile uint32_t *far = (volatile uint32_t *)(uintptr_t)0xFFFFFFF0u;
    printf("%u\n", *far);
    return 0;
}
