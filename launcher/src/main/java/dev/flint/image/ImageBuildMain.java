package dev.flint.image;

import java.nio.file.Path;

/**
 * {@code java -cp flint.jar dev.flint.image.ImageBuildMain NAME...}: builds images from
 * {@code <flint.home>/images} into {@code flint.images.dir} (default {@value ImageStore#DEFAULT_ROOT}).
 * Used by scripts/setup.sh; {@code flint image build} is the user-facing command.
 * Exit status: 0 ok, 1 build failed, 2 invalid input.
 */
public final class ImageBuildMain {
    private ImageBuildMain() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: ImageBuildMain NAME...");
            System.exit(2);
        }
        Path recipes = Path.of(System.getProperty("flint.home", ".")).resolve("images");
        ImageStore store = new ImageStore(Path.of(System.getProperty("flint.images.dir", ImageStore.DEFAULT_ROOT)));
        for (String name : args) {
            try {
                Image image = store.build(name, recipes, System.out::println);
                System.out.printf("image %s: %s, %d layer(s), %d MB%n", image.name(), ImageStore.shortDigest(image.digest()),
                        image.layers().size(), image.sizeBytes() / (1024 * 1024));
            } catch (ImageBuildException e) {
                System.err.println("flint: " + e.getMessage());
                System.exit(1);
            } catch (ImageException e) {
                System.err.println("flint: " + e.getMessage());
                System.exit(2);
            }
        }
    }
}
