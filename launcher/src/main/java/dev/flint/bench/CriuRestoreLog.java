package dev.flint.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stages of one {@code criu restore}, read from its log's timestamps ({@code -v4} prefixes
 * every line with {@code (SS.uuuuuu)}, seconds since CRIU started). CRIU runs the action script
 * at fixed points of a restore, and those lines mark the stages:
 *
 * <pre>
 * start            → pre-restore            kdat cache, image tree, cgroup yard
 * pre-restore      → setup-namespaces       user and net namespaces, reading the mount images
 * setup-namespaces → post-setup-namespaces  the mount tree (tmpfs contents are unpacked by tar)
 * post-setup-ns    → post-restore           forking the tree, files, sockets, memory (page reads)
 * post-restore     → pre-resume             ghost files, network unlock, TCP repair off, seccomp
 * pre-resume       → "Restore finished"     resuming the tasks
 * </pre>
 *
 * Three costs that cut across the stages are summed separately: the action script's runs, the
 * tmpfs mounts (each line "Mounting tmpfs" to the next line of that task) and the page reads
 * ("Preadv" to its "returned" line). A stage whose marker is missing is left out.
 *
 * @param stagesMicros stage name → duration, in restore order
 * @param spanMicros   the last timestamp of the log: CRIU's own view of the restore
 * @param actionRuns   how often the action script ran
 * @param actionMicros the action script's runs, summed
 * @param tmpfsMounts  tmpfs mounts restored
 * @param tmpfsMicros  their time, summed
 * @param pageReads    page reads ({@code preadv} calls of the restorer)
 * @param pageMicros   their time, summed
 * @param pageBytes    bytes they read
 */
public record CriuRestoreLog(Map<String, Long> stagesMicros, long spanMicros, int actionRuns, long actionMicros,
        int tmpfsMounts, long tmpfsMicros, int pageReads, long pageMicros, long pageBytes) {

    /** Stage names, in order, and the marker line that ends each. */
    static final List<String[]> STAGES = List.of(
            new String[] {"CRIU start (kdat, image tree, cgroup yard)", "Running pre-restore scripts"},
            new String[] {"namespaces (userns, netns, mount images)", "Running setup-namespaces scripts"},
            new String[] {"mount tree", "Running post-setup-namespaces scripts"},
            new String[] {"tasks, files, sockets, memory", "Running post-restore scripts"},
            new String[] {"finishing (ghosts, network unlock, TCP repair off, seccomp)", "Running pre-resume scripts"},
            new String[] {"resume", "Restore finished successfully"});
    private static final Pattern LINE = Pattern.compile("^\\((\\d+)\\.(\\d{6})\\)\\s*(.*)$");
    private static final Pattern TASK = Pattern.compile("^(?:pie: )?(\\d+): ");
    private static final Pattern RETURNED = Pattern.compile("`- returned (\\d+)");

    public CriuRestoreLog {
        stagesMicros = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stagesMicros));
    }

    /** Parses the log's lines; lines without a timestamp (warnings) are skipped. */
    public static CriuRestoreLog parse(List<String> lines) {
        Map<String, Long> marks = new LinkedHashMap<>();
        long last = 0;
        long prev = -1;
        String prevText = null;
        int actionRuns = 0;
        long actionMicros = 0;
        int tmpfs = 0;
        long tmpfsMicros = 0;
        int reads = 0;
        long readMicros = 0;
        long readBytes = 0;
        Map<String, Long> tmpfsOpen = new LinkedHashMap<>();
        Map<String, Long> readOpen = new LinkedHashMap<>();
        for (String raw : lines) {
            Matcher m = LINE.matcher(raw);
            if (!m.matches()) {
                continue;
            }
            long t = Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2));
            String text = m.group(3);
            last = Math.max(last, t);
            if (prevText != null && isActionRun(prevText)) {
                actionRuns++;
                actionMicros += t - prev;
            }
            for (String[] stage : STAGES) {
                if (!marks.containsKey(stage[1]) && text.startsWith(stage[1])) {
                    marks.put(stage[1], t);
                }
            }
            String task = task(text);
            Long open = tmpfsOpen.remove(task);
            if (open != null) {
                tmpfs++;
                tmpfsMicros += t - open;
            }
            if (text.contains("Mounting tmpfs @")) {
                tmpfsOpen.put(task, t);
            }
            Matcher ret = RETURNED.matcher(text);
            Long read = readOpen.get(task);
            if (read != null && ret.find()) {
                readOpen.remove(task);
                reads++;
                readMicros += t - read;
                readBytes += Long.parseLong(ret.group(1));
            }
            if (text.contains("Preadv ")) {
                readOpen.put(task, t);
            }
            prev = t;
            prevText = text;
        }
        Map<String, Long> stages = new LinkedHashMap<>();
        long from = 0;
        for (String[] stage : STAGES) {
            Long at = marks.get(stage[1]);
            if (at == null) {
                continue;
            }
            stages.put(stage[0], at - from);
            from = at;
        }
        return new CriuRestoreLog(stages, last, actionRuns, actionMicros, tmpfs, tmpfsMicros, reads, readMicros,
                readBytes);
    }

    /** CRIU logs each run of the action script as a line holding only the script's path in brackets. */
    private static boolean isActionRun(String text) {
        return text.startsWith("[/") && text.endsWith("]");
    }

    /** The restoring task a line is from ("1: mnt-v2: …", "pie: 2: …"), or "" for CRIU's main process. */
    private static String task(String text) {
        Matcher m = TASK.matcher(text);
        return m.find() ? m.group(1) : "";
    }
}
