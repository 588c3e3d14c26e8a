# Opens up to event["count"] connections to the Runtime API (127.0.0.1:9001) and keeps them
# open (module level, so they outlive the invoke), then asks each for a response: relayed ones
# answer (HTTP 404 for an unknown path), refused ones are closed by the proxy.
import errno
import socket
import time

held = []


def lambda_handler(event, context):
    count = event.get("count", 5000)
    opened = 0
    errors = {}
    deadline = time.time() + 8
    for _ in range(count):
        if time.time() > deadline:
            errors["deadline"] = errors.get("deadline", 0) + 1
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(0.2)  # a full listen backlog drops the SYN: do not wait for its retry
        try:
            s.connect(("127.0.0.1", 9001))
        except OSError as e:
            s.close()
            name = errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__
            errors[name] = errors.get(name, 0) + 1
            if e.errno == errno.EMFILE:
                break
            continue
        held.append(s)
        opened += 1
    answered = 0
    refused = 0
    for s in held:
        try:
            s.settimeout(2)
            s.sendall(b"GET /hostile HTTP/1.1\r\nHost: x\r\n\r\n")
            data = s.recv(64)
            if data.startswith(b"HTTP/1.1"):
                answered += 1
            else:
                refused += 1
        except OSError:
            refused += 1
    print("connections: opened %d answered %d refused %d errors %s" % (opened, answered, refused, errors))
    return {"opened": opened, "answered": answered, "refused": refused, "errors": errors}
