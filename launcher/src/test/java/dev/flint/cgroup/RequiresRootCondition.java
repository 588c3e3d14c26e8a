package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Probes the host for {@link RequiresRoot}: effective uid 0 and the wanted cgroup version. */
final class RequiresRootCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<RequiresRoot> annotation =
        context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresRoot.class));
    if (annotation.isEmpty()) {
      return ConditionEvaluationResult.enabled("no @RequiresRoot");
    }
    Optional<String> missing = missingCapability(annotation.get());
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("root and cgroups available");
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but this host cannot run privileged tests: " + missing.get());
    }
    return ConditionEvaluationResult.disabled(missing.get());
  }

  private static Optional<String> missingCapability(RequiresRoot annotation) {
    if (!effectiveUidIsRoot()) {
      return Optional.of("needs root (effective uid 0)");
    }
    CgroupVersion[] wanted = annotation.cgroups();
    if (wanted.length == 0) {
      return Optional.empty();
    }
    CgroupVersion found;
    try {
      found = Cgroups.detect().version();
    } catch (CgroupException e) {
      return Optional.of("no usable cgroups: " + e.getMessage());
    }
    if (Arrays.asList(wanted).contains(found)) {
      return Optional.empty();
    }
    return Optional.of("needs cgroup " + Arrays.toString(wanted) + ", host uses " + found);
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
