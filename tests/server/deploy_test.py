#!/usr/bin/env python3
"""The example deployment, run as written: nginx, two zari serve, one Redis.

    deploy_test.py ZARI_BINARY SOURCE_DIR

examples/deploy/nginx.conf (the file docs/OPERATIONS.md shows) is started
on free loopback ports in front of two `zari serve --store redis://`.
Visitors keep talking through nginx while the servers are restarted one at
a time (SIGTERM, start again, wait for /api/v1/health): no request fails,
every conversation continues (never a new session), and every message is
in its conversation's transcript in order. Skipped, saying why, only where
nginx or redis-server is missing (scripts/setup-deps.sh installs both).
"""
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from http_api_test import PACK, SRC, ZARI  # noqa: E402
import redis_support  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
SKIP = redis_support.missing() or (None if NGINX else "nginx is not installed: run scripts/setup-deps.sh")


class Zari:
    """zari serve on a fixed port (a restart comes back on the same one)."""

    def __init__(self, port, redis_url):
        self.port, self.redis_url = port, redis_url
        self.start()

    def start(self):
        self.proc = subprocess.Popen([ZARI, "serve", "--pack", PACK, "--listen", "127.0.0.1:%d" % self.port,
                                      "--store", self.redis_url, "--now", "2026-11-25T11:00", "--quiet"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        assert "on http://127.0.0.1:%d/" % self.port in line, line
        self.wait_healthy()

    def wait_healthy(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                c.request("GET", "/api/v1/health")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                c.close()
            time.sleep(0.05)
        raise AssertionError("zari serve on %d never became healthy" % self.port)

    def restart(self):
        self.proc.terminate()  # graceful: in-flight requests finish, idle connections close
        assert self.proc.wait(timeout=60) == 0
        self.proc.stdout.close()
        self.start()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        self.proc.stdout.close()


def nginx_conf(template, listen, upstreams, workdir):
    """The example file with this run's ports and paths, nothing else changed."""
    conf = template.replace("127.0.0.1:8080", "127.0.0.1:%d" % listen)
    conf = conf.replace("127.0.0.1:8081", "127.0.0.1:%d" % upstreams[0])
    conf = conf.replace("127.0.0.1:8082", "127.0.0.1:%d" % upstreams[1])
    conf = conf.replace("/run/zari-nginx.pid", os.path.join(workdir, "nginx.pid"))
    conf = conf.replace("/var/log/nginx/zari-error.log", os.path.join(workdir, "error.log"))
    conf = conf.replace("worker_connections 16384", "worker_connections 1024")  # this machine's fd limit
    path = os.path.join(workdir, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return path


class Visitor(threading.Thread):
    """Talks through nginx until stopped; every answer must be a 200 of the same conversation."""

    def __init__(self, port, n):
        super().__init__(daemon=True)
        self.port, self.n = port, n
        self.session, self.sent, self.failures = None, [], []
        self.stop = threading.Event()

    def say(self, conn, text):
        body = {"text": text}
        if self.session:
            body["session"] = self.session
        conn.request("POST", "/api/v1/message", json.dumps(body), {"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise AssertionError("%d %s" % (r.status, data[:200]))
        reply = json.loads(data)
        if self.session and (reply["new_session"] or reply["session"] != self.session):
            raise AssertionError("the conversation was lost: %r" % reply["session"])
        self.session = reply["session"]

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        i = 0
        while not self.stop.is_set():
            text = "visitor %d message %d" % (self.n, i)
            try:
                self.say(conn, text)
                self.sent.append(text)
            except Exception as e:  # noqa: BLE001 (every failure is reported)
                self.failures.append("%s: %s" % (text, e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            i += 1
            time.sleep(0.01)
        conn.close()


@unittest.skipIf(SKIP, SKIP)
class DeploymentTest(unittest.TestCase):
    def test_rolling_restart_under_load_loses_nothing(self):
        work = tempfile.mkdtemp(prefix="zari-deploy-")
        redis = redis_support.Redis()
        servers, nginx = [], None
        try:
            ports = [redis_support.free_port() for _ in range(3)]
            servers = [Zari(ports[1], redis.url()), Zari(ports[2], redis.url())]
            with open(os.path.join(SRC, "examples", "deploy", "nginx.conf")) as f:
                conf = nginx_conf(f.read(), ports[0], ports[1:], work)
            nginx = subprocess.Popen([NGINX, "-p", work, "-c", conf, "-e", os.path.join(work, "error.log"),
                                      "-g", "daemon off;"], stderr=subprocess.PIPE)
            deadline = time.monotonic() + 30
            while True:
                c = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=5)
                try:
                    c.request("GET", "/api/v1/health")
                    c.getresponse().read()
                    break
                except OSError:
                    self.assertLess(time.monotonic(), deadline, "nginx did not start")
                    time.sleep(0.05)
                finally:
                    c.close()
            visitors = [Visitor(ports[0], n) for n in range(6)]
            for v in visitors:
                v.start()
            time.sleep(1.0)
            for s in servers:  # one at a time, as an upgrade does (docs/OPERATIONS.md)
                s.restart()  # returns once /api/v1/health answers 200
                time.sleep(1.0)
            for v in visitors:
                v.stop.set()
                v.join(timeout=60)
            failures = [f for v in visitors for f in v.failures]
            self.assertEqual(failures, [], "requests failed during the rolling restart")
            for v in visitors:
                self.assertGreater(len(v.sent), 20, "visitor %d hardly talked" % v.n)
                state = json.loads(redis.cli("GET", "zari:s:" + v.session))
                users = [t["t"] for t in state["transcript"] if t["u"] == 1]
                self.assertEqual(users, v.sent[-len(users):], "the transcript holds every message in order")
                self.assertEqual(state["turns"], len(v.sent))
        finally:
            if nginx:
                nginx.terminate()
                nginx.wait(timeout=30)
            for s in servers:
                s.stop()
            redis.close()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
