package dev.flint.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The view overlayfs shows of a stack of layer directories, computed on the host without
 * mounting: the top-most layer that has a name wins, a whiteout (character device 0/0) hides the
 * name in the layers below, directories of the same name merge, and a non-directory hides the
 * lower layers' directory. No symbolic link is ever followed. flint writes no opaque-directory
 * xattrs (see {@link LayerUnpacker}), so none are read here.
 */
final class MergedLayers {
    /** What a merged name is: a directory, a whiteout, or anything else (file, symlink, ...). */
    enum Kind { DIR, WHITEOUT, OTHER }

    private final List<Path> topFirst;

    /** @param layers layer roots, bottom first (as images list them) */
    MergedLayers(List<Path> layers) {
        List<Path> t = new ArrayList<>(layers);
        java.util.Collections.reverse(t);
        this.topFirst = List.copyOf(t);
    }

    static Kind kind(Path p) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (a.isDirectory()) {
            return Kind.DIR;
        }
        if (a.isOther() && isWhiteout(p)) {
            return Kind.WHITEOUT;
        }
        return Kind.OTHER;
    }

    /** A character device with device number 0/0: overlayfs's whiteout. */
    static boolean isWhiteout(Path p) throws IOException {
        Object rdev = Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0020000 && ((Number) rdev).longValue() == 0;
    }

    /**
     * The layer directories (top first) that make up the merged directory {@code rel}
     * ("" = the root), or empty when {@code rel} is not a directory in the merged view.
     */
    List<Path> dirsOf(String rel) throws IOException {
        List<Path> contributors = new ArrayList<>(topFirst);
        if (rel.isEmpty()) {
            return contributors;
        }
        for (String c : rel.split("/")) {
            List<Path> next = new ArrayList<>();
            for (Path d : contributors) {
                Path p = d.resolve(c);
                Kind k = kind(p);
                if (k == null) {
                    continue;
                }
                if (k == Kind.DIR) {
                    next.add(p);
                    continue;
                }
                break; // a whiteout or a non-directory hides everything below it
            }
            if (next.isEmpty()) {
                return List.of();
            }
            contributors = next;
        }
        return contributors;
    }

    /** The names visible in the merged directory {@code rel}, with their top-most kind (never WHITEOUT). */
    Map<String, Kind> children(String rel) throws IOException {
        Map<String, Kind> seen = new LinkedHashMap<>();
        for (Path d : dirsOf(rel)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (!seen.containsKey(n)) {
                        seen.put(n, kind(p));
                    }
                }
            }
        }
        seen.values().removeIf(k -> k == Kind.WHITEOUT);
        return seen;
    }

    /** The attributes of the top-most entry at {@code rel} in the merged view, if visible. */
    Optional<PosixFileAttributes> lookup(String rel) {
        try {
            int slash = rel.lastIndexOf('/');
            String parent = slash < 0 ? "" : rel.substring(0, slash);
            String name = rel.substring(slash + 1);
            for (Path d : dirsOf(parent)) {
                Path p = d.resolve(name);
                Kind k = kind(p);
                if (k == null) {
                    continue;
                }
                if (k == Kind.WHITEOUT) {
                    return Optional.empty();
                }
                return Optional.of(Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first component of {@code absPath} (e.g. "/run/flint") that is a symbolic link or
     * not a directory in the merged view, or empty when every component is a directory or
     * absent.
     */
    Optional<String> nonDirectoryOnPath(String absPath) {
        StringBuilder rel = new StringBuilder();
        for (String c : absPath.substring(1).split("/")) {
            if (rel.length() > 0) {
                rel.append('/');
            }
            rel.append(c);
            Optional<PosixFileAttributes> a = lookup(rel.toString());
            if (a.isEmpty()) {
                return Optional.empty();
            }
            if (!a.get().isDirectory()) {
                return Optional.of("/" + rel);
            }
        }
        return Optional.empty();
    }
}
