// build: wasm-only
// histogram.c's worker: receives its part of the text on the channel its input names
// ("NAME LENGTH"), mapped into its memory, and answers the counts of the 26 letters.
#include <faasm/host_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasmlab/channel.h>

#include "faaslet.h"

int main(void) {
    char input[96], name[64];
    read_text_input(input, sizeof input);
    long expected = 0;
    if (sscanf(input, "%63s %ld", name, &expected) != 2) return fail("input: NAME LENGTH\n");
    unsigned char *data = NULL;
    int length = 0;
    if (wasmlab_channel_receive_mapped(name, (int)strlen(name), (void **)&data, &length) != 0 || length != expected)
        return fail("no part on the channel\n");
    unsigned long long counts[26] = {0};
    for (int i = 0; i < length; i++)
        if (data[i] >= 'a' && data[i] <= 'z') counts[data[i] - 'a']++;
    char answer[26 * 21 + 1];
    int n = 0;
    for (int letter = 0; letter < 26; letter++)
        n += snprintf(answer + n, sizeof answer - (size_t)n, "%llu ", counts[letter]);
    __faasm_write_output(answer, n);
    return 0;
}
