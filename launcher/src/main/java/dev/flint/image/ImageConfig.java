package dev.flint.image;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start a process in the image: environment ({@code KEY=VALUE}), entrypoint and cmd
 * (argv parts, entrypoint first, as in OCI), and the working directory.
 */
public record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String workdir) {
    public ImageConfig {
        env = List.copyOf(env == null ? List.of() : env);
        entrypoint = List.copyOf(entrypoint == null ? List.of() : entrypoint);
        cmd = List.copyOf(cmd == null ? List.of() : cmd);
        workdir = workdir == null || workdir.isEmpty() ? "/" : workdir;
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new ImageException("invalid env entry '" + e + "': expected KEY=VALUE");
            }
        }
        if (!workdir.startsWith("/")) {
            throw new ImageException("invalid workdir '" + workdir + "': must be absolute");
        }
    }

    /** The environment as an ordered map. */
    public Map<String, String> envMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : env) {
            int i = e.indexOf('=');
            m.put(e.substring(0, i), e.substring(i + 1));
        }
        return m;
    }

    /**
     * This config on top of {@code base}: env entries override the base's by key (base order
     * kept, new keys appended); entrypoint, cmd and workdir replace the base's when given.
     */
    static ImageConfig layered(ImageConfig base, List<String> env, List<String> entrypoint, List<String> cmd,
            String workdir) {
        Map<String, String> merged = new LinkedHashMap<>(base.envMap());
        merged.putAll(new ImageConfig(env, null, null, null).envMap());
        List<String> mergedEnv = merged.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return new ImageConfig(mergedEnv, entrypoint != null ? entrypoint : base.entrypoint(),
                cmd != null ? cmd : base.cmd(), workdir != null ? workdir : base.workdir());
    }
}
