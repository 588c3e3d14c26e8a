package dev.flint.cgroup;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A privileged test: needs root and, when {@link #cgroups()} is set, that cgroup version on the
 * host. Without them the test is disabled with the reason, except under {@code CI=true}, where a
 * missing capability fails the run (CI must exercise every tier).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("privileged")
@ExtendWith(RequiresRootCondition.class)
public @interface RequiresRoot {

  /** Cgroup versions the test can run on; empty means any. */
  CgroupVersion[] cgroups() default {};
}
