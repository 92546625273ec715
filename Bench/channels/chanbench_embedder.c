// build: wasm-only
// link: -Wl,--export=malloc
// tools/bench-channels' caller with its CWASI callee embedded: chanbench.c naming
// chanbench_lib, which it imports from (so each of its sandboxes links that function in).
#define CHANBENCH_TARGET "chanbench_lib"
#define CHANBENCH_EMBEDS 1
#include "chanbench.c"
