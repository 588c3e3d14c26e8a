package dev.flint.nativeffi;

/**
 * The closed list of setup stages, in the order of {@code flint_stage} in flint.h. The names are
 * identical in C, Java, the status-fd JSON and the logs; a unit test keeps the lists equal.
 */
public enum Stage {
    NONE("none"),
    SPEC("spec"),
    CLONE("clone"),
    CGROUP_ATTACH("cgroup-attach"),
    UID_MAP("uid-map"),
    MOUNT_ROOTFS("mount-rootfs"),
    MOUNT_PROC("mount-proc"),
    MOUNT_DEV("mount-dev"),
    MOUNT_TMP("mount-tmp"),
    MOUNT_BIND("mount-bind"),
    PIVOT_ROOT("pivot-root"),
    HOSTNAME("hostname"),
    NETWORK("network"),
    SECCOMP("seccomp"),
    CREDENTIALS("credentials"),
    EXEC("exec"),
    PROXY("proxy"),
    WAIT("wait"),
    SIGNAL("signal"),
    IO("io"),
    CHECKPOINT("checkpoint"),
    RESTORE("restore");

    private final String wireName;

    Stage(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in messages and JSON, e.g. "mount-rootfs". */
    public String wireName() {
        return wireName;
    }

    /** The stage with this native number, or NONE for numbers outside the list. */
    public static Stage ofNative(int n) {
        Stage[] all = values();
        return n >= 0 && n < all.length ? all[n] : NONE;
    }

    /** The stage with this wire name, or NONE. */
    public static Stage ofWireName(String name) {
        for (Stage s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        return NONE;
    }
}
