// WASI conformance program for WasmLab: exercises args, environment, clocks, random,
// files, directories, links and poll, and checks that paths cannot leave the preopen.
// Prints only what every correct WASI runtime prints the same way (no inode numbers,
// no absolute times), so outputs of two runtimes can be diffed.
//
// Expected host layout (made by run-wasi-test.sh):
//   ROOT/outside.txt            must stay unreachable
//   ROOT/sandbox/               preopened as /sandbox
//   ROOT/sandbox/link_out   ->  ../outside.txt   (relative symlink leaving the sandbox)
//   ROOT/sandbox/abs_link   ->  /etc             (absolute symlink)
// Usage: wasi-test.wasm [args...] ; exit status = value of the last argument "exit=N".
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int failures = 0;

static void check(const char *what, int ok) {
    printf("%-40s %s\n", what, ok ? "ok" : "FAIL");
    if (!ok) failures++;
}

static void refused(const char *what, int fd_or_result) {
    // A successful open (>= 0) of anything outside is a sandbox escape.
    printf("%-40s %s\n", what, fd_or_result < 0 ? "refused" : "ESCAPED");
    if (fd_or_result >= 0) failures++;
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { printf("open %s failed: %d\n", path, errno); failures++; return; }
    write(fd, text, strlen(text));
    close(fd);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_directory(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) { printf("opendir %s failed\n", path); failures++; return; }
    char *names[64];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && count < 64) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
        char buffer[300];
        const char *type = entry->d_type == DT_DIR ? "dir" : entry->d_type == DT_REG ? "file"
                         : entry->d_type == DT_LNK ? "symlink" : "other";
        snprintf(buffer, sizeof buffer, "%s (%s)", entry->d_name, type);
        names[count++] = strdup(buffer);
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], compare_names);
    printf("listing of %s:\n", path);
    for (int i = 0; i < count; i++) { printf("  %s\n", names[i]); free(names[i]); }
}

static void test_args_and_environment(int argc, char **argv) {
    printf("argc = %d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING = %s\n", greeting ? greeting : "(unset)");
    printf("EMPTY = [%s]\n", getenv("EMPTY") ? getenv("EMPTY") : "(unset)");
    printf("HOME = %s\n", getenv("HOME") ? "(leaked)" : "(unset)");
}

