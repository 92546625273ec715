// An image-like byte transform: every byte of the body inverted (a negative of 8-bit
// pixels), returned as application/octet-stream.
#include <stdio.h>

int main(void) {
    unsigned char buffer[65536];
    size_t n;
    printf("Content-Type: application/octet-stream\n\n");
    while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
        for (size_t i = 0; i < n; i++) buffer[i] = (unsigned char)(255 - buffer[i]);
        fwrite(buffer, 1, n, stdout);
    }
    return 0;
}
