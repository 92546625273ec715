// build: wasm-only
// tools/bench-channels' callee: gets the bytes the caller moved and answers their
// checksum. As a chained call (input "MODE SIZE INDEX", INDEX naming its channel or
// state value): from the channel (mapped or copied)
// or from Redis; as CWASI's callee (cwasi_function): from argv[1].
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include <wasmlab/channel.h>

#include "chanbench.h"

static void reply(uint32_t sum) {
    char out[24];
    int n = snprintf(out, sizeof out, "%lu", (unsigned long)sum);
    __faasm_write_output(out, n);
}

// CWASI's entry: the payload is argv[1]; the reply goes to stdout.
__attribute__((export_name("cwasi_function"))) int cwasi_function(void) { return reply_checksum_of_argument(); }

int main(void) {
    char input[64] = {0}, mode[16] = {0};
    __faasm_read_input((unsigned char *)input, sizeof input - 1);
    long size = 0;
    int index = 0;
    if (sscanf(input, "%15s %ld %d", mode, &size, &index) != 3 || size < 0 || size > CHANBENCH_MAX) return 1;
    char name[48];
    snprintf(name, sizeof name, CHANBENCH_KEY "%ld-%d", size, index);
    if (strcmp(mode, "mapped") == 0) {
        void *data = NULL;
        int len = 0;
        if (wasmlab_channel_receive_mapped(name, (int)strlen(name), &data, &len) != 0 || len != size) return 1;
        reply(checksum(data, len));
    } else if (strcmp(mode, "copy") == 0) {
        char *data = malloc((size_t)size + 1);
        if (!data || wasmlab_channel_receive(name, (int)strlen(name), data, (int)size) != size) return 1;
        reply(checksum(data, size));
    } else if (strcmp(mode, "redis") == 0) {
        char *data = malloc((size_t)size + 1);
        if (!data) return 1;
        __faasm_pull_state(name, size);
        __faasm_read_state(name, (unsigned char *)data, size);
        reply(checksum(data, size));
    } else {
        return 1;
    }
    return 0;
}