static void test_clocks_and_random(void) {
    struct timespec a, b, res;
    check("clock_gettime(MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    check("clock_getres(MONOTONIC) > 0", clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0));
    struct timespec nap = {0, 20 * 1000 * 1000};
    check("nanosleep 20ms", nanosleep(&nap, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long elapsed = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    check("monotonic advanced >= 20ms", elapsed >= 20 * 1000 * 1000);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    check("realtime after 2020", now.tv_sec > 1577836800);
    unsigned char bytes[64] = {0};
    check("getentropy", getentropy(bytes, sizeof bytes) == 0);
    int nonzero = 0;
    for (int i = 0; i < 64; i++) nonzero += bytes[i] != 0;
    check("random bytes not all zero", nonzero > 0);
    check("sched_yield", sched_yield() == 0);
}

static void test_files(void) {
    write_file("/sandbox/data.txt", "hello, file\n");
    int fd = open("/sandbox/data.txt", O_RDWR);
    check("open existing file rw", fd >= 0);
    char buffer[64] = {0};
    ssize_t n = read(fd, buffer, sizeof buffer - 1);
    printf("read %zd bytes: %s", n, buffer);
    check("lseek to 7", lseek(fd, 7, SEEK_SET) == 7);
    check("write at 7", write(fd, "WASI", 4) == 4);
    check("tell is 11", lseek(fd, 0, SEEK_CUR) == 11);
    check("pwrite at end", pwrite(fd, "+tail\n", 6, 12) == 6);
    memset(buffer, 0, sizeof buffer);
    check("pread from 0", pread(fd, buffer, sizeof buffer - 1, 0) == 18);
    printf("contents: %s", buffer);
    struct stat st;
    check("fstat", fstat(fd, &st) == 0);
    printf("size %lld, regular %d, nlink %d\n", (long long)st.st_size, S_ISREG(st.st_mode), (int)st.st_nlink);
    check("ftruncate to 5", ftruncate(fd, 5) == 0);
    fstat(fd, &st);
    printf("size after truncate %lld\n", (long long)st.st_size);
    check("fsync", fsync(fd) == 0);
    check("fdatasync", fdatasync(fd) == 0);
    check("posix_fadvise", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
    int flags = fcntl(fd, F_GETFL);
    check("fcntl O_RDWR", (flags & O_ACCMODE) == O_RDWR);
    close(fd);

    fd = open("/sandbox/data.txt", O_WRONLY | O_APPEND);
    check("open append", fd >= 0);
    write(fd, "!appended\n", 10);
    check("fcntl shows O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    close(fd);
    FILE *f = fopen("/sandbox/data.txt", "r");
    memset(buffer, 0, sizeof buffer);
    fread(buffer, 1, sizeof buffer - 1, f);
    fclose(f);
    printf("after append: %s", buffer);

    check("open missing fails", open("/sandbox/missing.txt", O_RDONLY) < 0 && errno == ENOENT);
    check("O_EXCL on existing fails", open("/sandbox/data.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);
    check("write to O_RDONLY fd fails", (fd = open("/sandbox/data.txt", O_RDONLY)) >= 0 && write(fd, "x", 1) < 0);
    close(fd);
    check("read closed fd is EBADF", read(fd, buffer, 1) < 0 && errno == EBADF);

    struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
    check("utimensat", utimensat(AT_FDCWD, "/sandbox/data.txt", times, 0) == 0);
    stat("/sandbox/data.txt", &st);
    printf("mtime %lld.%09ld atime %lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_atim.tv_sec);
}

static void test_directories_and_links(void) {
    check("mkdir sub", mkdir("/sandbox/sub", 0755) == 0);
    check("mkdir existing is EEXIST", mkdir("/sandbox/sub", 0755) < 0 && errno == EEXIST);
    check("mkdir nested", mkdir("/sandbox/sub/deeper", 0755) == 0);
    write_file("/sandbox/sub/a.txt", "a");
    write_file("/sandbox/sub/b.txt", "bb");
    check("rename", rename("/sandbox/sub/b.txt", "/sandbox/sub/c.txt") == 0);
    check("link", link("/sandbox/sub/a.txt", "/sandbox/sub/a-link.txt") == 0);
    struct stat st;
    stat("/sandbox/sub/a.txt", &st);
    printf("nlink after link %d\n", (int)st.st_nlink);
    check("symlink", symlink("c.txt", "/sandbox/sub/c-sym") == 0);
    char target[64] = {0};
    ssize_t n = readlink("/sandbox/sub/c-sym", target, sizeof target - 1);
    printf("readlink -> %.*s\n", (int)n, target);
    check("stat follows symlink", stat("/sandbox/sub/c-sym", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 2);
    check("lstat sees symlink", lstat("/sandbox/sub/c-sym", &st) == 0 && S_ISLNK(st.st_mode));
    check("open through symlink", open("/sandbox/sub/c-sym", O_RDONLY) >= 0);
    check("open .. inside sandbox", open("/sandbox/sub/deeper/../a.txt", O_RDONLY) >= 0);
    list_directory("/sandbox/sub");
    check("chdir", chdir("/sandbox/sub") == 0);
    check("relative open after chdir", open("c.txt", O_RDONLY) >= 0);
    check("rmdir non-empty is ENOTEMPTY", rmdir("/sandbox/sub") < 0 && errno == ENOTEMPTY);
    check("unlink", unlink("/sandbox/sub/a-link.txt") == 0);
    check("unlink symlink", unlink("/sandbox/sub/c-sym") == 0);
    check("rmdir deeper", rmdir("/sandbox/sub/deeper") == 0);
    check("unlink dir is error", unlink("/sandbox/sub") < 0);
    list_directory("/sandbox/sub");
    list_directory("/sandbox");
}

static void test_poll(void) {
    struct pollfd fds[1] = {{.fd = 1, .events = POLLOUT}};
    check("poll stdout writable", poll(fds, 1, 1000) == 1 && (fds[0].revents & POLLOUT));
    check("poll timeout only", poll(NULL, 0, 5) == 0);
}

static void test_escapes(void) {
    refused("open /sandbox/../outside.txt", open("/sandbox/../outside.txt", O_RDONLY));
    refused("open /sandbox/sub/../../outside.txt", open("/sandbox/sub/../../outside.txt", O_RDONLY));
    refused("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    refused("open relative ../outside.txt", open("../../outside.txt", O_RDONLY));
    refused("open link_out (symlink ..)", open("/sandbox/link_out", O_RDONLY));
    refused("open abs_link/passwd (symlink /etc)", open("/sandbox/abs_link/passwd", O_RDONLY));
    refused("stat link_out", stat("/sandbox/link_out", &(struct stat){0}));
    int made = symlink("../..", "/sandbox/esc");
    (void)made;
    refused("open esc/outside.txt (guest symlink)", open("/sandbox/esc/outside.txt", O_RDONLY));
    refused("mkdir /sandbox/../made", mkdir("/sandbox/../made", 0755));
    refused("create /sandbox/../created.txt", open("/sandbox/../created.txt", O_WRONLY | O_CREAT, 0644));
    refused("rename data.txt to ../moved", rename("/sandbox/data.txt", "/sandbox/../moved.txt"));
    refused("link to ../hard", link("/sandbox/data.txt", "/sandbox/../hard.txt"));
    // Raw WASI calls, bypassing wasi-libc's path handling (fd 3 is /sandbox).
    __wasi_fd_t opened;
    refused("raw path_open /etc/passwd",
            __wasi_path_open(3, 0, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, 0, &opened) == 0 ? 0 : -1);
    refused("raw path_open ../outside.txt",
            __wasi_path_open(3, 1, "../outside.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &opened) == 0 ? 0 : -1);
    refused("raw path_open sub/../../outside.txt",
            __wasi_path_open(3, 1, "sub/../../outside.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &opened) == 0 ? 0 : -1);
    refused("raw path_open link_out (follow)",
            __wasi_path_open(3, 1, "link_out", 0, __WASI_RIGHTS_FD_READ, 0, 0, &opened) == 0 ? 0 : -1);
    unlink("/sandbox/esc");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("== args and environment\n");
    test_args_and_environment(argc, argv);
    printf("== clocks and random\n");
    test_clocks_and_random();
    printf("== files\n");
    test_files();
    printf("== directories and links\n");
    test_directories_and_links();
    printf("== poll\n");
    test_poll();
    printf("== escapes\n");
    test_escapes();
    printf("== done: %d failure(s)\n", failures);
    int status = 0;
    if (argc > 1 && !strncmp(argv[argc - 1], "exit=", 5)) status = atoi(argv[argc - 1] + 5);
    if (failures) return 100;
    exit(status);
}
