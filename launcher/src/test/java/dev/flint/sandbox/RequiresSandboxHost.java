package dev.flint.sandbox;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A privileged integration test: needs Linux, root, usable cgroups (v1 or v2) and the built
 * libflint.so + flint-init. Disabled with the reason when the host lacks one of them; under
 * {@code CI=true} a missing capability fails the test instead (CI must run every tier).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("privileged")
@ExtendWith(SandboxHostCondition.class)
public @interface RequiresSandboxHost {}
