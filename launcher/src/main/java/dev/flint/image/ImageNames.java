package dev.flint.image;

import java.util.regex.Pattern;

/** Image names: {@code [a-z0-9][a-z0-9._-]{0,63}}, so a name is always one safe path segment. */
public final class ImageNames {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Names that would collide with the store's own entries. */
    static final String LAYERS_DIR = "layers";
    /** Registry downloads in progress or kept for a resumed pull. */
    static final String DOWNLOADS_DIR = "downloads";

    private ImageNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(LAYERS_DIR)
                && !name.equals(DOWNLOADS_DIR) && !name.contains("..");
    }

    /** Returns {@code name}, or throws {@link ImageException} saying what is allowed. */
    public static String validate(String name) {
        if (!isValid(name)) {
            throw new ImageException("invalid image name '" + name
                    + "': use 1-64 of [a-z0-9._-], starting with a letter or digit (not 'layers' or 'downloads', no '..')");
        }
        return name;
    }
}
