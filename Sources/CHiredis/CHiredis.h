/* System-library wrapper: hiredis (Debian libhiredis-dev), the Redis client of the
   global state tier (Serverless/State/Redis). */
#include <hiredis/hiredis.h>

/* The context's error text (a fixed-size array Swift sees as a tuple). */
static inline const char *chiredis_error(const redisContext *context) { return context->errstr; }
