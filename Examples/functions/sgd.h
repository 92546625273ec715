// Shared by sgd.c and sgd_worker.c: a linear model y = w . x fitted by data-parallel
// gradient descent on state values of the tenant.
#ifndef SGD_H
#define SGD_H

#define SGD_DIMS 16
#define SGD_ROWS 256
#define SGD_X_KEY "sgd_x"  // SGD_ROWS rows of SGD_DIMS floats
#define SGD_Y_KEY "sgd_y"  // SGD_ROWS floats
// Two weight vectors: in epoch E, workers read vector E % 2 (which nobody writes meanwhile)
// and add their steps into the other, which the parent set to a copy of it.
#define SGD_WEIGHTS_KEY "sgd_weights"
#define SGD_WEIGHTS_SIZE (2 * SGD_DIMS * 4)
// A parent holds this key's write lock for its whole run: runs of one tenant share the values.
#define SGD_RUN_KEY "sgd_run"
#define SGD_RATE 1.0f
// Steps are rounded to multiples of 2^-18 and the weights stay well below 2^5, so every sum
// of them is exact in a float (24-bit significand): the result does not depend on the order
// in which workers take the lock.
#define SGD_GRID 0x1.0p18f

#endif
