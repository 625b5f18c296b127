"""A real redis-server on a free loopback port, for the shared-store tests."""
import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing():
    """Why Redis tests cannot run here, or None."""
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        return "redis-server is not installed: run scripts/setup-deps.sh"
    return None


class Redis:
    """redis-server with its own directory; append-only with fsync on every
    write, so that a restart keeps what it acknowledged."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="zari-redis-")
        self.port = free_port()
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.cli("PING") == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start on port %d" % self.port)

    def cli(self, *args):
        r = subprocess.run(["redis-cli", "-p", str(self.port), "--raw"] + list(args), capture_output=True, timeout=30)
        return r.stdout.decode().strip()

    def url(self, prefix=None):
        return "redis://127.0.0.1:%d%s" % (self.port, "?prefix=" + prefix if prefix else "")

    def pause(self):
        os.kill(self.proc.pid, 19)  # SIGSTOP: unreachable but nothing lost

    def resume(self):
        os.kill(self.proc.pid, 18)  # SIGCONT

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
