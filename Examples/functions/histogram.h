// What histogram.c and histogram_worker.c share.
#ifndef HISTOGRAM_H
#define HISTOGRAM_H

#define HISTOGRAM_MAX_MIB 128
#define HISTOGRAM_MAX_PARTS 16

// The text counted: this sentence over and over, byte i being its byte i % length, so
// that any split into parts counts the same.
static const char histogram_text[] = "the quick brown fox jumps over the lazy dog ";

#endif
