/* Syntax check for faasm/host_interface.h: calls every declared import once.
 * clang --target=wasm32-wasi --sysroot=SYSROOT -IExamples/include -fsyntax-only \
 *   [-DFAASM_LEGACY_HOST_INTERFACE] [-DFAASM_CHAIN_NAME_WITH_CMDLINE] Examples/include/check-faasm-header.c
 * (SYSROOT as Bench/build makes it: include -> /usr/include/wasm32-wasi.) */
#include <faasm/host_interface.h>
#include <stddef.h>

static int chained(void) { return 0; }
static void resume(int arg) { (void)arg; }

int main(void) {
    unsigned char buf[64];
    char* out = NULL;
    int outLen = 0;
    int lens[4];
    void* names[4];
    int i = 0;
    long n = __faasm_read_input(buf, sizeof buf);
    __faasm_write_output("ok", 2);
#ifdef FAASM_CHAIN_NAME_WITH_CMDLINE
    unsigned int a = __faasm_chain_name("f", "", buf, n);
#else
    unsigned int a = __faasm_chain_name("f", buf, n);
#endif
    unsigned int b = __faasm_chain_ptr(chained, buf, n);
    int r = __faasm_await_call(a) + __faasm_await_call_output(b, &out, &outLen);
    long size = __faasm_read_state("k", NULL, 0);
    unsigned char* p = __faasm_read_state_ptr("k", size);
    __faasm_write_state("k", buf, sizeof buf);
    unsigned int fl = __faasm_write_state_from_file("k", "/tmp/x");
    __faasm_read_state_offset("k", 64, 8, buf, 8);
    __faasm_write_state_offset("k", 64, 8, buf, 8);
    unsigned char* q = __faasm_read_state_offset_ptr("k", 64, 8, 8);
    __faasm_flag_state_dirty("k", 64);
    __faasm_flag_state_offset_dirty("k", 64, 8, 8);
    __faasm_push_state("k");
    __faasm_push_state_partial("k");
    __faasm_push_state_partial_mask("k", "m");
    __faasm_pull_state("k", 64);
    __faasm_append_state("l", buf, 4);
    __faasm_read_appended_state("l", buf, 8, 2);
    __faasm_clear_appended_state("l");
    __faasm_lock_state_read("k");
    __faasm_unlock_state_read("k");
    __faasm_lock_state_write("k");
    __faasm_unlock_state_write("k");
    __faasm_lock_state_global("k");
    __faasm_unlock_state_global("k");
    unsigned int flag = __faasm_conf_flag("ALWAYS_ON");
    __faasm_backtrace(8);
    __faasm_host_interface_test(0);
    __faasm_get_py_user(buf, sizeof buf);
    __faasm_get_py_func(buf, sizeof buf);
    __faasm_get_py_entry(buf, sizeof buf);
    unsigned int c = __faasm_chain_py("g", buf, 0);
    __faasm_sm_array(&i, 1, 1);
    __faasm_sm_raw(&i, sizeof i);
    __faasm_sm_reduce(&i, 1, 2, 1);
    __faasm_sm_var(&i, 1);
    __faasm_sm_critical_local();
    __faasm_sm_critical_local_end();
    __faasm_migrate_point(resume, 1);
    int nb = __faasm_s3_get_num_buckets();
    __faasm_s3_list_buckets(names, lens);
    int nk = __faasm_s3_get_num_keys("b") + __faasm_s3_get_num_keys_with_prefix("b", "p");
    __faasm_s3_list_keys("b", names, lens);
    __faasm_s3_list_keys_with_prefix("b", "p", names, lens);
    int s3 = __faasm_s3_add_key_bytes("b", "k", buf, 4, false)
           + __faasm_s3_get_key_bytes("b", "k", &p, &outLen, true)
           + __faasm_s3_download_key("b", "k", "/tmp/k", false);
#ifdef FAASM_LEGACY_HOST_INTERFACE
    int idx = __faasm_get_idx() + __faasm_get_py_idx();
    unsigned int t = __faasm_chain_this(1, buf, 0);
    r += idx + (int)t;
#endif
    return r + (int)fl + (int)flag + (int)c + nb + nk + s3 + (q != NULL) + (p != NULL);
}
