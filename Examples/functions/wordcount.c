// build: wasm-only
// link: -Wl,--export=__wasm_call_ctors -Wl,--export=malloc
// Word count over chained calls of this function's own count_words, by function pointer
// (Faasm's chain_ptr): the input text is cut into up to 4 parts at spaces, each part is
// counted by a chained call of its own, and the parent sums their outputs.
// chain_ptr needs the constructors exported (the child runs them before count_words) and
// await_call_output needs malloc: hence the link flags above, which Faasm's toolchain
// passes too.
//   $ curl -s -d 'the quick brown fox jumps over the lazy dog' http://127.0.0.1:8080/wordcount
//   9 words (4 calls)
#include <faasm/host_interface.h>
#include <stdio.h>
#include <stdlib.h>

#include "faaslet.h"

#define MAX_TEXT 65536
#define MAX_PARTS 4

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// A chained call's entry: counts the words of its input, writes the count as its output.
static int count_words(void) {
    static char text[MAX_TEXT + 1];
    read_text_input(text, sizeof text);
    long words = 0;
    for (long i = 0; text[i]; i++)
        if (!is_space(text[i]) && (i == 0 || is_space(text[i - 1]))) words++;
    char out[24];
    int len = snprintf(out, sizeof out, "%ld", words);
    __faasm_write_output(out, len);
    return 0;
}

int main(void) {
    static char text[MAX_TEXT + 1];
    long size = __faasm_read_input((unsigned char *)text, 0);
    if (size > MAX_TEXT) return fail("wordcount: at most 65536 bytes of text\n");
    read_text_input(text, sizeof text);

    // Cut points move forward to a space, so no word is split between two parts.
    unsigned int ids[MAX_PARTS];
    long parts = 0, start = 0;
    for (long p = 1; p <= MAX_PARTS && start < size; p++) {
        long end = p == MAX_PARTS ? size : size * p / MAX_PARTS;
        while (end < size && !is_space(text[end])) end++;
        if (end <= start) continue;
        ids[parts++] = __faasm_chain_ptr(count_words, (unsigned char *)text + start, end - start);
        start = end;
    }

    long total = 0;
    for (long i = 0; i < parts; i++) {
        char *output = NULL;
        int length = 0;
        int status = __faasm_await_call_output(ids[i], &output, &length);
        if (status != 0) {
            char message[96];
            snprintf(message, sizeof message, "wordcount: call %ld failed (status %d)\n", i, status);
            return fail(message);
        }
        char number[24] = {0};
        for (int k = 0; k < length && k < 23; k++) number[k] = output[k];
        total += strtol(number, NULL, 10);
        free(output);
    }
    char out[64];
    int len = snprintf(out, sizeof out, "%ld words (%ld calls)\n", total, parts);
    __faasm_write_output(out, len);
    return 0;
}
