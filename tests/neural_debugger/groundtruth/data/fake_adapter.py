"""A tiny stand-in debug adapter for the DAP client's tests: speaks DAP framing over stdio."""

import json
import subprocess
import sys

seq = 0


def send(message):
    global seq
    seq += 1
    message["seq"] = seq
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def read():
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        if not line.strip():
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(sys.stdin.buffer.read(length))


def respond(request, success=True, body=None, message=None):
    reply = {"type": "response", "request_seq": request["seq"], "command": request["command"], "success": success}
    if body is not None:
        reply["body"] = body
    if message:
        reply["message"] = message
    send(reply)


while True:
    request = read()
    if request is None:
        break
    command = request.get("command")
    if request.get("type") == "response":
        continue
    if command == "echo":
        respond(request, body=request.get("arguments", {}))
    elif command == "fail":
        respond(request, success=False, message="nope")
    elif command == "slow":
        pass
    elif command == "reverse":
        send({"type": "request", "command": "runInTerminal", "arguments": {"args": ["x"]}})
        answer = read()
        respond(request, body={"reverse_success": answer["success"]})
    elif command == "events":
        send({"type": "event", "event": "output", "body": {"category": "telemetry", "output": "t"}})
        send({"type": "event", "event": "output", "body": {"category": "stdout", "output": "hi\n"}})
        send({"type": "event", "event": "ping", "body": {"n": 1}})
        respond(request)
    elif command == "spawn":
        child = subprocess.Popen(["sleep", "60"])
        respond(request, body={"pid": child.pid})
    elif command == "quit":
        respond(request)
        break
