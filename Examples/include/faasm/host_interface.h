/*
 * WasmLab: guest-side declarations of the Faasm host interface.
 *
 * Every function below is a wasm import from module "env", with the name and
 * C signature that Faasm's own header (faasm/cpp libfaasm/faasm/host_interface.h)
 * gives it, so a guest written against Faasm's header builds against wasi-libc
 * with this file instead and imports exactly the same things.
 *
 * On wasm32 every parameter and result here lowers to i32 (pointers, int,
 * unsigned int, long and bool are all 32-bit; a function pointer is an index
 * into the module's function table). Nothing here is i64.
 *
 * Docs/Faaslets.md has the table: semantics in Faasm, errors, and what
 * WasmLab implements or leaves out.
 *
 * Options (define before including):
 *   FAASM_CHAIN_NAME_WITH_CMDLINE  declare the newer 4-argument __faasm_chain_name
 *                                  (name, cmdline, input, size) instead of the
 *                                  3-argument one; WasmLab accepts either import.
 *   FAASM_LEGACY_HOST_INTERFACE    also declare the index-based calls from before
 *                                  function-pointer chaining (__faasm_get_idx,
 *                                  __faasm_chain_this, __faasm_get_py_idx).
 */
#ifndef WASMLAB_FAASM_HOST_INTERFACE_H
#define WASMLAB_FAASM_HOST_INTERFACE_H

#ifndef __wasm__
#error "faasm/host_interface.h declares wasm imports; build with --target=wasm32-wasi"
#endif

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
/* Faasm's header gives the S3 calls C++ default arguments; C has none. */
#define FAASM_HI_DEFAULT(value) = value
#else
#define FAASM_HI_DEFAULT(value)
#endif

/* Entry point handed to __faasm_migrate_point; same name as in Faasm. */
typedef void (*FaasmMigrateEntryPoint)(int);

/* ---- Input and output of this call -------------------------------------- */

/* Copies up to bufferLen bytes of this call's input into buffer; returns the bytes
   copied, or the whole input size when bufferLen is 0 (0 when there is no input). */
__attribute__((import_module("env"), import_name("__faasm_read_input")))
long __faasm_read_input(unsigned char* buffer, long bufferLen);

/* Sets this call's output to the outputLen bytes at output (replaces any earlier output). */
__attribute__((import_module("env"), import_name("__faasm_write_output")))
void __faasm_write_output(const char* output, long outputLen);

/* ---- Chaining: start other calls, wait for them -------------------------- */

#ifdef FAASM_CHAIN_NAME_WITH_CMDLINE
/* Starts function `name` of the same user with the given input and argv string
   (cmdline); returns the new call's id. */
__attribute__((import_module("env"), import_name("__faasm_chain_name")))
unsigned int __faasm_chain_name(const char* name,
                                const char* cmdline,
                                const unsigned char* inputData,
                                long inputDataSize);
#else
/* Starts function `name` of the same user with the given input; returns the new
   call's id. */
__attribute__((import_module("env"), import_name("__faasm_chain_name")))
unsigned int __faasm_chain_name(const char* name,
                                const unsigned char* inputData,
                                long inputDataSize);
#endif

/* Starts a new call of this same module that runs funcPtr (a table index) instead
   of main, with the given input; returns the new call's id. */
__attribute__((import_module("env"), import_name("__faasm_chain_ptr")))
unsigned int __faasm_chain_ptr(int (*funcPtr)(),
                               const unsigned char* inputData,
                               long inputDataSize);

/* Blocks until call messageId finishes; returns its return value (non-zero on
   failure or timeout). */
__attribute__((import_module("env"), import_name("__faasm_await_call")))
int __faasm_await_call(unsigned int messageId);

/* Blocks until call messageId finishes; stores in *output a buffer that the host
   allocated with the guest's malloc and in *outputLen its size; returns the call's
   return value. The guest owns (and may free) *output. */
__attribute__((import_module("env"), import_name("__faasm_await_call_output")))
int __faasm_await_call_output(unsigned int messageId,
                              char** output,
                              int* outputLen);

/* ---- State: whole values -------------------------------------------------- */

