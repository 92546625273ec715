// build: wasm-only
// One worker of sgd.c. Input "E FROM END": the gradient of the mean squared error over
// rows FROM..END-1 at the weights of epoch E, then one step, added to the next epoch's
// weights in place (the state value mapped into this call's memory, i.e. the node's
// replica) under the value's write lock. Output: nothing. Runs only under sgd.c, which
// makes the state values first.
#include <faasm/host_interface.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faaslet.h"
#include "sgd.h"

static float x[SGD_ROWS][SGD_DIMS], y[SGD_ROWS];

int main(void) {
    char text[64], *end;
    read_text_input(text, sizeof text);
    long epoch = strtol(text, &end, 10);
    long from = strtol(end, &end, 10);
    long to = strtol(end, NULL, 10);
    if (epoch < 0 || from < 0 || to <= from || to > SGD_ROWS) {
        return fail("usage: E FROM END, 0 <= FROM < END <= 256\n");
    }
    long rows = to - from;
    __faasm_read_state_offset(SGD_X_KEY, sizeof x, from * (long)sizeof x[0], (unsigned char *)x, rows * (long)sizeof x[0]);
    __faasm_read_state_offset(SGD_Y_KEY, sizeof y, from * (long)sizeof y[0], (unsigned char *)y, rows * (long)sizeof y[0]);

    float *weights = (float *)__faasm_read_state_ptr(SGD_WEIGHTS_KEY, SGD_WEIGHTS_SIZE);
    const float *w = weights + epoch % 2 * SGD_DIMS;
    float *next = weights + (epoch + 1) % 2 * SGD_DIMS;
    float gradient[SGD_DIMS] = {0};
    for (long r = 0; r < rows; r++) {
        float error = -y[r];
        for (int j = 0; j < SGD_DIMS; j++) error += w[j] * x[r][j];
        for (int j = 0; j < SGD_DIMS; j++) gradient[j] += error * x[r][j];
    }
    float step[SGD_DIMS];
    for (int j = 0; j < SGD_DIMS; j++) step[j] = rintf(-SGD_RATE * 2.0f / SGD_ROWS * gradient[j] * SGD_GRID) / SGD_GRID;

    __faasm_lock_state_write(SGD_WEIGHTS_KEY);
    for (int j = 0; j < SGD_DIMS; j++) next[j] += step[j];
    // Faasm pushes writes made through the pointer only once flagged.
    __faasm_flag_state_dirty(SGD_WEIGHTS_KEY, SGD_WEIGHTS_SIZE);
    __faasm_unlock_state_write(SGD_WEIGHTS_KEY);
    return 0;
}
