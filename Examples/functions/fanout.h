// Shared by fanout.c and fanout_worker.c.
#ifndef FANOUT_H
#define FANOUT_H

#define FANOUT_MAX_WORKERS 64
// Worker i's hit count is the uint64_t at offset 8 * i. Sized for the most workers, since a
// state value keeps the size it was first made with.
#define FANOUT_HITS_KEY "fanout_hits"
#define FANOUT_HITS_SIZE (FANOUT_MAX_WORKERS * 8)
// A parent holds this key's global lock for its whole run: runs of one tenant share the slots.
#define FANOUT_RUN_KEY "fanout_run"

#endif
