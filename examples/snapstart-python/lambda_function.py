"""A SnapStart function: an Init worth snapshotting, and both kinds of runtime hooks.

Init makes a random token, notes the wall-clock time, sleeps 1 s (standing in for slow set-up)
and logs `INIT ran <token>`. With SnapStart that happens once, when a version is published;
every env restored from the snapshot answers with the same token and init_time, and has run
the after-restore hook (restores == 1) but not Init. An env that ran its own Init (on-demand,
$LATEST) has restores == 0.

FAIL_BEFORE_SNAPSHOT=1 / FAIL_AFTER_RESTORE=1 in the function's environment make the hooks
raise, so the failure paths can be tested with this same function (Runtime.BeforeSnapshotError,
exit 64 / Runtime.AfterRestoreError, exit 65). A restored env keeps the environment of the Init
that made the snapshot: set them before publishing.
"""

import os
import random
import secrets
import time

from snapshot_restore_py import register_after_restore, register_before_snapshot

TOKEN = secrets.token_hex(8)
INIT_TIME = time.time()
time.sleep(1)
restores = 0
hooks_seen = []
print("INIT ran " + TOKEN, flush=True)


@register_before_snapshot
def before_snapshot():
    hooks_seen.append("before_snapshot")
    print("before_snapshot ran for " + TOKEN, flush=True)
    if os.environ.get("FAIL_BEFORE_SNAPSHOT") == "1":
        raise RuntimeError("before_snapshot failed on purpose (FAIL_BEFORE_SNAPSHOT=1)")


@register_after_restore
def after_restore():
    global restores
    restores += 1
    hooks_seen.append("after_restore")
    print("after_restore #%d for %s in pid %d" % (restores, TOKEN, os.getpid()), flush=True)
    if os.environ.get("FAIL_AFTER_RESTORE") == "1":
        raise RuntimeError("after_restore failed on purpose (FAIL_AFTER_RESTORE=1)")


def lambda_handler(event, context):
    return {
        "token": TOKEN,
        "init_time": INIT_TIME,
        "restores": restores,
        "hooks_seen": hooks_seen,
        "pid": os.getpid(),
        "initialization_type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"),
        # Drawn now: after a restore the runtime has reseeded `random`, so two envs restored
        # from one snapshot give different values.
        "random": random.random(),
        "now": time.time(),
    }
