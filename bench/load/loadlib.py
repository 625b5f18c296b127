"""Pieces of the load benchmarks (bench/load/README.md): the messages, the
servers under test, wrk, the load client, the host's state. Standard library only."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PACK = REPO / "intents" / "telecom"
PROBES = REPO / "tests" / "data" / "telecom_probes.txt"
WEDNESDAY = "2026-11-25T11:00"  # operators online in the sample pack (Asia/Tbilisi)


class BenchError(RuntimeError):
    """A step that did not run as it should: the run fails, loudly."""


def log(msg: str) -> None:
    print("run_load: " + msg, file=sys.stderr, flush=True)


# ---- messages --------------------------------------------------------------

def pack_examples(pack: Path = PACK):
    """(lang, text, intent) of every example in the pack's intents/*.yaml: the
    lines `- "…"` under `examples:` → `ka:`/`az:`/`en:` of `- id: …` (the
    sample pack writes all its examples so)."""
    out = []
    for path in sorted((pack / "intents").glob("*.yaml")):
        block_indent, lang, intent = None, None, None
        for raw in path.read_text(encoding="utf-8").splitlines():
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            if stripped.startswith("- id: "):
                intent, block_indent = stripped[6:].strip(), None
                continue
            if stripped == "examples:":
                block_indent, lang = indent, None
                continue
            if block_indent is None:
                continue
            if indent <= block_indent:
                block_indent, lang = None, None
                continue
            m = re.fullmatch(r"(ka|az|en):", stripped)
            if m:
                lang = m.group(1)
            elif lang and intent and stripped.startswith('- "') and stripped.endswith('"'):
                out.append((lang, json.loads(stripped[2:]), intent))
    return out


def probe_messages(path: Path = PROBES):
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("|", 2)
        if len(parts) == 3 and parts[0] in ("ka", "az", "en"):
            out.append((parts[0], parts[2]))
    return out


def write_messages(out: Path):
    """Writes messages.tsv (lang<TAB>text, for the load client) and
    messages.lua (MESSAGES = {ka = {json literals}, …}, for wrk). Returns counts."""
    msgs = [(lang, text) for lang, text, _ in pack_examples()] + probe_messages()
    if len(msgs) < 100:
        raise BenchError("only %d messages found in %s and %s" % (len(msgs), PACK, PROBES))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "messages.tsv", "w", encoding="utf-8") as f:
        for lang, text in msgs:
            f.write("%s\t%s\n" % (lang, text.replace("\t", " ").replace("\n", " ")))
    by_lang = {}
    for lang, text in msgs:
        by_lang.setdefault(lang, []).append(json.dumps(text, ensure_ascii=False))
    lines = ["-- written by bench/load/run_load.py: the sample pack's examples and tests/data/telecom_probes.txt",
             "MESSAGES = {"]
    for lang, texts in sorted(by_lang.items()):
        assert all("]==]" not in t for t in texts)
        lines.append("  %s = {" % lang)
        lines.extend("    [==[%s]==]," % t for t in texts)
        lines.append("  },")
    lines.append("}")
    (out / "messages.lua").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {lang: len(texts) for lang, texts in sorted(by_lang.items())}


# ---- the host --------------------------------------------------------------

def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def host_info():
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    fields = {}
    for line in lscpu.splitlines():
        k, _, v = line.partition(":")
        fields[k.strip()] = v.strip()
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "cpu": fields.get("Model name", "?"), "cpus": os.cpu_count(),
        "threads_per_core": fields.get("Thread(s) per core"), "hypervisor": fields.get("Hypervisor vendor"),
        "mhz": fields.get("CPU MHz") or fields.get("CPU max MHz"), "kernel": os.uname().release,
        "memory_gib": round(mem_kb / 1024 / 1024, 1), "loadavg_start": loadavg(),
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        if shutil.which("wrk") else None,
    }


def tcp_counters():
    """The kernel's TcpExt counters that tell connections were dropped at the listen queue."""
    with open("/proc/net/netstat") as f:
        lines = [line.split() for line in f if line.startswith("TcpExt:")]
    fields = dict(zip(lines[0][1:], (int(v) for v in lines[1][1:])))
    return {k: fields.get(k, 0) for k in ("ListenOverflows", "ListenDrops", "TCPSynRetrans")}


