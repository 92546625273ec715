/* System-library wrapper: libunwind (Debian libunwind-dev), linked by the tests only:
   an in-process unwinder that must walk through compiled code (UnwinderRegistration). */
#define UNW_LOCAL_ONLY
#include <libunwind.h>