/* Copies the value of key into buffer (bufferLen is the value's size); returns the
   value's size. With bufferLen 0, copies nothing and returns the stored size. */
__attribute__((import_module("env"), import_name("__faasm_read_state")))
long __faasm_read_state(const char* key, unsigned char* buffer, long bufferLen);

/* Maps the value of key (totalLen bytes) into linear memory, pulling it first if
   needed; returns its address. Writes through it change the local replica. */
__attribute__((import_module("env"), import_name("__faasm_read_state_ptr")))
unsigned char* __faasm_read_state_ptr(const char* key, long totalLen);

/* Replaces the local replica of key with dataLen bytes and marks it dirty (push
   to make it global). */
__attribute__((import_module("env"), import_name("__faasm_write_state")))
void __faasm_write_state(const char* key,
                         const unsigned char* data,
                         long dataLen);

/* Sets the value of key to the bytes of a file in the guest's filesystem; returns
   the file's length. */
__attribute__((import_module("env"), import_name("__faasm_write_state_from_file")))
unsigned int __faasm_write_state_from_file(const char* key,
                                           const char* filePath);

/* ---- State: byte ranges of a value of totalLen bytes ----------------------- */

/* Copies bufferLen bytes starting at offset of key into buffer (pulls that range
   if needed). */
__attribute__((import_module("env"), import_name("__faasm_read_state_offset")))
void __faasm_read_state_offset(const char* key,
                               long totalLen,
                               long offset,
                               unsigned char* buffer,
                               long bufferLen);

/* Writes dataLen bytes at offset of key's local replica and marks that range dirty. */
__attribute__((import_module("env"), import_name("__faasm_write_state_offset")))
void __faasm_write_state_offset(const char* key,
                                long totalLen,
                                long offset,
                                const unsigned char* data,
                                long dataLen);

/* Maps len bytes at offset of key into linear memory (pulls them if needed);
   returns the address of byte `offset`. */
__attribute__((import_module("env"), import_name("__faasm_read_state_offset_ptr")))
unsigned char* __faasm_read_state_offset_ptr(const char* key,
                                             long totalLen,
                                             long offset,
                                             long len);

/* Marks the whole local replica of key dirty (after writes through a mapped pointer). */
__attribute__((import_module("env"), import_name("__faasm_flag_state_dirty")))
void __faasm_flag_state_dirty(const char* key, long totalLen);

/* Marks dataLen bytes at offset of key dirty, for a later partial push. */
__attribute__((import_module("env"), import_name("__faasm_flag_state_offset_dirty")))
void __faasm_flag_state_offset_dirty(const char* key,
                                     long totalLen,
                                     long offset,
                                     long dataLen);

/* ---- State: moving values between the local replica and the global tier ----- */

/* Writes the whole local replica of key to the global tier if it is dirty. */
__attribute__((import_module("env"), import_name("__faasm_push_state")))
void __faasm_push_state(const char* key);

/* Writes only the dirty ranges of key to the global tier, then clears the dirty mask. */
__attribute__((import_module("env"), import_name("__faasm_push_state_partial")))
void __faasm_push_state_partial(const char* key);

/* Like push_state_partial, but the bytes to push are those non-zero in the value
   of maskKey (same size as key). */
__attribute__((import_module("env"), import_name("__faasm_push_state_partial_mask")))
void __faasm_push_state_partial_mask(const char* key, const char* maskKey);

/* Replaces the local replica of key (stateLen bytes) with the global value. */
__attribute__((import_module("env"), import_name("__faasm_pull_state")))
void __faasm_pull_state(const char* key, long stateLen);

/* ---- State: append-only lists ----------------------------------------------- */

/* Appends one element of dataLen bytes to the list stored at key (global tier). */
__attribute__((import_module("env"), import_name("__faasm_append_state")))
void __faasm_append_state(const char* key,
                          const unsigned char* data,
                          long dataLen);

/* Copies the first nElems elements of key's list, back to back, into data
   (dataLen bytes); does not remove them. */
__attribute__((import_module("env"), import_name("__faasm_read_appended_state")))
void __faasm_read_appended_state(const char* key,
                                 unsigned char* data,
                                 long dataLen,
                                 long nElems);

