# Writes to /tmp until the tmpfs is full (ENOSPC), then removes the file; event["probe"] only
# checks that /tmp is writable.
import errno
import os


def lambda_handler(event, context):
    path = "/tmp/fill"
    if event.get("probe"):
        with open("/tmp/probe", "w") as f:
            f.write("ok")
        os.remove("/tmp/probe")
        return {"writable": True}
    written = 0
    chunk = b"\0" * (1024 * 1024)
    err = None
    try:
        with open(path, "wb") as f:
            while True:
                f.write(chunk)
                f.flush()
                written += len(chunk)
    except OSError as e:
        err = e.errno
    # the partial last write may have been accepted in part
    size = os.path.getsize(path)
    os.remove(path)
    print("filled /tmp: %d bytes, errno %s (%s)" % (size, err, errno.errorcode.get(err)))
    return {"errno": err, "bytes": size}
