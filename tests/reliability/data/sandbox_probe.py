"""What user code can reach from inside a sandbox, printed as one JSON line.

Run as user code by the sandbox tests: called as `probe(outside, host_port, caller_pid)` in a
debugpy session, and as `python sandbox_probe.py OUTSIDE HOST_PORT CALLER_PID` under
`analyze --profile`. Every
attempt is caught, so one refused action does not hide the others.
"""

import errno
import json
import os
import socket
import sys
import tempfile
import time


def _error_name(error: OSError) -> str:
    return errno.errorcode.get(error.errno or 0, type(error).__name__)


def probe(outside: str, host_port: int, caller_pid: int) -> str:
    seen: dict[str, object] = {}
    started = time.monotonic()
    try:  # TEST-NET-1 (RFC 5737): never a real host
        socket.create_connection(("192.0.2.1", 9), timeout=5).close()
        seen["outbound"] = "connected"
    except OSError as error:
        seen["outbound"] = _error_name(error)
    seen["outbound_s"] = time.monotonic() - started
    try:  # a port the test listens on, in the caller's network namespace
        socket.create_connection(("127.0.0.1", host_port), timeout=5).close()
        seen["host_loopback"] = "connected"
    except OSError as error:
        seen["host_loopback"] = _error_name(error)
    with (  # its own loopback still works
        socket.create_server(("127.0.0.1", 0)) as server,
        socket.create_connection(server.getsockname()[:2], timeout=5) as client,
    ):
        peer, _ = server.accept()
        with peer:
            client.sendall(b"ping")
            seen["own_loopback"] = peer.recv(4).decode()
    try:
        with open(os.path.join(outside, "escaped.txt"), "w") as handle:
            handle.write("escaped")
        seen["outside"] = "written"
    except OSError as error:
        seen["outside"] = _error_name(error)
    handle_fd, scratch = tempfile.mkstemp()  # its run folder (TMPDIR) stays writable
    os.write(handle_fd, b"mine")
    os.close(handle_fd)
    seen["scratch_written"] = os.path.getsize(scratch) == 4
    seen["secret"] = os.environ.get("NEURODEBUG_TEST_API_TOKEN", "absent")
    seen["plain"] = os.environ.get("NEURODEBUG_TEST_PLAIN", "absent")
    try:  # the caller's own environment, through /proc
        with open(f"/proc/{caller_pid}/environ", "rb") as environ:
            seen["caller_environ"] = "read" if environ.read() else "empty"
    except OSError as error:
        seen["caller_environ"] = _error_name(error)
    with open("/proc/self/status", encoding="ascii") as status:
        seen["capabilities"] = next(
            line.split()[1] for line in status if line.startswith("CapEff:")
        )
    with open("/proc/self/cgroup", encoding="ascii") as groups:
        seen["pids_group"] = "neurodebug-sandbox-" in groups.read()
    print("PROBE " + json.dumps(seen), flush=True)
    return "probed"


if __name__ == "__main__":
    probe(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
