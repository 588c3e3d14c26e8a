package dev.flint.image;

import java.util.List;

/** The named image is not in the store. */
public class ImageNotFoundException extends ImageException {
    private final String name;

    public ImageNotFoundException(String name, List<String> known) {
        super("unknown image '" + name + "' (known: " + (known.isEmpty() ? "none" : String.join(", ", known))
                + "); build it with: flint image build " + name);
        this.name = name;
    }

    /** @param message the whole message (an image function's image is gone, ...) */
    public ImageNotFoundException(String name, String message) {
        super(message);
        this.name = name;
    }

    public String name() {
        return name;
    }
}
