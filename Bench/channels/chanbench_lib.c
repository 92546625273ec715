// build: wasm-only
// tools/bench-channels' embeddable callee: imports WASI and the channel API only, so a
// caller that imports from module chanbench_lib gets it linked into its own store. Its
// cwasi_function answers the checksum of argv[1] (as chanbench_callee's does);
// lib_receive_mapped, called directly, that of the message on the caller's channel,
// received mapped (moved in from the caller's buffer, no copy).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>
#include <wasmlab/channel.h>

#include "chanbench.h"

__attribute__((export_name("lib_ready"))) int lib_ready(void) { return 1; }

__attribute__((export_name("cwasi_function"))) int cwasi_function(void) { return reply_checksum_of_argument(); }

__attribute__((export_name("lib_receive_mapped"))) uint32_t lib_receive_mapped(long size, int index) {
    char name[48];
    snprintf(name, sizeof name, CHANBENCH_KEY "%ld-%d", size, index);
    void *data = NULL;
    int len = 0;
    if (wasmlab_channel_receive_mapped(name, (int)strlen(name), &data, &len) != 0 || len != size) return 0;
    return checksum(data, len);
}

int main(void) { return 0; }
