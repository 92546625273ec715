// The process-per-request baseline of tools/bench-serve: a minimal HTTP/1.1 server that
// runs the native build of a function per request, CGI style (body on stdin, query parts
// as argv, CGI environment, stdout is the response with optional CGI headers).
//
//     cgi-server PORT DIR      (PORT 0: any free port; prints "listening on PORT")
//
// `/NAME?a&b` runs DIR/NAME a b. A thread per connection (keep-alive); each request is a
// posix_spawn (glibc's vfork-style fork+exec, the cheapest way to start a process) with
// pipes for stdin and stdout, then waitpid. No Wasm: what a user gets from CGI.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static const char *functions;

typedef struct {
    char *data;
    size_t length, capacity;
} buffer;

static int reserve(buffer *b, size_t more) {
    if (b->length + more <= b->capacity) return 0;
    size_t capacity = b->capacity ? b->capacity : 4096;
    while (capacity < b->length + more) capacity *= 2;
    char *data = realloc(b->data, capacity);
    if (!data) return -1;
    b->data = data;
    b->capacity = capacity;
    return 0;
}

static int write_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

static const char *reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
    default: return "Internal Server Error";
    }
}

static int respond(int fd, int status, const char *type, const char *body, size_t length, int keep) {
    char head[256];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
                     status, reason(status), type, length, keep ? "" : "Connection: close\r\n");
    if (write_all(fd, head, (size_t)n) < 0) return -1;
    return length ? write_all(fd, body, length) : 0;
}

