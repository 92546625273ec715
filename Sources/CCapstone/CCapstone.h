/* System-library wrapper: capstone (Debian libcapstone-dev). Types only: Disassembly
   loads the library with dlopen on first use (CapstoneLibrary.swift). */
#include <capstone/capstone.h>
