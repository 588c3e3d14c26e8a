# Init work a restore must not repeat: a token drawn once, a counter, and a log line.
import os
import time

TOKEN = os.urandom(8).hex()
INIT_PID = os.getpid()
INIT_AT = time.time()
time.sleep(1)  # Init work that a restore must not repeat
print("INIT ran " + TOKEN, flush=True)
calls = 0


def lambda_handler(event, context):
    global calls
    calls += 1
    return {"token": TOKEN, "calls": calls, "init_at": INIT_AT, "pid": os.getpid(), "init_pid": INIT_PID}
