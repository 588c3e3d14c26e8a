package dev.flint.invoke;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A privileged test that runs functions in real sandboxes: needs root, usable cgroups, the
 * native library and flint-init, and the images {@link #images()} in /var/lib/flint/images.
 * Without them the test is disabled with the reason, except under {@code CI=true}, where the
 * missing capability fails the run (style §3.6).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("privileged")
@ExtendWith(SandboxHostCondition.class)
public @interface RequiresSandboxHost {

    /** Images the test runs functions on. */
    String[] images() default {"python3.11"};
}
