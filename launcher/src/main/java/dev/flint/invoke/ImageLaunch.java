package dev.flint.invoke;

import java.util.List;

/**
 * How a {@code PackageType: Image} function starts, as Lambda starts a container image: the
 * ENTRYPOINT followed by the CMD (each overridable by the function's ImageConfig), the image's
 * environment under the function's and Lambda's variables, and its working directory. The code is
 * in the image, so nothing is bound at /var/task.
 *
 * @param argv    ENTRYPOINT + CMD, never empty
 * @param env     the image's {@code KEY=VALUE} entries
 * @param workdir absolute
 */
public record ImageLaunch(List<String> argv, List<String> env, String workdir) {
    public ImageLaunch {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("an image function needs an ENTRYPOINT or a CMD");
        }
    }
}
