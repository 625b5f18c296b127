#!/usr/bin/env python3
"""zari serve's HTTP transport over real sockets: keep-alive, limits, events.

    transport_test.py ZARI_BINARY SOURCE_DIR

- Keep-alive: 50 requests on one connection, each response in one TCP
  segment (counted with the client socket's TCP_INFO, not timed): a
  response split in two waits for the client's delayed ACK (Nagle), which
  cost every kept-alive request ~40 ms before.
- Limits: a request that arrives too slowly is cut with 408 (slowloris)
  while other clients are served; connections over --max-connections are
  refused at accept with 503 and the open ones keep working; a body over
  --max-body is 413 before it is read; oversized headers 431; garbage 400.
- /api/v1/events: bad parameters 400, unknown session 404, a long poll with
  no events answers at its wait with {"events": [], "next"}, SSE headers.
No timing assertions: waits are for events, with generous limits.
"""
import json
import os
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from http_api_test import Server  # noqa: E402  (the same harness)


def segs_in(sock):
    """Segments this socket received (struct tcp_info.tcpi_segs_in)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    return struct.unpack_from("I", info, 140)[0]


def read_response(sock, buf=b""):
    """One HTTP/1.1 response (Content-Length or chunked head only): (status, headers, body, rest)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response: %r" % buf)
        buf += chunk
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict((k.lower(), v.strip()) for k, v in (l.split(":", 1) for l in lines[1:]))
    n = int(headers.get("content-length", "0"))
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside a body")
        buf += chunk
    return status, headers, buf[:n], buf[n:]


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    return s


def closed_by_peer(sock, timeout=60):
    """Reads until the server closes; returns what it sent."""
    sock.settimeout(timeout)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


class KeepAliveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server()

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def test_each_response_is_one_segment(self):
        sock = connect(self.s.port)
        try:
            body = json.dumps({"text": "How do I check my balance?"}).encode()
            request = (b"POST /api/v1/message HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\n\r\n" % len(body)) + body
            rest = b""
            # One exchange first: the handshake's segments are not counted.
            sock.sendall(request)
            status, headers, _, rest = read_response(sock, rest)
            self.assertEqual(status, 200)
            before = segs_in(sock)
            for _ in range(50):
                sock.sendall(request)
                status, headers, data, rest = read_response(sock, rest)
                self.assertEqual(status, 200)
                self.assertEqual(headers.get("connection"), "keep-alive")
                self.assertEqual(json.loads(data)["intent"], "balance")
            got = segs_in(sock) - before
            # One segment a response (a pure ACK now and then is allowed);
            # header and body in two writes would be 100 or more.
            self.assertLessEqual(got, 60, "50 responses came in %d segments" % got)
        finally:
            sock.close()

    def test_pipelined_requests_are_answered_in_order(self):
        sock = connect(self.s.port)
        try:
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /api/v1/welcome HTTP/1.1\r\nHost: x\r\n\r\n")
            status, _, first, rest = read_response(sock)
            status2, _, second, _ = read_response(sock, rest)
            self.assertEqual((status, status2), (200, 200))
            self.assertIn("uptime_s", json.loads(first))
            self.assertIn("welcome", json.loads(second))
        finally:
            sock.close()

    def test_http10_closes_after_the_response(self):
        sock = connect(self.s.port)
        try:
            sock.sendall(b"GET /api/v1/health HTTP/1.0\r\n\r\n")
            data = closed_by_peer(sock)
            self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:40])
        finally:
            sock.close()


class LimitsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server("--max-connections", "16", "--request-timeout", "1", "--max-body", "4096")

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def test_slow_request_is_cut_and_others_are_served(self):
        slow = connect(self.s.port)
        try:
            slow.sendall(b"POST /api/v1/message HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"te")
            # Meanwhile other clients are answered.
            self.assertEqual(self.s.json("GET", "/api/v1/health")["status"], "ok")
            data = closed_by_peer(slow)  # the rest never comes: the server gives up
            self.assertTrue(data.startswith(b"HTTP/1.1 408"), data[:60])
        finally:
            slow.close()
        h = self.s.json("GET", "/api/v1/health")
        self.assertGreaterEqual(h["connections"]["timeouts"], 1)

    def test_idle_headers_trickle_is_cut(self):
        slow = connect(self.s.port)
        try:
            slow.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
            for _ in range(3):  # a header line now and then never finishes the request
                time.sleep(0.4)
                try:
                    slow.sendall(b"X-A: b\r\n")
                except OSError:
                    break
            data = closed_by_peer(slow)
            self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 408"), data[:60])
        finally:
            slow.close()

    def test_over_max_connections_is_refused_at_accept(self):
        held, refused = [], None
        try:
            # Open connections (each served once) until the server refuses one.
            for _ in range(40):
                c = connect(self.s.port)
                c.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
                status, _, body, _ = read_response(c)
                if status == 200:
                    held.append(c)
                    continue
                refused = "%d %s" % (status, body.decode())
                c.close()
                break
            self.assertIsNotNone(refused, "40 connections were all accepted with --max-connections 16")
            self.assertLessEqual(len(held), 16)
            self.assertIn("503", refused)
            self.assertIn("too many connections", refused)
            # The open ones still work.
            held[0].sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(read_response(held[0])[0], 200)
        finally:
            for c in held:
                c.close()

    def test_body_over_max_body_is_413_before_it_is_read(self):
        sock = connect(self.s.port)
        try:
            # Announce 1 MB, send only the head: the answer comes without the body.
            sock.sendall(b"POST /api/v1/message HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1048576\r\n\r\n")
            status, headers, body, _ = read_response(sock)
            self.assertEqual(status, 413)
            self.assertIn("4096 bytes", json.loads(body)["error"])
            self.assertEqual(headers.get("connection"), "close")
        finally:
            sock.close()

    def test_huge_headers_431_and_garbage_400(self):
        sock = connect(self.s.port)
        try:
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
            self.assertEqual(read_response(sock)[0], 431)
        finally:
            sock.close()
        sock = connect(self.s.port)
        try:
            sock.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n")
            data = closed_by_peer(sock)
            self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:60])
        finally:
            sock.close()


class EventsEndpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server()

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def test_bad_parameters_and_unknown_session(self):
        for path in ["/api/v1/events", "/api/v1/events?session=../x", "/api/v1/events?session=a&after=-1",
                     "/api/v1/events?session=a&wait=31", "/api/v1/events?session=a&wait=x"]:
            with self.subTest(path=path):
                self.assertIn("error", self.s.json("GET", path, status=400))
        r = self.s.json("GET", "/api/v1/events?session=nobody&wait=0", status=404)
        self.assertEqual(r["error"], "unknown session")
        r = self.s.json("POST", "/api/v1/events", {}, status=405)
        self.assertIn("GET", r["error"])

    def test_long_poll_without_events_answers_at_its_wait(self):
        sid = self.s.say("hello")["session"]
        r = self.s.json("GET", "/api/v1/events?session=%s&after=0&wait=1" % sid)
        self.assertEqual(r, {"events": [], "next": 0})
        r = self.s.json("GET", "/api/v1/events?session=%s&wait=0" % sid)
        self.assertEqual(r["events"], [])

    def test_server_sent_events_stream_opens(self):
        sid = self.s.say("hello")["session"]
        sock = connect(self.s.port)
        try:
            sock.sendall(("GET /api/v1/events?session=%s HTTP/1.1\r\nHost: x\r\n"
                          "Accept: text/event-stream\r\n\r\n" % sid).encode())
            buf = b""
            while b"retry:" not in buf:
                chunk = sock.recv(4096)
                self.assertTrue(chunk, "stream closed: %r" % buf)
                buf += chunk
            head = buf.split(b"\r\n\r\n")[0].decode().lower()
            self.assertIn("content-type: text/event-stream", head)
            self.assertIn("transfer-encoding: chunked", head)
            h = self.s.json("GET", "/api/v1/health")
            self.assertGreaterEqual(h["connections"]["streaming"], 1)
        finally:
            sock.close()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