/* Deletes key's appended list. */
__attribute__((import_module("env"), import_name("__faasm_clear_appended_state")))
void __faasm_clear_appended_state(const char* key);

/* ---- State: locks ------------------------------------------------------------ */

/* Takes the node-local shared (reader) lock on key's replica. */
__attribute__((import_module("env"), import_name("__faasm_lock_state_read")))
void __faasm_lock_state_read(const char* key);

/* Releases the node-local reader lock on key. */
__attribute__((import_module("env"), import_name("__faasm_unlock_state_read")))
void __faasm_unlock_state_read(const char* key);

/* Takes the node-local exclusive (writer) lock on key's replica. */
__attribute__((import_module("env"), import_name("__faasm_lock_state_write")))
void __faasm_lock_state_write(const char* key);

/* Releases the node-local writer lock on key. */
__attribute__((import_module("env"), import_name("__faasm_unlock_state_write")))
void __faasm_unlock_state_write(const char* key);

/* Takes the cluster-wide lock on key (global tier); older Faasm headers only. */
__attribute__((import_module("env"), import_name("__faasm_lock_state_global")))
void __faasm_lock_state_global(const char* key);

/* Releases the cluster-wide lock on key; older Faasm headers only. */
__attribute__((import_module("env"), import_name("__faasm_unlock_state_global")))
void __faasm_unlock_state_global(const char* key);

/* ---- Configuration and debugging ---------------------------------------------- */

/* Returns 1 if the runtime flag named key is on, else 0 (unknown flags are off). */
__attribute__((import_module("env"), import_name("__faasm_conf_flag")))
unsigned int __faasm_conf_flag(const char* key);

/* Asks the host to print the guest's call stack, up to depth frames. */
__attribute__((import_module("env"), import_name("__faasm_backtrace")))
void __faasm_backtrace(const int depth);

/* Runs host-side test number testNum (Faasm's own test hook). */
__attribute__((import_module("env"), import_name("__faasm_host_interface_test")))
void __faasm_host_interface_test(int testNum);

/* ---- Python runner (CPython-in-wasm) ------------------------------------------- */

/* Writes the Python user of this call, NUL-terminated, into buffer. */
__attribute__((import_module("env"), import_name("__faasm_get_py_user")))
void __faasm_get_py_user(unsigned char* buffer, long bufferLen);

/* Writes the Python function name of this call, NUL-terminated, into buffer. */
__attribute__((import_module("env"), import_name("__faasm_get_py_func")))
void __faasm_get_py_func(unsigned char* buffer, long bufferLen);

/* Writes the Python entry function of this call, NUL-terminated, into buffer. */
__attribute__((import_module("env"), import_name("__faasm_get_py_entry")))
void __faasm_get_py_entry(unsigned char* buffer, long bufferLen);

/* Starts the Python function `name` of the same Python program; returns the call id. */
__attribute__((import_module("env"), import_name("__faasm_chain_py")))
unsigned int __faasm_chain_py(const char* name,
                              const unsigned char* inputData,
                              long inputDataSize);

/* ---- Shared memory between threads of one call (OpenMP / snapshots) ------------ */

/* Registers an array variable for merging across thread snapshots. */
__attribute__((import_module("env"), import_name("__faasm_sm_array")))
void __faasm_sm_array(void* var, int varType, int arrayLen);

/* Registers varSize raw bytes at var for merging across thread snapshots. */
__attribute__((import_module("env"), import_name("__faasm_sm_raw")))
void __faasm_sm_raw(void* var, int varSize);

/* Registers var as a reduction variable of type varType with operation reduceOp,
   for the current (1) or next (0) batch of threads. */
__attribute__((import_module("env"), import_name("__faasm_sm_reduce")))
void __faasm_sm_reduce(void* var, int varType, int reduceOp, int currentBatch);

/* Registers a scalar variable for merging across thread snapshots. */
__attribute__((import_module("env"), import_name("__faasm_sm_var")))
void __faasm_sm_var(void* var, int varType);

/* Enters the critical section shared by this call's threads on this node. */
__attribute__((import_module("env"), import_name("__faasm_sm_critical_local")))
void __faasm_sm_critical_local(void);

