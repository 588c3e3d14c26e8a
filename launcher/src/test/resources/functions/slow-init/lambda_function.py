# Module-level work beyond the 10 s on-demand Init limit; the suppressed Init (under the
# function timeout) then succeeds.
import time

time.sleep(12)


def lambda_handler(event, context):
    return {"initialised": True}
