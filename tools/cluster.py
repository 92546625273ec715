"""A WasmLab cluster on loopback ports, for the two-node deployment (tools/two-nodes) and
the Faaslets benchmark (tools/bench-faaslets): a redis-server (global state tier and
warm-host sets), `wasmlab serve --redis` nodes, and nginx balancing requests over them.
Every process runs in a temporary folder and is stopped by `Cluster.stop()`."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=20.0):
    """Polls `url` until it answers (any HTTP status)."""
    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.time() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout} s")
            time.sleep(0.1)


def get(url, timeout=10):
    """GETs `url`; returns the body as text."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def post(url, body=b"", timeout=60):
    """POSTs `body`; returns (status, body bytes)."""
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Cluster:
    """Starts its parts on demand; `stop()` ends them all (also on an exception in a
    `with` block)."""

    def __init__(self, wasmlab, spec=os.path.join(ROOT, "Examples", "serve.json"), workers=2):
        self.wasmlab = os.path.abspath(wasmlab)
        self.spec = spec
        self.workers = workers
        self.folder = tempfile.mkdtemp(prefix="wasmlab-cluster-")
        self.processes = []
        self.redis = None
        self.nodes = []
        self.balancer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _spawn(self, name, argv):
        log = open(os.path.join(self.folder, name + ".log"), "w")
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        self.processes.append(process)
        return process

    def start_redis(self):
        port = free_port()
        self._spawn("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", self.folder])
        deadline = time.time() + 10
        while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() != b"PONG":
            if time.time() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        self.redis = f"127.0.0.1:{port}"
        return self.redis

    def start_node(self, extra=(), spec=None, workers=None):
        """A `wasmlab serve --redis` node serving the first tenant of `spec` (default: the
        cluster's) on a free port; returns its base URL."""
        spec = spec or self.spec
        with open(spec) as f:
            tenants = json.load(f)
        folder = os.path.dirname(os.path.abspath(spec))
        tenant = tenants[0]
        port = free_port()
        tenant["port"] = port
        for route in tenant["routes"]:
            route["path"] = os.path.join(folder, route["path"])
        index = len(self.nodes)
        spec = os.path.join(self.folder, f"node{index}.json")
        with open(spec, "w") as f:
            json.dump([tenant], f)
        argv = [self.wasmlab, "serve", spec, "--workers", str(workers or self.workers)] + list(extra)
        if self.redis:
            argv += ["--redis", self.redis]
        self._spawn(f"node{index}", argv)
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/healthz")
        self.nodes.append(url)
        return url

    def start_balancer(self):
        """nginx in front of every node started so far (round robin, keep-alive upstream
        connections); returns its URL."""
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        port = free_port()
        servers = "\n".join(f"        server {url[len('http://'):]};" for url in self.nodes)
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = f"""{user}worker_processes 1;
daemon off;
pid {self.folder}/nginx.pid;
error_log {self.folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {self.folder}/nginx-body;
    proxy_temp_path {self.folder}/nginx-proxy;
    fastcgi_temp_path {self.folder}/nginx-fastcgi;
    uwsgi_temp_path {self.folder}/nginx-uwsgi;
    scgi_temp_path {self.folder}/nginx-scgi;
    client_max_body_size 16m;
    upstream wasmlab {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://wasmlab;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""
        path = os.path.join(self.folder, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        self._spawn("nginx", [nginx, "-c", path, "-p", self.folder])
        self.balancer = f"http://127.0.0.1:{port}"
        wait_for(self.balancer + "/healthz")
        return self.balancer

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []
        shutil.rmtree(self.folder, ignore_errors=True)
