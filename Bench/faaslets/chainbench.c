// build: wasm-only
// Chained-call round trips, timed inside the sandbox, for tools/bench-faaslets: input "K
// NAME" chains NAME (no input) and awaits it, K times one after another. Output: each
// round trip in nanoseconds, space-separated, then "\n".
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static char out[1 << 16];

int main(void) {
    char text[128] = {0}, name[64] = {0};
    __faasm_read_input((unsigned char *)text, sizeof text - 1);
    int count = 0;
    if (sscanf(text, "%d %63s", &count, name) != 2 || count < 1 || count > 2000) return 2;
    int len = 0;
    for (int k = 0; k < count; k++) {
        uint64_t start = now();
        int status = __faasm_await_call(__faasm_chain_name(name, (const unsigned char *)"", 0));
        uint64_t elapsed = now() - start;
        if (status != 0) return 3;
        len += snprintf(out + len, sizeof out - (size_t)len, "%llu ", (unsigned long long)elapsed);
    }
    out[len++] = '\n';
    __faasm_write_output(out, len);
    return 0;
}
