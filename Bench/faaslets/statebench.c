// build: wasm-only
// Reads a 1 MiB state value and sums it, timed inside the sandbox, for tools/bench-faaslets.
// Input "setup" writes the value (and pushes it when there is a global tier); "ptr" maps it
// (__faasm_read_state_ptr), "copy" copies it (__faasm_read_state), "pull" pulls it from the
// global tier first (__faasm_pull_state). Output: "NANOSECONDS SUM\n".
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define KEY "bench_state"
#define SIZE (1 << 20)

static uint64_t buffer[SIZE / 8];

static uint64_t now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t sum(const uint64_t *words) {
    uint64_t total = 0;
    for (int i = 0; i < SIZE / 8; i++) total += words[i];
    return total;
}

int main(void) {
    char mode[16] = {0};
    __faasm_read_input((unsigned char *)mode, sizeof mode - 1);
    uint64_t start, total;
    if (strcmp(mode, "setup") == 0) {
        for (int i = 0; i < SIZE / 8; i++) buffer[i] = (uint64_t)i;
        __faasm_write_state(KEY, (unsigned char *)buffer, SIZE);
        __faasm_push_state(KEY);
        start = now();
        total = sum(buffer);
    } else if (strcmp(mode, "ptr") == 0) {
        start = now();
        total = sum((const uint64_t *)__faasm_read_state_ptr(KEY, SIZE));
    } else if (strcmp(mode, "copy") == 0) {
        start = now();
        __faasm_read_state(KEY, (unsigned char *)buffer, SIZE);
        total = sum(buffer);
    } else if (strcmp(mode, "pull") == 0) {
        start = now();
        __faasm_pull_state(KEY, SIZE);
        __faasm_read_state(KEY, (unsigned char *)buffer, SIZE);
        total = sum(buffer);
    } else {
        return 2;
    }
    uint64_t elapsed = now() - start;
    char out[64];
    int len = snprintf(out, sizeof out, "%llu %llu\n", (unsigned long long)elapsed, (unsigned long long)total);
    __faasm_write_output(out, len);
    return 0;
}
