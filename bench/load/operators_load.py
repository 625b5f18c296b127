"""Operators and visitors talking through `zari serve --operators` (bench/load/README.md).

N visitors ask for a person; M operators log in through the API, read the
queue and join the conversations (each its share); then every conversation
goes back and forth R times: the operator writes (POST
/api/v1/operator/conversations/ID/messages), the visitor's long poll on
/api/v1/events receives it and the visitor answers (POST /api/v1/message,
relayed), the operators' long polls on /api/v1/operator/events receive
that, and the operator writes the next one. Finally the operators leave.

Checked, and the run fails when any is violated: every message reaches its
reader exactly once and in order (the visitor reads the operator's R
messages; every operator's feed carries each visitor's R messages, the
holder's included), event sequence numbers have no gaps and no repeats on
any feed, every call answers as documented (handoff "waiting", join 200,
relayed replies). Measured: messages delivered per second, delivery
latency each way (from the POST being sent to the reader's long poll
answering), the server's CPU time and this client's.

One asyncio loop, raw HTTP/1.1 over kept-alive connections (a visitor has
two, as a browser does: its long poll and its messages; an operator too).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import time

from loadlib import WEDNESDAY, BenchError, Server, log

ASK = {"ka": "ოპერატორთან დამაკავშირეთ", "az": "operatorla danışmaq istəyirəm", "en": "I want to talk to a human"}
VISITOR_SAYS = {"ka": "ბალანსი როგორ შევამოწმო?", "az": "balansımı necə yoxlayım?", "en": "how do I check my balance?"}


class Http:
    """One kept-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, port, token=None):
        self.port, self.token = port, token
        self.reader = self.writer = None

    async def call(self, method, path, body=None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %d\r\n" % (method, path, self.port, len(data))
        if body is not None:
            head += "Content-Type: application/json\r\n"
        if self.token:
            head += "Authorization: Bearer %s\r\n" % self.token
        self.writer.write(head.encode() + b"\r\n" + data)
        line = await self.reader.readline()
        if not line:
            raise BenchError("%s %s: the server closed the connection" % (method, path))
        status, length = int(line.split()[1]), 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return status, json.loads(payload) if payload else None

    async def expect(self, method, path, body=None, status=200):
        code, reply = await self.call(method, path, body)
        if code != status:
            raise BenchError("%s %s → %d (expected %d): %s" % (method, path, code, status, reply))
        return reply

    def close(self):
        if self.writer:
            self.writer.close()


class Feed:
    """Reads a long-poll feed, checking that seqs follow each other."""

    def __init__(self, http, path, after=0):
        self.http, self.path, self.after = http, path, after
        self.gaps, self.repeats, self.events = [], 0, 0

    async def next_page(self, wait=25):
        sep = "&" if "?" in self.path else "?"
        page = await self.http.expect("GET", "%s%safter=%d&wait=%d" % (self.path, sep, self.after, wait))
        for e in page["events"]:
            if e["seq"] <= self.after:
                self.repeats += 1
                continue
            if e["seq"] != self.after + 1:
                self.gaps.append((self.after, e["seq"]))
            self.after = e["seq"]
            self.events += 1
        return page["events"]


class Run:
    def __init__(self, port, operators, visitors, rounds, server_cpu):
        self.port, self.rounds, self.server_cpu = port, rounds, server_cpu
        self.cpu = {}  # server and client CPU seconds over the messages
        self.op_ids = ["op%02d" % i for i in range(1, operators + 1)]
        self.n_visitors = visitors
        self.sessions = []           # visitor session ids
        self.lang = {}               # session -> language
        self.holder = {}             # session -> operator id
        self.sent_at = {}            # message text -> time its POST was sent
        self.to_visitor = {}         # session -> texts the visitor read
        self.to_operator = {}        # (operator, session) -> visitor texts the operator's feed carried
        self.latency_ov, self.latency_vo = [], []
        self.feeds = []
        self.done = asyncio.Event()
        self.finished = 0
        self.ops_http = {}

    # -- visitors ----------------------------------------------------------

    async def ask_for_person(self, i):
        lang = ("ka", "az", "en")[i % 3]
        http = Http(self.port)
        r = await http.expect("POST", "/api/v1/message", {"text": ASK[lang]})
        http.close()
        if r.get("action") != "handoff" or r.get("handoff", {}).get("status") != "waiting":
            raise BenchError("asking for a person answered %s / %s, not handoff / waiting" %
                             (r.get("action"), r.get("handoff")))
        self.sessions.append(r["session"])
        self.lang[r["session"]] = lang
        self.to_visitor[r["session"]] = []

    async def visitor(self, sid):
        """Reads the conversation's events; answers each operator message."""
        poll, talk = Http(self.port), Http(self.port)
        feed = Feed(poll, "/api/v1/events?session=%s" % sid)
        self.feeds.append(("visitor " + sid, feed))
        left = False
        while not left:
            for e in await feed.next_page():
                if e["type"] == "operator_left":
                    left = True
                if e["type"] != "message" or e.get("role") != "operator":
                    continue
                self.to_visitor[sid].append(e["text"])
                self.latency_ov.append(time.monotonic() - self.sent_at[e["text"]])
                n = len(self.to_visitor[sid])
                text = "%s #%s-v%d" % (VISITOR_SAYS[self.lang[sid]], sid[:8], n)
                self.sent_at[text] = time.monotonic()
                r = await talk.expect("POST", "/api/v1/message", {"session": sid, "text": text})
                if r.get("action") != "relayed" or r.get("session") != sid:
                    raise BenchError("a visitor's message to an operator answered %s (session %s)" %
                                     (r.get("action"), r.get("session") == sid))
        poll.close()
        talk.close()

    # -- operators ---------------------------------------------------------

    async def log_in(self, op):
        http = Http(self.port)
        r = await http.expect("POST", "/api/v1/operator/login", {"id": op, "password": "pw-" + op})
        http.token = r["token"]
        return http

    async def operator_feed(self, op, after):
        """An operator's console: reads the feed; writes the next message
        to a held conversation when its visitor's answer arrives."""
        feed = Feed(Http(self.port, self.ops_http[op].token), "/api/v1/operator/events", after)
        self.feeds.append(("operator " + op, feed))
        write = Http(self.port, self.ops_http[op].token)
        while not self.done.is_set():
            await self.operator_page(op, feed, write, wait=2)
        # The last words of others' conversations may have come after this
        # feed's last page: read to the end before counting.
        while await self.operator_page(op, feed, None, wait=0):
            pass
        feed.http.close()
        write.close()

    async def operator_page(self, op, feed, write, wait):
        """One page of an operator's feed; answers as the holder when `write`. Returns the events read."""
        events = await feed.next_page(wait=wait)
        for e in events:
            if e["type"] != "message" or "suggestions" not in e:
                continue  # only a customer's words to a held conversation
            sid = e["session"]
            got = self.to_operator.setdefault((op, sid), [])
            got.append(e["text"])
            if write is None or self.holder.get(sid) != op:
                continue
            self.latency_vo.append(time.monotonic() - self.sent_at[e["text"]])
            await self.operator_says(write, sid, len(got) + 1)
        return events

    async def operator_says(self, http, sid, n):
        if n > self.rounds:
            await http.expect("POST", "/api/v1/operator/conversations/%s/leave" % sid, {"resolved": True})
            self.finished += 1
            if self.finished == len(self.sessions):
                self.done.set()
            return
        text = "operator %s #%s-o%d: dial *100# to check your balance" % (self.holder[sid], sid[:8], n)
        self.sent_at[text] = time.monotonic()
        await http.expect("POST", "/api/v1/operator/conversations/%s/messages" % sid, {"text": text})

    async def first_messages(self, op):
        """An operator writes first in each conversation it holds (one connection, one after the other)."""
        for sid in [s for s in self.sessions if self.holder[s] == op]:
            await self.operator_says(self.ops_http[op], sid, 1)

    async def join_all(self):
        """Each operator joins its share of the queue (round robin)."""
        queue = await self.ops_http[self.op_ids[0]].expect("GET", "/api/v1/operator/queue")
        waiting = [c["session"] for c in queue["conversations"] if c["status"] == "waiting"]
        if sorted(waiting) != sorted(self.sessions):
            raise BenchError("the queue holds %d waiting conversations, expected %d" %
                             (len(waiting), len(self.sessions)))
        for i, sid in enumerate(self.sessions):
            self.holder[sid] = self.op_ids[i % len(self.op_ids)]

        async def join(op):
            for sid in [s for s in self.sessions if self.holder[s] == op]:
                await self.ops_http[op].expect("POST", "/api/v1/operator/conversations/%s/join" % sid, {})

        await asyncio.gather(*(join(op) for op in self.op_ids))

    # -- the whole run -----------------------------------------------------

    async def main(self, timeout):
        for i in range(0, self.n_visitors, 50):
            await asyncio.gather(*(self.ask_for_person(k) for k in range(i, min(i + 50, self.n_visitors))))
        for op in self.op_ids:
            self.ops_http[op] = await self.log_in(op)
        start = await self.ops_http[self.op_ids[0]].expect("GET", "/api/v1/operator/events?after=%d&wait=0" % 10**17)
        feeds = [asyncio.create_task(self.operator_feed(op, start["next"])) for op in self.op_ids]
        visitors = [asyncio.create_task(self.visitor(sid)) for sid in self.sessions]
        await self.join_all()
        t0, cpu0, rus0 = time.monotonic(), self.server_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        await asyncio.gather(*(self.first_messages(op) for op in self.op_ids))
        try:
            await asyncio.wait_for(asyncio.gather(*visitors), timeout)
            t1, cpu1, rus1 = time.monotonic(), self.server_cpu(), resource.getrusage(resource.RUSAGE_SELF)
            self.cpu = {"server": cpu1 - cpu0,
                        "client": rus1.ru_utime + rus1.ru_stime - rus0.ru_utime - rus0.ru_stime}
            self.done.set()
            await asyncio.wait_for(asyncio.gather(*feeds), 30)
        except asyncio.TimeoutError:
            raise BenchError("not every message arrived within %d s: %s" % (timeout, self.missing()))
        return t1 - t0

    def missing(self):
        short = [s for s in self.sessions if len(self.to_visitor[s]) < self.rounds]
        lines = ["%d conversations where the visitor has not read every operator message yet" % len(short)]
        for sid in short[:5]:
            op = self.holder[sid]
            lines.append("%s (held by %s): the visitor read %d, the holder's feed carried %d of its messages" %
                         (sid, op, len(self.to_visitor[sid]), len(self.to_operator.get((op, sid), []))))
        lines += ["%s: gaps (after, got) %s" % (name, f.gaps[:5]) for name, f in self.feeds if f.gaps]
        return "\n  ".join(lines)

    def check(self):
        """Exactly once, in order, no gaps: raises BenchError otherwise."""
        problems = []
        for sid in self.sessions:
            op = self.holder[sid]
            want_v = ["operator %s #%s-o%d: dial *100# to check your balance" % (op, sid[:8], n)
                      for n in range(1, self.rounds + 1)]
            if self.to_visitor[sid] != want_v:
                problems.append("visitor %s read %r, expected %r" % (sid, self.to_visitor[sid], want_v))
            want_o = ["%s #%s-v%d" % (VISITOR_SAYS[self.lang[sid]], sid[:8], n) for n in range(1, self.rounds + 1)]
            for o in self.op_ids:
                if self.to_operator.get((o, sid), []) != want_o:
                    problems.append("operator %s's feed carried %r for %s, expected %r" %
                                    (o, self.to_operator.get((o, sid)), sid, want_o))
        for name, feed in self.feeds:
            if feed.gaps or feed.repeats:
                problems.append("%s: gaps %s, %d events seen twice" % (name, feed.gaps[:5], feed.repeats))
        if problems:
            raise BenchError("operator messages not delivered exactly once and in order (%d problems):\n  %s" %
                             (len(problems), "\n  ".join(problems[:20])))


def percentiles(values):
    if not values:
        return {}
    v = sorted(values)
    at = lambda q: v[min(len(v) - 1, int(q * len(v)))] * 1000  # noqa: E731
    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": v[-1] * 1000, "n": len(v)}


def add_operators(zari, path, count):
    for i in range(1, count + 1):
        op = "op%02d" % i
        r = subprocess.run([str(zari), "operators", "add", str(path), op, "--name", "Operator %d" % i,
                            "--languages", "ka,az,en"], input=("pw-%s\n" % op).encode(), capture_output=True)
        if r.returncode != 0:
            raise BenchError("zari operators add failed: " + r.stderr.decode())


def run(zari, pack, work, store, operators, visitors, rounds, timeout=600):
    """Starts the server, runs the conversations, checks delivery; returns the figures."""
    work.mkdir(parents=True, exist_ok=True)
    ops_file = work / "operators.json"
    if ops_file.exists():
        ops_file.unlink()
    add_operators(zari, ops_file, operators)
    store_arg = "memory" if store == "memory" else "sqlite:%s" % (work / "operators-store.sqlite")
    if store != "memory" and (work / "operators-store.sqlite").exists():
        for suffix in ("", "-wal", "-shm"):
            p = work / ("operators-store.sqlite" + suffix)
            if p.exists():
                p.unlink()
    server = Server([zari, "serve", "--pack", pack, "--listen", "127.0.0.1:0", "--now", WEDNESDAY, "--quiet",
                     "--operators", ops_file, "--store", store_arg], "zari serve --operators")
    try:
        r = Run(server.port, operators, visitors, rounds, server.cpu_s)
        elapsed = asyncio.run(r.main(timeout))
        r.check()
        status = server.status()
    finally:
        if server.alive():
            server.stop()
    delivered = len(r.latency_ov) + len(r.latency_vo)
    log("operators: %d messages delivered exactly once and in order in %.2f s" % (delivered, elapsed))
    return {
        "store": store, "operators": operators, "visitors": visitors, "rounds": rounds,
        "messages": delivered, "seconds": elapsed, "messages_per_s": delivered / elapsed,
        "operator_to_visitor_ms": percentiles(r.latency_ov), "visitor_to_operator_ms": percentiles(r.latency_vo),
        "feed_events_read": sum(f.events for _, f in r.feeds),
        "server_cpu_s": r.cpu["server"], "client_cpu_s": r.cpu["client"],
        "server_rss_mib": status["VmRSS"] / 1024, "checked": "every message exactly once, in order; no feed gaps",
    }


if __name__ == "__main__":  # pragma: no cover - run through run_load.py
    raise SystemExit("run bench/load/run_load.py --only operators")