def wait_quiet(max_load: float, timeout: float) -> float:
    """Waits (up to timeout s) for the 1-minute load average to fall under max_load; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        now = loadavg()[0]
        if now < max_load or time.monotonic() >= deadline:
            return now
        time.sleep(5)


# ---- processes -------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    """user + system CPU seconds of a running process (all its threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status(pid: int):
    """VmRSS, VmHWM (KiB) and Threads of a running process."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "Threads"):
                out[k] = int(v.split()[0])
    return out


class Server:
    """A server under test, started on a free loopback port (its first stdout
    line names the port, as every Zari server and nlpjs_server.js print it)."""

    def __init__(self, cmd, name, cwd=None, env=None, startup_timeout=300):
        self.name, self.cmd = name, [str(c) for c in cmd]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.stderr_lines = []
        self._err = threading.Thread(target=self._read_stderr, daemon=True)
        self._err.start()
        self.port = None
        result = {}

        def first_line():
            result["line"] = self.proc.stdout.readline().decode("utf-8", "replace")

        t = threading.Thread(target=first_line, daemon=True)
        t.start()
        t.join(startup_timeout)
        m = re.search(r"(?:http|agi)://127\.0\.0\.1:(\d+)/", result.get("line", ""))
        if not m:
            self.kill()
            raise BenchError("%s did not start: %r\n%s" % (name, result.get("line"), self.stderr()))
        self.port = int(m.group(1))
        self.pid = self.proc.pid

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def stderr(self) -> str:
        return "".join(self.stderr_lines[-50:])

    def cpu_s(self) -> float:
        return proc_cpu_s(self.pid)

    def status(self):
        return proc_status(self.pid)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout=60):
        """SIGTERM, then waits; a server that dies or exits non-zero fails the run."""
        if self.proc.poll() is not None:
            raise BenchError("%s exited early with %s:\n%s" % (self.name, self.proc.returncode, self.stderr()))
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise BenchError("%s did not stop within %d s of SIGTERM" % (self.name, timeout))
        self._err.join(10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        if code != 0:
            raise BenchError("%s exited with %d:\n%s" % (self.name, code, self.stderr()))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Sampler:
    """Samples a process's RSS (and threads) every `every` s on a thread."""

    def __init__(self, pid, every=0.25):
        self.pid, self.every, self.samples = pid, every, []
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                s = proc_status(self.pid)
            except OSError:
                return
            self.samples.append((time.monotonic(), s["VmRSS"], s["VmHWM"]))
            self._stop.wait(self.every)

    def stop(self):
        self._stop.set()
        self._t.join()
        return self.samples


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A redis-server of its own on a free loopback port, in a temporary
    directory: append-only with fsync every second (Redis's usual setting; the
    sqlite store likewise commits every 200 ms). Stopped by stop()."""

    def __init__(self):
        if not shutil.which("redis-server") or not shutil.which("redis-cli"):
            raise BenchError("redis-server and redis-cli are needed (scripts/setup-deps.sh installs them)")
        self.dir = tempfile.mkdtemp(prefix="zari-load-redis-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while self.cli("PING") != "PONG":
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise BenchError("redis-server did not start on port %d" % self.port)
            time.sleep(0.05)
        self.version = self.info("server").get("redis_version")

    def url(self) -> str:
        return "redis://127.0.0.1:%d" % self.port

    def cli(self, *args) -> str:
        r = subprocess.run(["redis-cli", "-p", str(self.port), "--raw"] + [str(a) for a in args],
                           capture_output=True, timeout=120)
        return r.stdout.decode().strip()

    def info(self, section: str):
        out = {}
        for line in self.cli("INFO", section).splitlines():
            k, sep, v = line.strip().partition(":")
            if sep:
                out[k] = v
        return out

    def used_memory(self) -> int:
        return int(self.info("memory")["used_memory"])

    def count(self, pattern: str) -> int:
        """Keys matching pattern (SCAN, not KEYS: the server stays responsive)."""
        r = subprocess.run(["redis-cli", "-p", str(self.port), "--scan", "--pattern", pattern],
                           capture_output=True, timeout=300)
        return len(r.stdout.splitlines())

    def cpu_s(self) -> float:
        return proc_cpu_s(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- wrk and the load client -----------------------------------------------

def run_wrk(url, connections, seconds, script=None, script_args=(), threads=None, extra=()):
    """Runs wrk; returns its WRK_JSON (when the script prints it), its
    summary line figures and its own CPU seconds."""
    threads = threads or (1 if connections == 1 else 2)
    cmd = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % max(1, round(seconds)), "--latency", "--timeout", "10s"]
    cmd += list(extra)
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if script_args:
        cmd += ["--"] + [str(a) for a in script_args]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    out, err = p.stdout.read().decode(), p.stderr.read().decode()
    p.stdout.close()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise BenchError("wrk failed: %s\n%s%s" % (" ".join(cmd), out, err))
    result = {"command": " ".join(cmd), "wall_s": wall, "wrk_cpu_s": ru.ru_utime + ru.ru_stime, "stdout": out}
    m = re.search(r"^WRK_JSON (\{.*\})$", out, re.M)
    if m:
        result.update(json.loads(m.group(1)))
    else:
        result.update(parse_wrk_text(out))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def _us(value: str, unit: str) -> float:
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6}[unit]


def parse_wrk_text(out: str):
    """wrk's own report (no script, or a script without done())."""
    r = {"errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}, "latency_us": {}}
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", out)
    if not m:
        raise BenchError("cannot read wrk's report:\n" + out)
    r["requests"], r["duration_us"] = int(m.group(1)), _us(m.group(2), m.group(3))
    for pct, key in (("50", "p50"), ("75", "p75"), ("90", "p90"), ("99", "p99")):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % pct, out, re.M)
        if m:
            r["latency_us"][key] = _us(m.group(1), m.group(2))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r["errors"].update(connect=int(m.group(1)), read=int(m.group(2)), write=int(m.group(3)),
                           timeout=int(m.group(4)))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["errors"]["status"] = int(m.group(1))
    return r


def find_client(explicit, out: Path) -> Path:
    """The load client: --client, else built from load_client.cc into OUT/bin."""
    if explicit:
        return Path(explicit)
    src = HERE / "load_client.cc"
    exe = out / "bin" / "zari_load_client"
    if exe.is_file() and exe.stat().st_mtime >= src.stat().st_mtime:
        return exe
    cxx = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")
    if not cxx:
        raise BenchError("no C++ compiler to build %s (or pass --client)" % src)
    exe.parent.mkdir(parents=True, exist_ok=True)
    log("building %s" % exe)
    subprocess.run([cxx, "-O2", "-std=c++20", "-o", str(exe), str(src)], check=True)
    return exe
