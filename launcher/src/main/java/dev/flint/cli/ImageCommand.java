package dev.flint.cli;

import dev.flint.image.Image;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint image}: the image store under /var/lib/flint/images. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Build, list and remove root filesystem images (recipes in images/NAME/).",
        subcommands = {ImageCommand.Build.class, ImageCommand.Ls.class, ImageCommand.Rm.class})
final class ImageCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Build NAME from its recipe (images/NAME/build.sh + image.json), base first.",
                "Cached by recipe content: a second build of an unchanged recipe is a no-op."})
    static final class Build implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "image names, e.g. provided python3.11 java17")
        List<String> names;

        @Option(names = "--recipes", paramLabel = "DIR", description = "recipe directory (default: <flint home>/images)")
        Path recipes;

        @Override
        public Integer call() {
            Host.requireRoot("flint image build");
            Path dir = recipes != null ? recipes : Host.home().resolve("images");
            for (String name : names) {
                long t0 = System.nanoTime();
                Image img = Host.images().build(name, dir, line -> System.err.println("  " + line));
                System.err.printf("image %s: %s (%d layer(s), %.1f MB) in %.1f s%n", img.name(),
                        img.digest().substring(0, Math.min(19, img.digest().length())), img.layers().size(),
                        img.sizeBytes() / 1e6, (System.nanoTime() - t0) / 1e9);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List built images.")
    static final class Ls implements Callable<Integer> {
        @Override
        public Integer call() {
            List<Image> images = Host.images().list();
            System.out.printf("%-16s %-20s %6s %10s  %s%n", "NAME", "DIGEST", "LAYERS", "SIZE", "CREATED");
            DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
            for (Image i : images) {
                System.out.printf("%-16s %-20s %6d %8.1fMB  %s%n", i.name(),
                        i.digest().substring(0, Math.min(19, i.digest().length())), i.layers().size(),
                        i.sizeBytes() / 1e6, i.created() == null ? "-" : f.format(i.created()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove images; layers still used by another image are kept.")
    static final class Rm implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Override
        public Integer call() {
            Host.requireRoot("flint image rm");
            for (String name : names) {
                List<Path> kept = Host.images().remove(name);
                System.err.println("removed " + name + (kept.isEmpty() ? "" : " (kept " + kept.size() + " shared layer(s))"));
            }
            return ExitCodes.OK;
        }
    }
}
