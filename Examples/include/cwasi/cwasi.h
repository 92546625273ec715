/*
 * WasmLab: guest-side declaration of CWASI's interface (Docs/Channels.md). msg holds
 * len bytes of the JSON object {"source_channel", "target_channel", "payload"}; the
 * callee's reply is written back from msg on (it may be longer than len: leave room);
 * returns its length, or a negative code (-1 malformed, -2 unknown target, -3 the callee
 * failed, -4 the reply does not fit in memory, -5 the payload is too large).
 */
#ifndef WASMLAB_CWASI_H
#define WASMLAB_CWASI_H

__attribute__((import_module("cwasi_export"), import_name("func_connect")))
int func_connect(char *msg, int len);

#endif
