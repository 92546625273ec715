/* System-library wrapper: capstone (Debian libcapstone-dev). */
#include <capstone/capstone.h>
