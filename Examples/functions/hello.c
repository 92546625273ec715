// The smallest function: a CGI header block, then the body.
#include <stdio.h>

int main(void) {
    printf("Content-Type: text/plain\n\nhello, world\n");
    return 0;
}
