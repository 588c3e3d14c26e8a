package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.cli.FlintCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCompareTest {
    @TempDir
    Path tmp;

    @Test
    void ratiosOfTwoRunsThroughTheCli() throws Exception {
        BenchOutput.write(BenchFixtures.result(List.of(1769), 10, 100, 30, 0.4), tmp.resolve("a"));
        BenchOutput.write(BenchFixtures.result(List.of(1769), 10, 100, 60, 0.2), tmp.resolve("b"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FlintCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("bench", "--compare", tmp.resolve("a").resolve(BenchOutput.SUMMARY_JSON).toString(),
                tmp.resolve("b").toString());
        assertEquals(0, code, err.toString());
        String o = out.toString();
        assertTrue(o.matches("(?s).*\\| 1769 \\| cold \\| round_trip \\| [0-9.]+ \\| [0-9.]+ \\| 1\\.9\\d\\d \\|.*"), o);
        assertTrue(o.matches("(?s).*\\| 1769 \\| warm \\| round_trip \\| [0-9.]+ \\| [0-9.]+ \\| 0\\.5\\d\\d \\|.*"), o);
        assertTrue(o.contains("disjoint"), o);
    }

    @Test
    void badInputIsExit2() {
        assertEquals(2, exit("bench"), "no TARGET");
        assertEquals(2, exit("bench", "examples/hello-python", "--concurrency", "0"));
        assertEquals(2, exit("bench", "examples/hello-python", "--cold", "0", "--warm", "0"));
        assertEquals(2, exit("bench", "--compare", tmp.resolve("missing.json").toString(), tmp.resolve("x").toString()));
    }

    private static int exit(String... args) {
        CommandLine cl = FlintCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }
}
