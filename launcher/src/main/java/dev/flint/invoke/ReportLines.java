package dev.flint.invoke;

import java.util.Locale;

/** Lambda's platform log lines; fields are TAB-separated and REPORT ends with a TAB (contract §5). */
final class ReportLines {
    private ReportLines() {}

    static String start(String requestId, String version) {
        return "START RequestId: " + requestId + " Version: " + version;
    }

    static String end(String requestId) {
        return "END RequestId: " + requestId;
    }

    /** Duration and Init Duration with 2 decimals; Billed Duration rounded up to 1 ms. */
    static String report(String requestId, long durationNanos, int memoryMb, long maxMemoryBytes, long initNanos,
            String status, String errorType) {
        return report(requestId, durationNanos, memoryMb, maxMemoryBytes, initNanos, null, status, errorType);
    }

    /**
     * @param restored a SnapStart cold start: {@code Restore Duration} and {@code Billed Restore
     *     Duration} (the runtime's after-restore part, rounded up to 1 ms) instead of Init Duration
     */
    static String report(String requestId, long durationNanos, int memoryMb, long maxMemoryBytes, long initNanos,
            InitResult.Restored restored, String status, String errorType) {
        double ms = durationNanos / 1e6;
        StringBuilder b = new StringBuilder(160);
        b.append("REPORT RequestId: ").append(requestId)
                .append("\tDuration: ").append(String.format(Locale.ROOT, "%.2f", ms)).append(" ms")
                .append("\tBilled Duration: ").append((long) Math.ceil(ms)).append(" ms")
                .append("\tMemory Size: ").append(memoryMb).append(" MB")
                .append("\tMax Memory Used: ").append(Math.max(1, Math.round(maxMemoryBytes / 1048576.0))).append(" MB")
                .append('\t');
        if (initNanos > 0) {
            b.append("Init Duration: ").append(String.format(Locale.ROOT, "%.2f", initNanos / 1e6)).append(" ms\t");
        }
        if (restored != null) {
            b.append("Restore Duration: ").append(String.format(Locale.ROOT, "%.2f", restored.durationNanos() / 1e6))
                    .append(" ms\tBilled Restore Duration: ").append((long) Math.ceil(restored.hooksNanos() / 1e6))
                    .append(" ms\t");
        }
        if (status != null) {
            b.append("Status: ").append(status).append('\t');
            // contract §5: "Status: timeout" stands alone; Error Type follows only "Status: error"
            if (errorType != null && !"timeout".equals(status)) {
                b.append("Error Type: ").append(errorType).append('\t');
            }
        }
        return b.toString();
    }

    /** After every Restore phase; Status and Error Type only when it failed (contract §5). */
    static String restoreReport(long restoreNanos, String status, String errorType) {
        String s = String.format(Locale.ROOT, "RESTORE_REPORT Restore Duration: %.2f ms", restoreNanos / 1e6);
        if (status == null) {
            return s;
        }
        s += "\tStatus: " + status;
        return errorType == null || "timeout".equals(status) ? s : s + "\tError Type: " + errorType;
    }

    static String initReport(long initNanos, String status, String errorType) {
        String s = String.format(Locale.ROOT, "INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: %s", initNanos / 1e6,
                status);
        return errorType == null || "timeout".equals(status) ? s : s + "\tError Type: " + errorType;
    }
}
