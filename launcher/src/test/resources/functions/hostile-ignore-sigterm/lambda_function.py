# Ignores SIGTERM, and leaves a daemonised grandchild (own session, SIGTERM ignored too) that
# outlives the invoke. Shutting the env down must still end both.
import os
import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)


def lambda_handler(event, context):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            os.closerange(0, 1024)
            while True:
                time.sleep(1)
        os._exit(0)
    os.waitpid(pid, 0)
    return {"ignoring": "SIGTERM"}
