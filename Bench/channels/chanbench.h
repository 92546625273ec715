// What tools/bench-channels' caller and callee share.
#ifndef CHANBENCH_H
#define CHANBENCH_H

#include <stdint.h>

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

#endif
