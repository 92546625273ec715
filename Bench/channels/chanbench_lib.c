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

__attribute__((export_name("cwasi_function"))) int cwasi_function(void) { return reply_checksum_of_argument(); }

int main(void) { return 0; }
