package dev.flint.image;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A registry image reference as Docker and skopeo read it: {@code [HOST[:PORT]/]PATH[:TAG][@DIGEST]}.
 * Without a host the image is on Docker Hub ({@code docker.io}, and a one-segment path gets
 * {@code library/}); without a tag or digest the tag is {@code latest}. The first segment is a
 * host when it contains a '.' or a ':' or is {@code localhost}.
 *
 * @param registry  {@code docker.io}, {@code 127.0.0.1:5000}, {@code 123.dkr.ecr.us-east-1.amazonaws.com}
 * @param repository the path, e.g. {@code library/python} or {@code team/app}
 * @param tag       the tag, or null when the reference names a digest only
 * @param digest    {@code sha256:...}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_API = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");
    private static final int MAX_LENGTH = 255;

    /** Parses a reference, or throws {@link ImageException} saying what is wrong with it. */
    public static ImageReference parse(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new ImageException("empty image reference");
        }
        String s = ref.strip();
        if (s.startsWith("docker://")) {
            s = s.substring("docker://".length());
        }
        if (s.length() > MAX_LENGTH) {
            throw new ImageException("image reference '" + ref + "' is longer than " + MAX_LENGTH + " characters");
        }
        String digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = Digests.require(s.substring(at + 1), "image reference '" + ref + "'");
            s = s.substring(0, at);
        }
        String tag = null;
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
            tag = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new ImageException("image reference '" + ref + "': invalid tag '" + tag
                        + "' (letters, digits, '_', '.', '-'; at most 128)");
            }
        }
        String registry = DOCKER_HUB;
        String path = s;
        int first = s.indexOf('/');
        if (first > 0) {
            String head = s.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost") || head.startsWith("[")) {
                if (!HOST.matcher(head).matches()) {
                    throw new ImageException("image reference '" + ref + "': invalid registry host '" + head + "'");
                }
                registry = head;
                path = s.substring(first + 1);
            }
        }
        registry = canonicalRegistry(registry);
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (path.isEmpty()) {
            throw new ImageException("image reference '" + ref + "' names no repository");
        }
        for (String c : path.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw new ImageException("image reference '" + ref + "': invalid repository path component '" + c
                        + "' (lowercase letters and digits, separated by '.', '_', '__' or '-')");
            }
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** Whether {@code text} looks like a registry reference rather than a local image name. */
    public static boolean looksLikeReference(String text) {
        return text != null && (text.contains("/") || text.contains(":") || text.contains("@"));
    }

    /** The host to send API requests to (Docker Hub's API is not at docker.io). */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** The tag or digest to ask the registry for: the digest when there is one. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    /** Docker Hub's other host names as {@link #DOCKER_HUB}; any other host as it is. */
    static String canonicalRegistry(String host) {
        return host.equals("index.docker.io") || host.equals(DOCKER_HUB_API) ? DOCKER_HUB : host;
    }

    /** This reference pinned to {@code manifestDigest} ({@code REGISTRY/REPO@sha256:...}). */
    public String withDigest(String manifestDigest) {
        return registry + "/" + repository + "@" + manifestDigest;
    }

    /**
     * Whether plain HTTP is acceptable without being asked: the registry is on this host's
     * loopback ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}). Names are not resolved
     * through DNS: only literals and {@code localhost} count.
     */
    public boolean isLoopback() {
        String host = hostOnly().toLowerCase(Locale.ROOT);
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The registry without its port (and without IPv6 brackets). */
    public String hostOnly() {
        String r = registry;
        if (r.startsWith("[")) {
            return r.substring(1, r.indexOf(']'));
        }
        int c = r.lastIndexOf(':');
        return c > 0 ? r.substring(0, c) : r;
    }

    /**
     * A default local image name: the last path segment, plus {@code -TAG} unless the tag is
     * {@code latest}, cut to the store's name rules.
     */
    public String defaultName() {
        String last = repository.substring(repository.lastIndexOf('/') + 1);
        String n = tag != null && !tag.equals("latest") ? last + "-" + tag : last;
        n = n.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        if (n.length() > 64) {
            n = n.substring(0, 64);
        }
        if (!ImageNames.isValid(n)) {
            n = "image-" + Integer.toHexString(n.hashCode());
        }
        return n;
    }

    /** The canonical form: {@code REGISTRY/REPO[:TAG][@DIGEST]}. */
    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
