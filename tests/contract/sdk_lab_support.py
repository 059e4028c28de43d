"""The harness of the SDK contract test: the lab as a child process, name resolution of
*.localhost inside this process, and a ledger of SDK calls and how each behaved.

Only 127.0.0.1 is ever reached: every proxy variable points at a dead port on loopback
(NO_PROXY lets only the lab through), and `NAME.vault.localhost` resolves to 127.0.0.1 in
this process alone (Python's resolver does not know RFC 6761's .localhost here).
"""

import json
import os
import socket
import subprocess
import sys
import time
import traceback

_real_getaddrinfo = socket.getaddrinfo


def _lab_getaddrinfo(host, *args, **kwargs):
    """Resolves localhost and every *.localhost name to 127.0.0.1 (IPv4 only: the lab
    listens on 127.0.0.1); any other name as the system does."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if isinstance(host, str) and (host.lower() == "localhost" or host.lower().endswith(".localhost")):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


def confine_to_loopback():
    """Resolves *.localhost to 127.0.0.1 and sends anything else to a dead proxy."""
    socket.getaddrinfo = _lab_getaddrinfo
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        os.environ[name] = "http://127.0.0.1:9"
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


class Lab:
    """`dftriage lab serve` over HTTPS, seeded from `seeds`; `connection` is its first line."""

    def __init__(self, binary, seeds, work):
        self.record = os.path.join(work, "traffic.ndjson")
        self.stderr = open(os.path.join(work, "lab.err"), "w")
        argv = [binary, "lab", "serve", "--https", "--state-dir", os.path.join(work, "lab"),
                "--retry-after", "0", "--record", self.record]
        for seed in seeds:
            argv += ["--seed", seed]
        try:
            self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.stderr,
                                            text=True)
        except OSError as error:
            self.stderr.close()
            raise RuntimeError("cannot run %s: %s" % (binary, error)) from None
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("the lab did not start: " + open(self.stderr.name).read())
        self.connection = json.loads(line)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.stderr.close()

    def recorded_urls(self):
        urls = []
        if os.path.exists(self.record):
            with open(self.record) as f:
                for line in f:
                    if line.strip():
                        urls.append(json.loads(line)["liveRequest"]["url"])
        return urls


class Ledger:
    """Each SDK call made and whether it behaved as Azure does."""

    def __init__(self):
        self.calls = []  # (name, ok, detail)
        self.started = time.monotonic()

    def call(self, name, make, expect=lambda result: None):
        """Makes one SDK call (`make()`); `expect(result)` returns what differs from Azure
        (None or "" when nothing does) or raises AssertionError. Returns the result, or
        None when the call raised."""
        try:
            result = make()
        except Exception as error:  # the SDK's HttpResponseError and anything else
            self._note(name, False, "raised " + _describe(error))
            return None
        try:
            problem = expect(result)
        except Exception as error:
            problem = _describe(error) or "assertion failed"
            if not isinstance(error, AssertionError):
                problem += "\n" + traceback.format_exc(limit=3)
        self._note(name, not problem, problem or "")
        return result

    def refused(self, name, make, status, code):
        """Makes one SDK call that Azure refuses with HTTP `status` and ARM error `code`."""
        try:
            make()
        except Exception as error:
            got_status = getattr(error, "status_code", None)
            got_code = getattr(getattr(error, "error", None), "code", None)
            ok = got_status == status and (code is None or got_code == code)
            self._note(name, ok, "" if ok else
                       "expected %s %s, got %s %s: %s" % (status, code, got_status, got_code,
                                                           _describe(error)))
            return
        self._note(name, False, "expected %s %s, the call succeeded" % (status, code))

    def _note(self, name, ok, detail):
        self.calls.append((name, ok, detail))
        print("%s  %s%s" % ("ok  " if ok else "FAIL", name, "" if ok else ": " + detail),
              flush=True)

    def summary(self):
        good = sum(1 for _, ok, _ in self.calls if ok)
        print("%d SDK calls, %d behaved as Azure does, %d did not (%.1f s)"
              % (len(self.calls), good, len(self.calls) - good, time.monotonic() - self.started))
        return good == len(self.calls)


def _describe(error):
    text = "%s: %s" % (type(error).__name__, error)
    return text if len(text) < 600 else text[:600] + "…"


def skip(reason):
    print("SKIPPED: " + reason)
    sys.exit(77)
