package dev.flint.sandbox;

import dev.flint.cgroup.Cgroups;
import dev.flint.nativeffi.NativeLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Probes the host once for what {@link RequiresSandboxHost} needs. */
public final class SandboxHostCondition implements ExecutionCondition {
    private static volatile List<String> problems;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return decide(problems(), "true".equalsIgnoreCase(System.getenv("CI")));
    }

    /** Enabled when nothing is missing; else disabled with the reasons, or (on CI) a failure. */
    static ConditionEvaluationResult decide(List<String> problems, boolean ci) {
        if (problems.isEmpty()) {
            return ConditionEvaluationResult.enabled("host can run sandboxes");
        }
        String reason = "host cannot run sandboxes: " + String.join("; ", problems);
        if (ci) {
            throw new IllegalStateException("CI=true, so this is a failure, not a skip: " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    static synchronized List<String> problems() {
        if (problems == null) {
            problems = List.copyOf(probe());
        }
        return problems;
    }

    private static List<String> probe() {
        List<String> out = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            out.add("not Linux");
            return out;
        }
        if (!isRoot()) {
            out.add("not root (namespaces, cgroups and mounts need it; run with sudo)");
        }
        try {
            Cgroups.detect();
        } catch (RuntimeException e) {
            out.add("no usable cgroups: " + e.getMessage().lines().findFirst().orElse(""));
        }
        try {
            NativeLoader.nativeDir();
        } catch (RuntimeException e) {
            out.add(e.getMessage().lines().findFirst().orElse("libflint.so not found"));
        }
        return out;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