/* Leaves that critical section. */
__attribute__((import_module("env"), import_name("__faasm_sm_critical_local_end")))
void __faasm_sm_critical_local_end(void);

/* ---- Migration ----------------------------------------------------------------- */

/* Lets the host move this call to another node here; on resume the new instance
   runs f(arg). */
__attribute__((import_module("env"), import_name("__faasm_migrate_point")))
void __faasm_migrate_point(FaasmMigrateEntryPoint f, int arg);

/* ---- S3 object storage ----------------------------------------------------------- */

/* Returns the number of buckets. */
__attribute__((import_module("env"), import_name("__faasm_s3_get_num_buckets")))
int __faasm_s3_get_num_buckets(void);

/* Fills bucketsBuffer (really char**, one host-allocated name each) and
   bucketsBufferLens with the bucket names. */
__attribute__((import_module("env"), import_name("__faasm_s3_list_buckets")))
void __faasm_s3_list_buckets(void* bucketsBuffer, int* bucketsBufferLens);

/* Returns the number of keys in bucketName. */
__attribute__((import_module("env"), import_name("__faasm_s3_get_num_keys")))
int __faasm_s3_get_num_keys(const char* bucketName);

/* Returns the number of keys in bucketName that start with prefix. */
__attribute__((import_module("env"), import_name("__faasm_s3_get_num_keys_with_prefix")))
int __faasm_s3_get_num_keys_with_prefix(const char* bucketName,
                                        const char* prefix);

/* Fills keysBuffer (really char**) and keysBufferLens with the keys of bucketName. */
__attribute__((import_module("env"), import_name("__faasm_s3_list_keys")))
void __faasm_s3_list_keys(const char* bucketName,
                          void* keysBuffer,
                          int* keysBufferLens);

/* Same, for the keys that start with prefix. */
__attribute__((import_module("env"), import_name("__faasm_s3_list_keys_with_prefix")))
void __faasm_s3_list_keys_with_prefix(const char* bucketName,
                                      const char* prefix,
                                      void* keysBuffer,
                                      int* keysBufferLens);

/* Stores keyBufferLen bytes as keyName in bucketName; returns 0 on success. */
__attribute__((import_module("env"), import_name("__faasm_s3_add_key_bytes")))
int __faasm_s3_add_key_bytes(const char* bucketName,
                             const char* keyName,
                             void* keyBuffer,
                             int keyBufferLen,
                             bool overwrite FAASM_HI_DEFAULT(false));

/* Reads keyName into a host-allocated buffer stored in *(uint8_t**)keyBuffer, its
   size in *keyBufferLen; returns 0 on success. */
__attribute__((import_module("env"), import_name("__faasm_s3_get_key_bytes")))
int __faasm_s3_get_key_bytes(const char* bucketName,
                             const char* keyName,
                             void* keyBuffer,
                             int* keyBufferLen,
                             bool tolerateMissing FAASM_HI_DEFAULT(false));

/* Downloads keyName to outPath in the guest's filesystem; returns 0 on success. */
__attribute__((import_module("env"), import_name("__faasm_s3_download_key")))
int __faasm_s3_download_key(const char* bucketName,
                            const char* keyName,
                            const char* outPath,
                            bool tolerateMissing FAASM_HI_DEFAULT(false));

/* ---- Legacy index-based chaining (early Faasm, before __faasm_chain_ptr) ------- */

#ifdef FAASM_LEGACY_HOST_INTERFACE
/* Returns the index of the exported function this call runs (0 = main). */
__attribute__((import_module("env"), import_name("__faasm_get_idx")))
int __faasm_get_idx(void);

/* Returns the Python function index of this call. */
__attribute__((import_module("env"), import_name("__faasm_get_py_idx")))
int __faasm_get_py_idx(void);

/* Starts a new call of this module that runs the function exported as "<idx>";
   returns its call id. */
__attribute__((import_module("env"), import_name("__faasm_chain_this")))
unsigned int __faasm_chain_this(int idx,
                                const unsigned char* inputData,
                                long inputDataSize);
#endif

#undef FAASM_HI_DEFAULT

#ifdef __cplusplus
}
#endif

#endif
