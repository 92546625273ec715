// build: wasm-only
// link: -Wl,--export=malloc
// tools/bench-channels' caller: moves SIZE bytes to chanbench_callee by MODE and answers
// "NS SUM": the nanoseconds from before the transfer until the callee's answer, and the
// callee's checksum of what it got (the caller checks it against its own). Input
// "MODE SIZE [N]": with N > 1 (not for cwasi), a fan-out and fan-in: SIZE bytes to each of
// N callees at once, until the last one's answer.
//   mapped  filled in a wasmlab_channel buffer and sent without a copy, then a chained
//           call that receives it mapped (no copy on either side); with the callee
//           embedded (chanbench_embedder), a direct call to it that receives it mapped
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
__attribute__((import_module("chanbench_lib"), import_name("lib_receive_mapped"))) uint32_t lib_receive_mapped(long size, int index);
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

#define CHANBENCH_FANOUT_MAX 16

// Sends `payload` to callee `index` by `mode` and starts it; its call id (0: failed).
static unsigned int start_callee(const char *mode, char *payload, long size, int index) {
    char key[48], call[64];
    snprintf(key, sizeof key, CHANBENCH_KEY "%ld-%d", size, index);
    if (strcmp(mode, "redis") == 0) {
        __faasm_write_state(key, (unsigned char *)payload, size);
        __faasm_push_state(key);
    } else if (strcmp(mode, "mapped") == 0) {
        if (wasmlab_channel_send_buffer(key, (int)strlen(key), payload, (int)size) != 0) return 0;
    } else if (strcmp(mode, "copy") == 0) {
        if (wasmlab_channel_send(key, (int)strlen(key), payload, (int)size) != 0) return 0;
    } else {
        return 0;
    }
    snprintf(call, sizeof call, "%s %ld %d", mode, size, index);
    return __faasm_chain_name("chanbench_callee", (unsigned char *)call, (long)strlen(call));
}

int main(void) {
    char input[64] = {0}, mode[16] = {0};
    __faasm_read_input((unsigned char *)input, sizeof input - 1);
    long size = 0;
    int fanout = 1;
    int fields = sscanf(input, "%15s %ld %d", mode, &size, &fanout);
    if (fields < 2 || size < 0 || size > CHANBENCH_MAX || fanout < 1 || fanout > CHANBENCH_FANOUT_MAX)
        return answer("error: input MODE SIZE [N], N at most 16\n");
    int cwasi = strcmp(mode, "cwasi") == 0;
    if (cwasi && fanout != 1) return answer("error: cwasi calls one callee\n");
#ifdef CHANBENCH_EMBEDS
    if (lib_ready() != 1) return answer("error: the embedded library is not ready\n");
#endif
    // CWASI's message wraps the payload; its reply comes back over it.
    const char *head = "{\"source_channel\":\"chanbench.wasm\",\"target_channel\":\"" CHANBENCH_TARGET ".wasm\",\"payload\":\"";
    long headLen = (long)strlen(head), offset = cwasi ? headLen : 0;
    char *payloads[CHANBENCH_FANOUT_MAX];
    uint32_t expected = 0;
    for (int i = 0; i < fanout; i++) {
        if (strcmp(mode, "mapped") == 0) {
            void *shared = NULL;
            if (wasmlab_channel_alloc((int)(size > 0 ? size : 1), &shared) != 0) return answer("error: alloc failed\n");
            payloads[i] = shared;
        } else {
            char *buffer = malloc((size_t)(offset + size + 2 + 64));
            if (!buffer) return answer("error: out of memory\n");
            if (cwasi) memcpy(buffer, head, (size_t)headLen);
            payloads[i] = buffer + offset;
        }
        fill_payload(payloads[i], size);
        expected = checksum(payloads[i], size);
    }
    if (cwasi) memcpy(payloads[0] + size, "\"}", 2);

    char reply[64] = {0};
    int ok = 1;
    uint64_t start = now_ns();
    if (cwasi) {
        char *message = payloads[0] - offset;
        int n = func_connect(message, (int)(offset + size + 2));
        if (n < 0 || n > 63) return answer("error: func_connect failed\n");
        memcpy(reply, message, (size_t)n);
        ok = strtoul(reply, NULL, 10) == expected;
    }
#ifdef CHANBENCH_EMBEDS
    // The own API with the callee embedded: sent mapped, received mapped by a direct call.
    else if (strcmp(mode, "mapped") == 0 && fanout == 1) {
        char key[48];
        snprintf(key, sizeof key, CHANBENCH_KEY "%ld-%d", size, -1);
        if (wasmlab_channel_send_buffer(key, (int)strlen(key), payloads[0], (int)size) != 0) return answer("error: send failed\n");
        ok = lib_receive_mapped(size, -1) == expected;
    }
#endif
    else {
        unsigned int ids[CHANBENCH_FANOUT_MAX];
        for (int i = 0; i < fanout; i++) {
            ids[i] = start_callee(mode, payloads[i], size, i);
            if (ids[i] == 0) return answer("error: MODE is mapped, copy, cwasi or redis\n");
        }
        // Fan-in: every callee's answer, each checked.
        for (int i = 0; i < fanout; i++) {
            char *output = NULL;
            int length = 0;
            if (__faasm_await_call_output(ids[i], &output, &length) != 0 || length > 63) return answer("error: a callee failed\n");
            memset(reply, 0, sizeof reply);
            memcpy(reply, output, (size_t)length);
            free(output);
            ok = ok && strtoul(reply, NULL, 10) == expected;
        }
    }
    uint64_t elapsed = now_ns() - start;
    if (!ok) return answer("error: checksum mismatch\n");
    char out[64];
    snprintf(out, sizeof out, "%llu %lu\n", (unsigned long long)elapsed, (unsigned long)expected);
    return answer(out);
}
