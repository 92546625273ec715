/*
 * WasmLab: guest-side declarations of WasmLab's channel API (Docs/Channels.md): named
 * channels of the tenant on one node, for payloads too large for CWASI's JSON message.
 * Every function returns a negative code on failure (-1 bad name or length, -3 the wait
 * ended, -4 the message does not fit, -5 too large or the queue is full).
 */
#ifndef WASMLAB_CHANNEL_H
#define WASMLAB_CHANNEL_H

/* Queues a copy of len bytes at data on the channel; 0 when queued. */
__attribute__((import_module("wasmlab_channel"), import_name("send")))
int wasmlab_channel_send(const char *name, int name_len, const void *data, int len);

/* Maps a new buffer of len bytes at the end of memory for the sender to fill: 0, with
   its address in *data. */
__attribute__((import_module("wasmlab_channel"), import_name("alloc")))
int wasmlab_channel_alloc(int len, void **data);

/* Sends the first len bytes of a buffer from wasmlab_channel_alloc without copying them;
   the buffer leaves the sender's memory (its pages read as zero afterwards). 0 when
   queued. */
__attribute__((import_module("wasmlab_channel"), import_name("send_buffer")))
int wasmlab_channel_send_buffer(const char *name, int name_len, void *data, int len);

/* Waits for the next message and copies it into buf (room bytes); its length. */
__attribute__((import_module("wasmlab_channel"), import_name("receive")))
int wasmlab_channel_receive(const char *name, int name_len, void *buf, int room);

/* Waits for the next message and maps it at the end of memory (no copy): 0, with its
   address in *data and its length in *len. */
__attribute__((import_module("wasmlab_channel"), import_name("receive_mapped")))
int wasmlab_channel_receive_mapped(const char *name, int name_len, void **data, int *len);

#endif