// Runs the function with the body on stdin; its stdout lands in `out`. Returns the exit
// status (-1 when it could not start).
static int run(const char *path, char **argv, char **envp, const char *body, size_t length, buffer *out) {
    int in[2], outp[2];
    if (pipe2(in, O_CLOEXEC) < 0) return -1;
    if (pipe2(outp, O_CLOEXEC) < 0) { close(in[0]); close(in[1]); return -1; }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, outp[1], 1);
    pid_t pid;
    int failed = posix_spawn(&pid, path, &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(outp[1]);
    if (failed) { close(in[1]); close(outp[0]); return -1; }
    // Feed stdin and drain stdout together: a function may write before it reads all.
    size_t sent = 0;
    if (length == 0) { close(in[1]); in[1] = -1; }
    else fcntl(in[1], F_SETFL, O_NONBLOCK);
    for (;;) {
        struct pollfd fds[2] = {{outp[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
        if (poll(fds, in[1] >= 0 ? 2 : 1, -1) < 0) { if (errno == EINTR) continue; break; }
        if (in[1] >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(in[1], body + sent, length - sent);
            if (n > 0) sent += (size_t)n;
            if (n < 0 && errno != EAGAIN) sent = length;
            if (sent == length) { close(in[1]); in[1] = -1; }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (reserve(out, 65536) < 0) break;
            ssize_t n = read(outp[0], out->data + out->length, 65536);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            out->length += (size_t)n;
        }
    }
    if (in[1] >= 0) close(in[1]);
    close(outp[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Answers one parsed request.
static int serve(int fd, const char *method, char *target, const char *type, const char *body, size_t length,
                 int keep) {
    char *query = strchr(target, '?');
    if (query) *query++ = 0;
    const char *name = target + 1;
    if (*target != '/' || !*name || strchr(name, '/') || strstr(name, "..")) {
        return respond(fd, 404, "text/plain", "not found\n", 10, keep);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", functions, name);
    if (access(path, X_OK) != 0) return respond(fd, 404, "text/plain", "not found\n", 10, keep);

    char *argv[66] = {target};
    int argc = 1;
    for (char *part = query, *next; part && *part && argc < 65; part = next) {
        next = strchr(part, '&');
        if (next) *next++ = 0;
        argv[argc++] = part;
    }
    argv[argc] = NULL;
    char env[6][2400];
    snprintf(env[0], sizeof env[0], "REQUEST_METHOD=%s", method);
    snprintf(env[1], sizeof env[1], "SCRIPT_NAME=%s", target);
    snprintf(env[2], sizeof env[2], "QUERY_STRING=%s", query ? query : "");
    snprintf(env[3], sizeof env[3], "CONTENT_LENGTH=%zu", length);
    snprintf(env[4], sizeof env[4], "CONTENT_TYPE=%s", type);
    snprintf(env[5], sizeof env[5], "SERVER_PROTOCOL=HTTP/1.1");
    char *envp[] = {env[0], env[1], env[2], env[3], env[4], env[5], "GATEWAY_INTERFACE=CGI/1.1", "PATH_INFO=", NULL};

    buffer out = {0};
    int code = run(path, argv, envp, body, length, &out);
    int result;
    if (code < 0 || (code != 0 && out.length == 0)) {
        result = respond(fd, 500, "text/plain", "the function failed\n", 20, keep);
    } else {
        // CGI headers: a block ending in a blank line when the output starts with one.
        int status = 200;
        char content[256] = "text/plain";
        size_t start = 0;
        if (out.length && (!strncasecmp(out.data, "Content-Type:", 13) || !strncasecmp(out.data, "Status:", 7))) {
            char *end = memmem(out.data, out.length, "\n\n", 2);
            if (end) {
                start = (size_t)(end - out.data) + 2;
                for (char *line = out.data; line < end;) {
                    char *eol = memchr(line, '\n', (size_t)(end - line) + 1);
                    size_t n = (size_t)(eol - line);
                    if (!strncasecmp(line, "Content-Type:", 13)) {
                        size_t v = 13;
                        while (v < n && line[v] == ' ') v++;
                        snprintf(content, sizeof content, "%.*s", (int)(n - v), line + v);
                    } else if (!strncasecmp(line, "Status:", 7)) {
                        status = atoi(line + 7);
                    }
                    line = eol + 1;
                }
            }
        }
        result = respond(fd, status, content, out.data + start, out.length - start, keep);
    }
    free(out.data);
    return result;
}

static void *connection(void *arg) {
    int fd = (int)(intptr_t)arg;
    buffer in = {0};
    for (;;) {
        char *end;
        while (!(end = in.length ? memmem(in.data, in.length, "\r\n\r\n", 4) : NULL)) {
            if (in.length > 65536 || reserve(&in, 16384) < 0) goto done;
            ssize_t n = read(fd, in.data + in.length, 16384);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) goto done;
            in.length += (size_t)n;
        }
        size_t head = (size_t)(end - in.data) + 4;
        *end = 0;
        char method[16], target[2048], version[16];
        if (sscanf(in.data, "%15s %2047s %15s", method, target, version) != 3) {
            respond(fd, 400, "text/plain", "bad request\n", 12, 0);
            goto done;
        }
        size_t length = 0;
        int keep = strcmp(version, "HTTP/1.0") != 0;
        char type[256] = "";
        for (char *line = strstr(in.data, "\r\n"); line && line < end; line = strstr(line, "\r\n")) {
            line += 2;
            if (!strncasecmp(line, "Content-Length:", 15)) length = strtoul(line + 15, NULL, 10);
            else if (!strncasecmp(line, "Connection:", 11) && strcasestr(line, "close")) keep = 0;
            else if (!strncasecmp(line, "Content-Type:", 13)) sscanf(line + 13, " %255[^\r]", type);
        }
        if (length > (16u << 20)) {
            respond(fd, 413, "text/plain", "too large\n", 10, 0);
            goto done;
        }
        while (in.length < head + length) {
            if (reserve(&in, head + length - in.length) < 0) goto done;
            ssize_t n = read(fd, in.data + in.length, head + length - in.length);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) goto done;
            in.length += (size_t)n;
        }
        if (serve(fd, method, target, type, in.data + head, length, keep) < 0 || !keep) goto done;
        memmove(in.data, in.data + head + length, in.length - head - length);
        in.length -= head + length;
    }
done:
    free(in.data);
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: cgi-server PORT DIR\n");
        return 64;
    }
    functions = argv[2];
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, 1024) < 0) {
        perror("cgi-server: listen");
        return 1;
    }
    socklen_t size = sizeof address;
    getsockname(listener, (struct sockaddr *)&address, &size);
    printf("listening on %d\n", ntohs(address.sin_port));
    fflush(stdout);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 << 10);
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t thread;
        if (pthread_create(&thread, &attributes, connection, (void *)(intptr_t)fd) != 0) close(fd);
    }
}
