package dev.flint.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Content digests as OCI writes them, {@code sha256:<64 lowercase hex>}. Only sha256 is
 * accepted: it is what every registry and image tool produces, and one algorithm keeps the
 * content-addressed layer store simple.
 */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private Digests() {
    }

    public static boolean isValid(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    /** Returns {@code digest}, or throws naming {@code what} and what is expected. */
    public static String require(String digest, String what) {
        if (!isValid(digest)) {
            String algo = digest != null && digest.indexOf(':') > 0 ? digest.substring(0, digest.indexOf(':')) : null;
            if (algo != null && !algo.equals("sha256")) {
                throw new ImageException(what + ": digest algorithm '" + algo + "' is not supported (only sha256)");
            }
            throw new ImageException(what + ": invalid digest '" + digest + "' (expected sha256:<64 hex digits>)");
        }
        return digest;
    }

    /** The 64 hex digits of a valid digest. */
    public static String hex(String digest) {
        require(digest, "digest");
        return digest.substring("sha256:".length());
    }

    /** {@code sha256:} and the first 12 hex digits, for messages. */
    public static String shortForm(String digest) {
        return isValid(digest) ? digest.substring(0, "sha256:".length() + 12) : String.valueOf(digest);
    }

    public static String of(byte[] data) {
        MessageDigest md = sha256();
        md.update(data);
        return of(md);
    }

    /** The digest {@code md} has computed so far (this resets it). */
    public static String of(MessageDigest md) {
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The OCI ChainIDs of a stack of layers given by their DiffIDs (bottom first):
     * {@code chain(0) = diff(0)}, {@code chain(n) = sha256(chain(n-1) + " " + diff(n))}. A chain
     * id names a layer together with everything below it.
     */
    public static List<String> chainIds(List<String> diffIds) {
        List<String> out = new ArrayList<>(diffIds.size());
        String prev = null;
        for (String d : diffIds) {
            require(d, "diff id");
            prev = prev == null ? d : of((prev + " " + d).getBytes(StandardCharsets.UTF_8));
            out.add(prev);
        }
        return out;
    }
}
