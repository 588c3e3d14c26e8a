# Touches 300 MB: at 128 MB the cgroup's OOM killer ends the runtime.
def lambda_handler(event, context):
    chunks = []
    for _ in range(300):
        chunks.append(b"\x01" * (1024 * 1024))
    return {"allocated_mb": len(chunks)}
