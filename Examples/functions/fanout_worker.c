// build: wasm-only
// One worker of fanout.c. Input "I SAMPLES": draws SAMPLES points uniformly in the unit
// square from a xorshift64 PRNG seeded from I, counts those inside the quarter circle, and
// writes the count to slot I of the state value fanout_hits and, as text, to its output.
//   $ curl -s -d '0 1000' http://127.0.0.1:8080/fanout_worker
//   782
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faaslet.h"
#include "fanout.h"

// A double in [0, 1) from the top 53 bits.
static double uniform(uint64_t *state) { return (double)(xorshift64(state) >> 11) * 0x1.0p-53; }

int main(void) {
    char text[64], *end;
    read_text_input(text, sizeof text);
    long index = strtol(text, &end, 10);
    long samples = strtol(end, NULL, 10);
    if (index < 0 || index >= FANOUT_MAX_WORKERS || samples < 1) {
        return fail("usage: I SAMPLES, 0 <= I < 64, SAMPLES >= 1\n");
    }
    // An odd multiplier times I + 1 is never 0, the one seed xorshift cannot use.
    uint64_t state = (uint64_t)(index + 1) * 0x9E3779B97F4A7C15ull;
    uint64_t hits = 0;
    for (long k = 0; k < samples; k++) {
        double x = uniform(&state), y = uniform(&state);
        hits += x * x + y * y < 1.0;
    }
    __faasm_write_state_offset(FANOUT_HITS_KEY, FANOUT_HITS_SIZE, index * 8, (unsigned char *)&hits, sizeof hits);
    // Only this slot goes to the global tier (a no-op without one): other workers' slots
    // are not overwritten.
    __faasm_push_state_partial(FANOUT_HITS_KEY);
    char out[32];
    int len = snprintf(out, sizeof out, "%llu\n", (unsigned long long)hits);
    __faasm_write_output(out, len);
    return 0;
}
