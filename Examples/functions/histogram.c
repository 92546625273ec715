// build: wasm-only
// link: -Wl,--export=malloc
// A workflow over channels (Docs/Channels.md): counts the letters of MIB MiB of text in N
// chained calls of histogram_worker (route /histogram_worker of the same tenant), each
// sent its part through a wasmlab_channel buffer whose pages move into the worker's memory
// without a copy, then adds up their counts: a fan-out and fan-in, and with N = 1 the
// sequential A -> B. Input "MIB [N]" (default "2 1"; MIB at most 128, N at most 16).
//   $ curl -s -d '10 4' http://127.0.0.1:8080/histogram
//   10485760 bytes in 4 parts: o 9.1%, e 6.8%, r 4.5%, t 4.5%, u 4.5%
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasmlab/channel.h>

#include "faaslet.h"
#include "histogram.h"

int main(void) {
    long mib = 2, parts = 1;
    read_two_numbers(&mib, &parts);
    if (mib < 1 || mib > HISTOGRAM_MAX_MIB || parts < 1 || parts > HISTOGRAM_MAX_PARTS)
        return fail("usage: MIB [N], 1 <= MIB <= 128, 1 <= N <= 16\n");
    long size = mib << 20, length = (long)strlen(histogram_text);

    // Channel names of this run only: runs at the same time do not take each other's parts.
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    unsigned long long run = (unsigned long long)now.tv_sec * 1000000000ull + (unsigned long long)now.tv_nsec;

    unsigned int ids[HISTOGRAM_MAX_PARTS];
    for (long i = 0, start = 0; i < parts; i++) {
        long count = size / parts + (i == parts - 1 ? size % parts : 0);
        char *part = NULL;
        if (wasmlab_channel_alloc((int)count, (void **)&part) != 0) return fail("wasmlab_channel_alloc failed\n");
        for (long j = 0; j < count; j++) part[j] = histogram_text[(start + j) % length];
        char name[64], input[96];
        int n = snprintf(name, sizeof name, "histogram-%llu-%ld", run, i);
        if (wasmlab_channel_send_buffer(name, n, part, (int)count) != 0) return fail("wasmlab_channel_send_buffer failed\n");
        n = snprintf(input, sizeof input, "%s %ld", name, count);
        ids[i] = __faasm_chain_name("histogram_worker", (const unsigned char *)input, n);
        start += count;
    }

    // Fan-in: each worker answers its 26 counts.
    unsigned long long counts[26] = {0};
    for (long i = 0; i < parts; i++) {
        char *output = NULL;
        int outputLength = 0;
        if (__faasm_await_call_output(ids[i], &output, &outputLength) != 0) return fail("a worker failed\n");
        char *at = output;
        for (int letter = 0; letter < 26; letter++) counts[letter] += strtoull(at, &at, 10);
        free(output);
    }

    // The five most frequent letters (of equal counts the first in the alphabet), in
    // percent of the bytes.
    char answer[256];
    int n = snprintf(answer, sizeof answer, "%ld bytes in %ld part%s:", size, parts, parts == 1 ? "" : "s");
    int taken[26] = {0};
    for (int rank = 0; rank < 5; rank++) {
        int best = -1;
        for (int letter = 0; letter < 26; letter++)
            if (!taken[letter] && (best < 0 || counts[letter] > counts[best])) best = letter;
        taken[best] = 1;
        n += snprintf(answer + n, sizeof answer - (size_t)n, "%s %c %.1f%%", rank ? "," : "", 'a' + best,
                      100.0 * (double)counts[best] / (double)size);
    }
    n += snprintf(answer + n, sizeof answer - (size_t)n, "\n");
    __faasm_write_output(answer, n);
    return 0;
}
