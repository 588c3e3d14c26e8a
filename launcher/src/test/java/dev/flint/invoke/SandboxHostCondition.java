package dev.flint.invoke;

import dev.flint.cgroup.Cgroups;
import dev.flint.image.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Probes the host for {@link RequiresSandboxHost}; under {@code CI=true} a missing capability is a failure. */
final class SandboxHostCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresSandboxHost> annotation = context.getElement()
                .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresSandboxHost.class));
        if (annotation.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @RequiresSandboxHost");
        }
        List<String> missing = missing(annotation.get());
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("root, cgroups, native library and images available");
        }
        String reason = String.join("; ", missing);
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but this host cannot run sandbox tests: " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    private static List<String> missing(RequiresSandboxHost annotation) {
        List<String> missing = new ArrayList<>();
        if (!effectiveUidIsRoot()) {
            missing.add("needs root (effective uid 0)");
            return missing; // nothing else can be probed without it
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
        ImageStore images = new ImageStore(SandboxStack.IMAGES);
        for (String image : annotation.images()) {
            if (images.find(image).isEmpty()) {
                missing.add("needs image " + image + " in " + SandboxStack.IMAGES + " (flint image build " + image + ")");
            }
        }
        return missing;
    }

    /** /proc/self/status "Uid: real effective saved fs". */
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
