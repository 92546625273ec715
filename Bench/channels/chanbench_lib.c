// build: wasm-only
// tools/bench-channels' embeddable CWASI callee: imports WASI only, so a caller that
// imports from module chanbench_lib gets it linked into its own store; its cwasi_function
// answers the checksum of argv[1] (as chanbench_callee's does).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wasi/api.h>

#include "chanbench.h"

__attribute__((export_name("lib_ready"))) int lib_ready(void) { return 1; }

__attribute__((export_name("cwasi_function"))) int cwasi_function(void) {
    size_t count = 0, size = 0;
    if (__wasi_args_sizes_get(&count, &size) != 0 || count != 2) return 1;
    char **argv = malloc(count * sizeof(char *));
    char *strings = malloc(size);
    if (!argv || !strings || __wasi_args_get((uint8_t **)argv, (uint8_t *)strings) != 0) return 1;
    long length = (long)(strings + size - argv[1]) - 1;
    char out[24];
    int n = snprintf(out, sizeof out, "%lu", (unsigned long)checksum(argv[1], length));
    write(1, out, (size_t)n);
    free(argv);
    free(strings);
    return 0;
}

int main(void) { return 0; }
