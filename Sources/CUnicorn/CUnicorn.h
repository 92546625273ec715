/* System-library wrapper: unicorn (Debian libunicorn-dev). Types only: Emulation loads
   the library with dlopen on first use (UnicornLibrary.swift). */
#include <unicorn/unicorn.h>
