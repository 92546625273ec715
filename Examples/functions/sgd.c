// build: wasm-only
// Data-parallel training on a shared weight vector (Faasm's SGD case, small): fits
// y = w . x to 256 synthetic rows of 16 features (exact labels from a fixed w_true) by
// gradient descent. Each of E epochs chains K sgd_worker calls, one per slice of the rows,
// which add their steps to the weights in state under the weights' write lock; the parent awaits
// them, then starts the next epoch. Output: the mean squared error of the final weights.
// Input "E K" (default "20 4"). Deterministic (see SGD_GRID in sgd.h).
//   $ curl -s -d '20 4' http://127.0.0.1:8080/sgd
//   epochs 20 workers 4 loss 1.571059e-10
#include <faasm/host_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faaslet.h"
#include "sgd.h"

#define MAX_WORKERS 64

// A float in [-scale, scale) with 24 random bits.
static float uniform(uint64_t *state, float scale) {
    return ((float)(xorshift64(state) >> 40) * 0x1.0p-23f - 1.0f) * scale;
}

static float x[SGD_ROWS][SGD_DIMS], y[SGD_ROWS];

int main(void) {
    long epochs = 20, workers = 4;
    read_two_numbers(&epochs, &workers);
    if (epochs < 1 || epochs > 1000 || workers < 1 || workers > MAX_WORKERS)
        return fail("usage: E K, 1 <= E <= 1000, 1 <= K <= 64\n");

    unsigned char zero = 0;
    __faasm_write_state(SGD_RUN_KEY, &zero, 1);
    __faasm_lock_state_write(SGD_RUN_KEY);

    // The same data every run: w_true in [-2, 2), features in [-1, 1).
    uint64_t state = 0x5EED5EED5EEDull;
    float truth[SGD_DIMS];
    for (int j = 0; j < SGD_DIMS; j++) truth[j] = uniform(&state, 2.0f);
    for (int r = 0; r < SGD_ROWS; r++) {
        y[r] = 0.0f;
        for (int j = 0; j < SGD_DIMS; j++) {
            x[r][j] = uniform(&state, 1.0f);
            y[r] += truth[j] * x[r][j];
        }
    }
    __faasm_write_state(SGD_X_KEY, (unsigned char *)x, sizeof x);
    __faasm_write_state(SGD_Y_KEY, (unsigned char *)y, sizeof y);
    float w[2 * SGD_DIMS] = {0};
    __faasm_write_state(SGD_WEIGHTS_KEY, (unsigned char *)w, sizeof w);

    unsigned int ids[MAX_WORKERS];
    const long vector = SGD_DIMS * sizeof(float);
    for (long e = 0; e < epochs; e++) {
        long from = e % 2 * vector, to = (e + 1) % 2 * vector;
        __faasm_read_state_offset(SGD_WEIGHTS_KEY, SGD_WEIGHTS_SIZE, from, (unsigned char *)w, vector);
        __faasm_write_state_offset(SGD_WEIGHTS_KEY, SGD_WEIGHTS_SIZE, to, (unsigned char *)w, vector);
        for (long k = 0; k < workers; k++) {
            char arg[48];
            int len = snprintf(arg, sizeof arg, "%ld %ld %ld", e, k * SGD_ROWS / workers, (k + 1) * SGD_ROWS / workers);
            ids[k] = __faasm_chain_name("sgd_worker", (unsigned char *)arg, len);
        }
        // All of them, so none still writes once the lock is released.
        int status = 0;
        long failed = await_all(ids, workers, &status);
        if (failed >= 0) {
            __faasm_unlock_state_write(SGD_RUN_KEY);
            char out[96];
            snprintf(out, sizeof out, "sgd: epoch %ld worker %ld failed (status %d)\n", e, failed, status);
            return fail(out);
        }
    }
    __faasm_read_state(SGD_WEIGHTS_KEY, (unsigned char *)w, sizeof w);
    __faasm_unlock_state_write(SGD_RUN_KEY);

    const float *final = w + epochs % 2 * SGD_DIMS;
    double loss = 0.0;
    for (int r = 0; r < SGD_ROWS; r++) {
        double error = -y[r];
        for (int j = 0; j < SGD_DIMS; j++) error += (double)final[j] * x[r][j];
        loss += error * error;
    }
    char out[96];
    int len = snprintf(out, sizeof out, "epochs %ld workers %ld loss %.6e\n", epochs, workers, loss / SGD_ROWS);
    __faasm_write_output(out, len);
    return 0;
}
