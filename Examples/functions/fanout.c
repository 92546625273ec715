// build: wasm-only
// Fan-out/fan-in with Faasm's chaining and state: estimates pi by Monte Carlo over N
// chained calls of fanout_worker (the route /fanout_worker of the same tenant), each of
// which counts its hits into its own slot of the state value fanout_hits; the parent awaits
// them all, then sums the slots. Input "N [SAMPLES]" (default "4 100000": 4 workers of
// 100000 samples each). Deterministic: worker i's PRNG is seeded from i.
//   $ curl -s -d '4 100000' http://127.0.0.1:8080/fanout
//   pi ~= 3.14076 (4 workers, 400000 samples)
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faaslet.h"
#include "fanout.h"

int main(void) {
    long workers = 4, samples = 100000;
    read_two_numbers(&workers, &samples);
    if (workers < 1 || workers > FANOUT_MAX_WORKERS || samples < 1 || samples > 100000000)
        return fail("usage: N [SAMPLES], 1 <= N <= 64, 1 <= SAMPLES <= 100000000\n");

    // Locks need the value to exist. The lock is global: with several nodes (serve
    // --redis) runs on every node share the slots; on one node it is the local write lock.
    unsigned char zero = 0;
    __faasm_write_state(FANOUT_RUN_KEY, &zero, 1);
    __faasm_lock_state_global(FANOUT_RUN_KEY);
    // A worker that fails leaves its slot zero rather than an earlier run's count.
    uint64_t hits[FANOUT_MAX_WORKERS] = {0};
    __faasm_write_state_offset(FANOUT_HITS_KEY, FANOUT_HITS_SIZE, 0, (unsigned char *)hits,
                               workers * (long)sizeof hits[0]);
    __faasm_push_state_partial(FANOUT_HITS_KEY);

    unsigned int ids[FANOUT_MAX_WORKERS];
    for (long i = 0; i < workers; i++) {
        char arg[48];
        int len = snprintf(arg, sizeof arg, "%ld %ld", i, samples);
        ids[i] = __faasm_chain_name("fanout_worker", (unsigned char *)arg, len);
    }
    // All of them, so none still writes once the lock is released.
    int status = 0;
    long failed = await_all(ids, workers, &status);
    // Workers on other nodes pushed their slots: take the global value.
    __faasm_pull_state(FANOUT_HITS_KEY, FANOUT_HITS_SIZE);
    __faasm_read_state(FANOUT_HITS_KEY, (unsigned char *)hits, FANOUT_HITS_SIZE);
    __faasm_unlock_state_global(FANOUT_RUN_KEY);

    char out[128];
    if (failed >= 0) {
        snprintf(out, sizeof out, "fanout: worker %ld failed (status %d)\n", failed, status);
        return fail(out);
    }
    uint64_t total = 0;
    for (long i = 0; i < workers; i++) total += hits[i];
    double all = (double)workers * (double)samples;
    int len = snprintf(out, sizeof out, "pi ~= %.5f (%ld workers, %.0f samples)\n", 4.0 * (double)total / all,
                       workers, all);
    __faasm_write_output(out, len);
    return 0;
}
