// What tools/bench-channels' caller and callee share.
#ifndef CHANBENCH_H
#define CHANBENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wasi/api.h>

#define CHANBENCH_KEY "chanbench"
#define CHANBENCH_MAX (128L << 20)

// Letters only, so the bytes are a JSON string as they are.
static inline void fill_payload(char *p, long size) {
    for (long i = 0; i < size; i++) p[i] = (char)('a' + (i * 7 + i / 4096) % 26);
}

// A sum over every 256th byte and the last: it reads every page (so a mapped message
// costs its page faults, as a copied one its copy) without timing a loop over each byte.
static inline uint32_t checksum(const char *p, long size) {
    uint32_t sum = (uint32_t)size;
    for (long i = 0; i < size; i += 256) sum = sum * 31u + (unsigned char)p[i];
    if (size > 0) sum = sum * 31u + (unsigned char)p[size - 1];
    return sum;
}

// CWASI's callee: its payload is argv[1]; writes the checksum to stdout (the reply).
static inline int reply_checksum_of_argument(void) {
    size_t count = 0, size = 0;
    if (__wasi_args_sizes_get(&count, &size) != 0 || count != 2) return 1;
    char **argv = malloc(count * sizeof(char *));
    char *strings = malloc(size);
    if (!argv || !strings || __wasi_args_get((uint8_t **)argv, (uint8_t *)strings) != 0) return 1;
    // argv[1] runs to the end of the strings, less its NUL (no strlen over megabytes).
    long length = (long)(strings + size - argv[1]) - 1;
    char out[24];
    int n = snprintf(out, sizeof out, "%lu", (unsigned long)checksum(argv[1], length));
    write(1, out, (size_t)n);
    free(argv);
    free(strings);
    return 0;
}

#endif
