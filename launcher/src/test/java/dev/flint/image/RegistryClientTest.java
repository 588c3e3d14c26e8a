package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client's transport rules against a plain-HTTP endpoint (a raw socket server):
 * plain HTTP only for loopback or with --insecure, and a manifest whose bytes do not match the
 * digest the registry names is refused. (The real registry flows are in ImageRegistryIT.)
 */
class RegistryClientTest {
    @TempDir Path tmp;
    ServerSocket socket;
    final List<String> requests = new CopyOnWriteArrayList<>();
    static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciManifests.OCI_MANIFEST
            + "\",\"config\":{\"digest\":\"sha256:" + "1".repeat(64) + "\",\"size\":2},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);

    /**
     * A minimal HTTP/1.1 server on a raw socket: it answers a TLS ClientHello with an HTTP 400 at
     * once (as Go's net/http does, so the client's HTTPS attempt fails fast), /v2/ with {}, and
     * any manifest with {@link #MANIFEST} under a Docker-Content-Digest that is not its digest.
     */
    private String start(InetAddress address) throws IOException {
        socket = new ServerSocket(0, 50, address);
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket c = socket.accept()) {
                    InputStream in = c.getInputStream();
                    OutputStream out = c.getOutputStream();
                    int first = in.read();
                    if (first == 0x16) { // TLS handshake record
                        out.write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        continue;
                    }
                    StringBuilder head = new StringBuilder().append((char) first);
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        head.append((char) b);
                    }
                    String path = head.toString().split(" ")[1];
                    requests.add("GET " + path);
                    byte[] body = path.contains("/manifests/") ? MANIFEST : "{}".getBytes(StandardCharsets.UTF_8);
                    String headers = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n"
                            + (path.contains("/manifests/") ? "Content-Type: " + OciManifests.OCI_MANIFEST
                            + "\r\nDocker-Content-Digest: sha256:" + "9".repeat(64) + "\r\n" : "") + "\r\n";
                    out.write(headers.getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                } catch (IOException e) {
                    // closed
                }
            }
        }, "fake-registry");
        t.setDaemon(true);
        t.start();
        String host = address.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + socket.getLocalPort();
    }

    @AfterEach
    void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    private RegistryClient.Pull pull(String registry, boolean insecure) {
        RegistryClient c = new RegistryClient(ImageReference.parse(registry + "/team/app:1"),
                new RegistryClient.Options(insecure, null, 1));
        return c.pull(new ImageStore(tmp.resolve("store")), new RegistryClient.Listener() { });
    }

    @Test
    void aManifestThatIsNotWhatTheRegistrySaysIsRefused() throws IOException {
        String reg = start(InetAddress.getLoopbackAddress());
        RegistryException e = assertThrows(RegistryException.class, () -> pull(reg, false));
        assertTrue(e.getMessage().contains("wrong digest, refused"), e.getMessage());
        assertEquals("GET /v2/team/app/manifests/1", requests.get(requests.size() - 1),
                "plain HTTP on loopback after HTTPS failed: " + requests);
    }

    @Test
    void plainHttpToAnotherHostNeedsInsecure() throws IOException {
        InetAddress own = null;
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    own = a;
                }
            }
        }
        assumeTrue(own != null, "needs a non-loopback IPv4 address on this host");
        String reg = start(own);
        RegistryException refused = assertThrows(RegistryException.class, () -> pull(reg, false));
        assertTrue(refused.getMessage().contains("plain HTTP is used only for loopback registries or with --insecure"),
                refused.getMessage());
        assertTrue(requests.isEmpty(), "nothing was sent over plain HTTP: " + requests);
        RegistryException verified = assertThrows(RegistryException.class, () -> pull(reg, true));
        assertTrue(verified.getMessage().contains("wrong digest, refused"), "with --insecure it talks HTTP: "
                + verified.getMessage());
    }
}
