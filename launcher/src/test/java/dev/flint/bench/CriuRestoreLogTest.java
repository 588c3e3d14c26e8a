package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CriuRestoreLogTest {
    /** Lines of a real restore.log of hello-python (CRIU 4.2.1, -v4), most lines left out. */
    static final List<String> LOG = List.of(
            "Warn  (criu/config.c:1063): --network-lock will be ignored in restore command",
            "(00.000000) Network lock method from dump will be used in restore",
            "(00.001647) Running pre-restore scripts",
            "(00.001697) \t[/work/build/native/flint-criu-action]",
            "(00.002700) net: Saved netns fd for links restore",
            "(00.004500) Running setup-namespaces scripts",
            "(00.004522) \t[/work/build/native/flint-criu-action]",
            "(00.005400)      1: cg: setting cgns prefix to /flint/15725-5",
            "(00.010495)      1: mnt-v2: \tMounting tmpfs @82 (0)",
            "(00.010600) uns: daemon calls 0x5632ab4ebee0 (15891, 18, 0)",
            "(00.013118)      1: uns: calling apply_sb_flags (18, 0)",
            "(00.013918)      1: mnt-v2: \tMounting tmpfs @83 (0)",
            "(00.016418)      1: mnt-v2: Create plain mountpoint /tmp/.criu.mntns.x/mnt-0000000083 for 83",
            "(00.025142) Running post-setup-namespaces scripts",
            "(00.025169) \t[/work/build/native/flint-criu-action]",
            "(00.026000)      1: Preparing info about shared resources",
            "(00.029621) pie: 2: Preadv 0x41f000:4096... (63 iovs)",
            "(00.029700) pie: 1: Restoring creds",
            "(00.032365) pie: 2: `- returned 6041600",
            "(00.033650) pie: 1: Preadv 0x401000:4096... (12 iovs)",
            "(00.033712) pie: 1: `- returned 90112",
            "(00.035036) Running post-restore scripts",
            "(00.035050) \t[/work/build/native/flint-criu-action]",
            "(00.036000) mnt: Switching to new ns to clean ghosts",
            "(00.038703) Running pre-resume scripts",
            "(00.038711) \t[/work/build/native/flint-criu-action]",
            "(00.039641) Restore finished successfully. Tasks resumed.",
            "(00.039744) Running post-resume scripts",
            "(00.039752) \t[/work/build/native/flint-criu-action]");

    @Test
    void stagesRunFromMarkerToMarker() {
        CriuRestoreLog log = CriuRestoreLog.parse(LOG);
        Map<String, Long> s = log.stagesMicros();
        assertEquals(List.of("CRIU start (kdat, image tree, cgroup yard)", "namespaces (userns, netns, mount images)",
                "mount tree", "tasks, files, sockets, memory",
                "finishing (ghosts, network unlock, TCP repair off, seccomp)", "resume"), List.copyOf(s.keySet()));
        assertEquals(1647, s.get("CRIU start (kdat, image tree, cgroup yard)"));
        assertEquals(4500 - 1647, s.get("namespaces (userns, netns, mount images)"));
        assertEquals(25142 - 4500, s.get("mount tree"));
        assertEquals(35036 - 25142, s.get("tasks, files, sockets, memory"));
        assertEquals(38703 - 35036, s.get("finishing (ghosts, network unlock, TCP repair off, seccomp)"));
        assertEquals(39641 - 38703, s.get("resume"));
        assertEquals(39752, log.spanMicros());
    }

    @Test
    void actionRunsTmpfsMountsAndPageReadsAreSummed() {
        CriuRestoreLog log = CriuRestoreLog.parse(LOG);
        // each action run lasts until the next line; the last one ends the log and is not timed
        assertEquals(5, log.actionRuns());
        assertEquals((2700 - 1697) + (5400 - 4522) + (26000 - 25169) + (36000 - 35050) + (39641 - 38711),
                log.actionMicros());
        // a tmpfs mount ends at the next line of its own task (1), not at the daemon's line between
        assertEquals(2, log.tmpfsMounts());
        assertEquals((13118 - 10495) + (16418 - 13918), log.tmpfsMicros());
        // page reads pair by task: task 1's line between does not end task 2's read
        assertEquals(2, log.pageReads());
        assertEquals((32365 - 29621) + (33712 - 33650), log.pageMicros());
        assertEquals(6041600 + 90112, log.pageBytes());
    }

    @Test
    void aLogWithoutMarkersHasNoStages() {
        CriuRestoreLog log = CriuRestoreLog.parse(List.of("(00.000100) Version: 4.2.1", "not a log line"));
        assertEquals(Map.of(), log.stagesMicros());
        assertEquals(100, log.spanMicros());
        assertEquals(0, log.actionRuns());
    }
}
