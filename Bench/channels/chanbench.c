// build: wasm-only
// link: -Wl,--export=malloc
// tools/bench-channels' caller: moves SIZE bytes to chanbench_callee by MODE and answers
// "NS SUM": the nanoseconds from before the transfer until the callee's answer, and the
// callee's checksum of what it got (the caller checks it against its own).
//   mapped  filled in a wasmlab_channel buffer and sent without a copy, then a chained
//           call that receives it mapped (no copy on either side)
//   copy    wasmlab_channel send (one copy), then a chained call that receives it by
//           copy (another)
//   cwasi   CWASI's func_connect with the bytes as the JSON payload (the route's
//           channel-mode decides embedding, local or network)
//   redis   the baseline: the bytes set in Redis (write_state + push_state), then a
//           chained call that gets them (pull_state + read_state)
#include <cwasi/cwasi.h>
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasmlab/channel.h>

#include "chanbench.h"

// The function CWASI's message names (chanbench_embedder.c names an embedded one).
#ifndef CHANBENCH_TARGET
#define CHANBENCH_TARGET "chanbench_callee"
#endif

#ifdef CHANBENCH_EMBEDS
// Importing from module chanbench_lib is what makes the server embed that function.
__attribute__((import_module("chanbench_lib"), import_name("lib_ready"))) int lib_ready(void);
#endif

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int answer(const char *text) {
    __faasm_write_output(text, (long)strlen(text));
    return text[0] == 'e';
}

int main(void) {
    char input[64] = {0}, mode[16] = {0};
    __faasm_read_input((unsigned char *)input, sizeof input - 1);
    long size = 0;
    if (sscanf(input, "%15s %ld", mode, &size) != 2 || size < 0 || size > CHANBENCH_MAX)
        return answer("error: input MODE SIZE\n");
    int cwasi = strcmp(mode, "cwasi") == 0;
#ifdef CHANBENCH_EMBEDS
    if (lib_ready() != 1) return answer("error: the embedded library is not ready\n");
#endif
    // CWASI's message wraps the payload; its reply comes back over it.
    const char *head = "{\"source_channel\":\"chanbench.wasm\",\"target_channel\":\"" CHANBENCH_TARGET ".wasm\",\"payload\":\"";
    long headLen = (long)strlen(head), offset = cwasi ? headLen : 0;
    int mapped = strcmp(mode, "mapped") == 0;
    char *buffer = NULL;
    if (mapped) {
        void *shared = NULL;
        if (wasmlab_channel_alloc((int)(size > 0 ? size : 1), &shared) != 0) return answer("error: alloc failed\n");
        buffer = shared;
    } else {
        buffer = malloc((size_t)(offset + size + 2 + 64));
    }
    if (!buffer) return answer("error: out of memory\n");
    char key[32];
    snprintf(key, sizeof key, CHANBENCH_KEY "%ld", size);
    if (cwasi) memcpy(buffer, head, (size_t)headLen);
    char *payload = buffer + offset;
    fill_payload(payload, size);
    uint32_t expected = checksum(payload, size);
    if (cwasi) memcpy(payload + size, "\"}", 2);

    char call[48], reply[64] = {0};
    snprintf(call, sizeof call, "%s %ld", mode, size);
    uint64_t start = now_ns();
    if (cwasi) {
        int n = func_connect(buffer, (int)(offset + size + 2));
        if (n < 0 || n > 63) return answer("error: func_connect failed\n");
        memcpy(reply, buffer, (size_t)n);
    } else {
        if (strcmp(mode, "redis") == 0) {
            __faasm_write_state(key, (unsigned char *)payload, size);
            __faasm_push_state(key);
        } else if (mapped) {
            if (wasmlab_channel_send_buffer(key, (int)strlen(key), payload, (int)size) != 0)
                return answer("error: send failed\n");
        } else if (strcmp(mode, "copy") == 0) {
            if (wasmlab_channel_send(key, (int)strlen(key), payload, (int)size) != 0) return answer("error: send failed\n");
        } else {
            return answer("error: MODE is mapped, copy, cwasi or redis\n");
        }
        unsigned int id = __faasm_chain_name("chanbench_callee", (unsigned char *)call, (long)strlen(call));
        char *output = NULL;
        int length = 0;
        if (__faasm_await_call_output(id, &output, &length) != 0 || length > 63) return answer("error: the callee failed\n");
        memcpy(reply, output, (size_t)length);
        free(output);
    }
    uint64_t elapsed = now_ns() - start;
    if (strtoul(reply, NULL, 10) != expected) return answer("error: checksum mismatch\n");
    char out[64];
    snprintf(out, sizeof out, "%llu %lu\n", (unsigned long long)elapsed, (unsigned long)expected);
    return answer(out);
}
