// What the Faasm examples share: their input as text, failures reported where they can be
// seen, awaiting a batch of chained calls, and a small deterministic PRNG.
#ifndef FAASLET_H
#define FAASLET_H

#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The call's input as a NUL-terminated string (cut to size - 1 bytes).
static inline void read_text_input(char *text, long size) {
    long n = __faasm_read_input((unsigned char *)text, size - 1);
    text[n > 0 ? n : 0] = '\0';
}

// The call's input as up to two whole numbers, "A [B]": each left as it is (its default)
// where the input does not give it.
static inline void read_two_numbers(long *a, long *b) {
    char text[64], *end;
    read_text_input(text, sizeof text);
    long value = strtol(text, &end, 10);
    if (end != text) *a = value;
    char *rest = end;
    value = strtol(rest, &end, 10);
    if (end != rest) *b = value;
}

// Ends the call with `message` as its output and status 1. The output of a call that fails
// is not shown over HTTP (Faasm replaces it too): the message also goes to stderr, the
// server's log.
static inline int fail(const char *message) {
    __faasm_write_output(message, (long)strlen(message));
    fputs(message, stderr);
    return 1;
}

// Awaits every call of `ids`, even after a failure, so that none still runs once the caller
// moves on (releases its lock, reads the results). Returns the index of the first call that
// failed, its status in *status; -1 when all succeeded.
static inline long await_all(const unsigned int *ids, long count, int *status) {
    long failed = -1;
    for (long i = 0; i < count; i++) {
        int s = __faasm_await_call(ids[i]);
        if (s != 0 && failed < 0) {
            failed = i;
            *status = s;
        }
    }
    return failed;
}

// xorshift64: a non-zero state never becomes zero.
static inline uint64_t xorshift64(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

#endif
