package dev.flint.bench;

import dev.flint.cgroup.Cgroups;
import dev.flint.image.ImageStore;
import dev.flint.sandbox.Criu;
import dev.flint.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Probes the host for {@link RequiresBenchHost}; under {@code CI=true} a missing capability is a failure. */
final class BenchHostCondition implements ExecutionCondition {
    static final Path IMAGES = Path.of("/var/lib/flint/images");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean criu = context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresBenchHost.class))
                .map(RequiresBenchHost::criu).orElse(false);
        List<String> missing = missing(criu);
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("root, cgroups, native library and python3.11 image available"
                    + (criu ? ", and CRIU" : ""));
        }
        String reason = String.join("; ", missing);
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but this host cannot run the bench tests: " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    private static List<String> missing(boolean criu) {
        List<String> missing = new ArrayList<>();
        if (!effectiveUidIsRoot()) {
            missing.add("needs root (effective uid 0)");
            return missing;
        }
        Path nativeDir = Path.of(System.getProperty("flint.native.dir", "build/native"));
        for (String f : List.of("libflint.so", "flint-init")) {
            if (!Files.isRegularFile(nativeDir.resolve(f))) {
                missing.add("needs " + nativeDir.resolve(f) + " (cmake --build build/native)");
            }
        }
        try {
            Cgroups.detect();
        } catch (RuntimeException e) {
            missing.add("no usable cgroups: " + e.getMessage());
        }
        if (new ImageStore(IMAGES).find("python3.11").isEmpty()) {
            missing.add("needs image python3.11 in " + IMAGES + " (flint image build python3.11)");
        }
        if (criu) {
            try {
                Criu.locate();
            } catch (SandboxException e) {
                missing.add(e.getMessage() + (e.hint() != null ? " (" + e.hint() + ")" : ""));
            }
        }
        return missing;
    }

    private static boolean effectiveUidIsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
