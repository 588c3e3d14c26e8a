import time

# A CPU-bound handler for `flint bench --memory`: a pure-Python loop, single-threaded, no I/O.
# The default of 5_000_000 rounds takes about 200 ms of CPU on the reference host (one vCPU at
# 1769 MB); pass {"rounds": N} to change it. The response says how much CPU the loop used.


def lambda_handler(event, context):
    rounds = int((event or {}).get("rounds", 5_000_000))
    cpu0 = time.process_time()
    x = 0
    for i in range(rounds):
        x = (x + i * i) % 1_000_003
    return {"rounds": rounds, "result": x, "cpu_ms": round((time.process_time() - cpu0) * 1000, 1)}
