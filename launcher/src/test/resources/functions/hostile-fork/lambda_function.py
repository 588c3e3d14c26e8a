# A fork bomb: every process forks for as long as it can, forever. pids.max stops the growth;
# the function timeout ends the invoke.
import os
import time


def lambda_handler(event, context):
    failures = 0
    children = 0
    while True:
        try:
            pid = os.fork()
        except OSError as e:
            failures += 1
            if failures == 1:
                print("fork failed after %d children: %s" % (children, e), flush=True)
            time.sleep(0.01)
            continue
        if pid == 0:
            children = 0
            failures = 2  # children stay quiet
            continue
        children += 1
