package dev.flint.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SnapStart snapshot that restore mode measured at one memory size, and what it cost to make:
 * the snapshot's Init (with {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}, as PublishVersion
 * runs it) and CRIU's checkpoint of the parked env.
 *
 * @param initNanos       the snapshot's Init Duration (env created → the runtime parked)
 * @param checkpointNanos CRIU's dump of the parked env (the manifest's dump time)
 * @param imageBytes      the size of the checkpoint's files (CRIU images and flint's manifest)
 * @param wallNanos       the whole snapshot: Init, parking, the dump and storing it
 * @param criuVersion     the CRIU that dumped it
 * @param restores        restores from it that answered, warm-up included; every one was checked to
 *                        be a restore (a cold start that ran Init instead fails the bench)
 */
public record SnapshotInfo(long initNanos, long checkpointNanos, long imageBytes, long wallNanos, String criuVersion,
        int restores) {

    SnapshotInfo withRestores(int n) {
        return new SnapshotInfo(initNanos, checkpointNanos, imageBytes, wallNanos, criuVersion, n);
    }

    /** One line for the table. */
    String line() {
        return String.format(Locale.ROOT, "snapshot: SnapStart Init %s ms, checkpoint (criu dump) %s ms, image %s MB,"
                + " %s ms in all (CRIU %s)", FunctionBenchResult.ms(initNanos), FunctionBenchResult.ms(checkpointNanos),
                FunctionBenchResult.mb(imageBytes), FunctionBenchResult.ms(wallNanos), criuVersion);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("init_ns", initNanos);
        m.put("checkpoint_ns", checkpointNanos);
        m.put("image_bytes", imageBytes);
        m.put("wall_ns", wallNanos);
        m.put("criu_version", criuVersion);
        m.put("restores_checked", restores);
        return m;
    }
}
