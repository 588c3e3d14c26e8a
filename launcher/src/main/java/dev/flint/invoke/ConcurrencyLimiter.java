package dev.flint.invoke;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Lambda's concurrency model: an account limit shared by every function, of which reserved
 * concurrency carves out a private share per function. A function with a reservation may run that
 * many at once and never more; the others share what is left (account limit − all reservations).
 * An invoke beyond its share is refused at once (429), never queued.
 */
final class ConcurrencyLimiter {
    private final int accountLimit;
    private final IntSupplier totalReserved;
    private final Map<String, Integer> running = new HashMap<>();
    private int unreservedRunning;

    ConcurrencyLimiter(int accountLimit, IntSupplier totalReserved) {
        this.accountLimit = accountLimit;
        this.totalReserved = totalReserved;
    }

    int accountLimit() {
        return accountLimit;
    }

    /** One running invoke's slot; closing it gives the slot back (exactly once). */
    final class Permit implements AutoCloseable {
        private final String function;
        private final boolean unreserved;
        private boolean released;

        private Permit(String function, boolean unreserved) {
            this.function = function;
            this.unreserved = unreserved;
        }

        @Override
        public void close() {
            synchronized (ConcurrencyLimiter.this) {
                if (released) {
                    return;
                }
                released = true;
                int mine = running.getOrDefault(function, 0);
                if (mine <= 1) {
                    running.remove(function);
                } else {
                    running.put(function, mine - 1);
                }
                if (unreserved) {
                    unreservedRunning--;
                }
            }
        }
    }

    /** Takes a slot or throws 429 with the Reason that applies. */
    synchronized Permit acquire(String function, Integer reserved) {
        int mine = running.getOrDefault(function, 0);
        if (reserved != null) {
            if (mine >= reserved) {
                throw new TooManyRequestsException(TooManyRequestsException.RESERVED_LIMIT);
            }
        } else {
            int unreserved = Math.max(0, accountLimit - totalReserved.getAsInt());
            if (unreservedRunning >= unreserved) {
                throw new TooManyRequestsException(TooManyRequestsException.ACCOUNT_LIMIT);
            }
            unreservedRunning++;
        }
        running.put(function, mine + 1);
        return new Permit(function, reserved == null);
    }

    synchronized int running(String function) {
        return running.getOrDefault(function, 0);
    }
}
