package dev.flint.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flint.image.Image;
import dev.flint.probe.ProbeReport;
import dev.flint.probe.ProbeTable;
import dev.flint.probe.Prober;
import dev.flint.sandbox.Isolation;
import dev.flint.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flint probe}: the isolation report, measured from inside a sandbox. */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a battery of checks from inside a sandbox and print: check | expected | seen | result.",
            "Tries what a hostile function would: see other processes and the host's files; mount,",
            "pivot_root, unshare, setns, ptrace; raw and packet sockets, egress; the kernel keyring,",
            "modules, bpf; writes to /proc/sys, cgroupfs, /sys; mknod; and reads the capability sets,",
            "no_new_privs, seccomp, the uid on the host, and measures the memory, CPU, pids and /tmp limits.",
            "Exit code: 0 when every check passes (or with --matrix), 1 otherwise."
        })
final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--image", defaultValue = "provided", paramLabel = "NAME", description = "image (default: ${DEFAULT-VALUE})")
    String image;

    @Option(names = "--memory", defaultValue = "128", paramLabel = "MB", description = "memory limit (default: ${DEFAULT-VALUE})")
    int memoryMb;

    @Option(names = "--tmp-size", defaultValue = "64", paramLabel = "MB", description = "size of /tmp (default: ${DEFAULT-VALUE})")
    int tmpMb;

    @Option(names = "--user", defaultValue = "993", paramLabel = "UID[:GID]",
            description = "uid inside (default: ${DEFAULT-VALUE}, the function's; 0 probes as root)")
    String user;

    @Mixin
    SandboxRunCommand.IsolationOptions isolation = new SandboxRunCommand.IsolationOptions();

    @Option(names = "--json", description = "print the results as JSON")
    boolean json;

    @Option(names = "--matrix", description = "run under default, no seccomp, no userns and host network, side by side")
    boolean matrix;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        int[] ids = SandboxRunCommand.parseUser(user);
        Isolation iso = isolation.toIsolation();
        SandboxSpec.builder(List.of(Path.of("/")), List.of("probe")).memoryMb(memoryMb).tmpMb(tmpMb)
                .user(ids[0], ids[1]).isolation(iso).build();
        Host.requireRoot("flint probe");
        Image img = Host.images().require(image);
        SandboxSpec.Builder base = SandboxSpec.builder(img.layers(), List.of("probe")).env(img.config().env())
                .memoryMb(memoryMb).tmpMb(tmpMb).user(ids[0], ids[1]).isolation(iso);
        Prober prober = new Prober(Host.launcher(), Host.runDir());
        PrintWriter out = spec.commandLine().getOut();
        List<ProbeReport> reports;
        if (matrix) {
            Map<String, Isolation> settings = Prober.matrixSettings(iso);
            reports = prober.matrix(base, settings);
        } else {
            isolation.warn(iso);
            reports = List.of(prober.run("default", base.build()));
        }
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(m.writeValueAsString(matrix ? reports : reports.get(0)));
        } else {
            out.print(matrix ? ProbeTable.matrix(reports) : ProbeTable.single(reports.get(0)));
        }
        out.flush();
        return matrix || reports.get(0).allPass() ? 0 : 1;
    }
}
