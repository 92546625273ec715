#!/usr/bin/env python3
"""The per-request-instance baseline of tools/bench-serve: an HTTP/1.1 server on
wasmtime's Python embedding that runs each request in a fresh Store and instance of the
function's module (compiled once at start), with the same CGI conventions as `wasmlab
serve` (body on stdin, query parts as argv, CGI environment, stdout is the response).

    wasmtime-server.py PORT DIR      (PORT 0: any free port; prints "listening on PORT")

`/NAME?a&b` runs DIR/NAME.wasm. A thread per connection (keep-alive); wasmtime's calls
release the GIL. Stdio goes through files on tmpfs (/dev/shm), the only stdio WasiConfig
takes besides the host's own.
"""
import http.server
import os
import socketserver
import sys
import tempfile
import wasmtime


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    engine = wasmtime.Engine()
    modules = {name[:-5]: wasmtime.Module.from_file(engine, os.path.join(folder, name))
               for name in os.listdir(folder) if name.endswith(".wasm")}
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") else None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are separate writes: without TCP_NODELAY, Nagle's algorithm and
        # the client's delayed ACK hold every response back 40 ms.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def answer(self, status, body, content_type="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.handle_request(b"")

        def do_POST(self):
            self.handle_request(self.rfile.read(int(self.headers.get("Content-Length", 0))))

        def handle_request(self, body):
            path, _, query = self.path.partition("?")
            module = modules.get(path.lstrip("/"))
            if module is None:
                return self.answer(404, b"not found\n")
            with tempfile.NamedTemporaryFile(dir=scratch) as stdin, \
                    tempfile.NamedTemporaryFile(dir=scratch) as stdout:
                stdin.write(body)
                stdin.flush()
                wasi = wasmtime.WasiConfig()
                wasi.argv = [path] + (query.split("&") if query else [])
                wasi.env = [("REQUEST_METHOD", self.command), ("SCRIPT_NAME", path), ("QUERY_STRING", query),
                            ("CONTENT_LENGTH", str(len(body))), ("PATH_INFO", ""),
                            ("CONTENT_TYPE", self.headers.get("Content-Type", "")),
                            ("SERVER_PROTOCOL", "HTTP/1.1"), ("GATEWAY_INTERFACE", "CGI/1.1")]
                wasi.stdin_file = stdin.name
                wasi.stdout_file = stdout.name
                store = wasmtime.Store(engine)
                store.set_wasi(wasi)
                code = 0
                try:
                    instance = linker.instantiate(store, module)
                    instance.exports(store)["_start"](store)
                except wasmtime.ExitTrap as exit:
                    code = exit.code
                except wasmtime.Trap as trap:
                    return self.answer(500, f"wasm trap: {trap.message}\n".encode())
                output = open(stdout.name, "rb").read()
            if code != 0 and not output:
                return self.answer(500, f"the function exited with {code}\n".encode())
            status, content_type = 200, "text/plain"
            if output[:13].lower() == b"content-type:" or output[:7].lower() == b"status:":
                head, separator, rest = output.partition(b"\n\n")
                if separator:
                    output = rest
                    for line in head.decode("latin-1").split("\n"):
                        name, _, value = line.partition(":")
                        if name.lower() == "content-type":
                            content_type = value.strip()
                        elif name.lower() == "status":
                            status = int(value.split()[0])
            self.answer(status, output, content_type)

    server = Server(("127.0.0.1", port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
