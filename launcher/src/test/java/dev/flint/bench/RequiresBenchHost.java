package dev.flint.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A privileged bench test: needs root, usable cgroups, the native library and flint-init, the
 * python3.11 image and, with {@link #criu()}, CRIU 4.2 or newer. Without them it is disabled with
 * the reason, except under {@code CI=true}, where a missing capability fails the run (style §3.6).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("privileged")
@ExtendWith(BenchHostCondition.class)
@interface RequiresBenchHost {

    /** The test makes SnapStart snapshots (restore mode). */
    boolean criu() default false;
}
