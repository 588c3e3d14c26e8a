package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTableTest {
    @TempDir
    Path dir;

    @Test
    void hyperfineTimesAreSecondsPerRun() throws IOException {
        Path f = dir.resolve("h.json");
        Files.writeString(f, "{\"results\":[{\"command\":\"x\",\"times\":[0.004,0.002,0.003,0.010],"
                + "\"exit_codes\":[0,0,0,0]}]}");
        CompareTable.Row r = CompareTable.hyperfineRow("bwrap", f);
        assertEquals(4, r.times().count());
        assertEquals(3_000_000, r.times().p50());
        assertEquals(10_000_000, r.times().p99());
    }

    @Test
    void aFailedRunIsRefused() throws IOException {
        Path f = dir.resolve("h.json");
        Files.writeString(f, "{\"results\":[{\"times\":[0.001,0.002],\"exit_codes\":[0,1]}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompareTable.hyperfineRow("runc run", f));
        assertTrue(e.getMessage().contains("exited with 1"), e.getMessage());
    }

    @Test
    void flintRowUsesTheRawSamples() throws IOException {
        Path f = dir.resolve("f.json");
        Files.writeString(f, "{\"create_exit_samples_ns\":[2000000,1000000,3000000]}");
        CompareTable.Row r = CompareTable.flintRow("flint", f);
        assertEquals(2_000_000, r.times().p50());
        assertEquals("| tool | n | p50 ms | p99 ms |\n|---|---:|---:|---:|\n| flint | 3 | 2.000 | 3.000 |\n",
                CompareTable.markdown(List.of(r)));
    }
}
