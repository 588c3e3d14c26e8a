package example;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The Init a SnapStart snapshot saves: over a second of real work at one vCPU, the kind a large
 * function does before its first request (no sleeping).
 *
 * <ul>
 *   <li>class loading: every class of some exported JDK packages is loaded and initialised from
 *       the runtime image (as a framework's classes are loaded from its jars), then the XML stack
 *       (DOM parser, XPath, XSLT identity transform) is used, which loads its implementation;
 *   <li>tables: a prime sieve, a word-count table, a sorted array, a digest chain, built by
 *       plain CPU work and partly kept (the table) as an application cache would be.
 * </ul>
 */
final class InitWork {

    /** Packages whose classes are loaded: module, then the package path (and its subpackages). */
    static final List<String> PACKAGES = List.of(
            "java.base/java/util", "java.base/java/time", "java.base/java/text",
            "java.base/java/math", "java.base/java/nio", "java.base/java/net",
            "java.base/java/io", "java.base/java/security", "java.base/javax/crypto",
            "java.xml/javax/xml", "java.xml/org/w3c/dom", "java.xml/org/xml/sax",
            "java.xml/com/sun/org/apache", // the XML stack's implementation (Xerces, Xalan)
            "java.logging/java/util/logging", "java.sql/java/sql", "java.sql.rowset/javax/sql",
            "java.management/javax/management", "java.naming/javax/naming");
    static final int SIEVE_LIMIT = 30_000_000;
    static final int TABLE_WORDS = 300_000;
    static final int SORTED = 2_000_000;
    static final int DIGEST_ROUNDS = 800_000;
    static final int DAYS = 100_000;

    /** Kept after Init, as an application cache: word -> count. */
    static Map<String, Integer> table;

    /** What Init did; {@code phases} is the milliseconds each step took, in order. */
    record Result(int classesLoaded, int classesFailed, int primes, int tableSize, long checksum, long millis,
            Map<String, Long> phases) {}

    private InitWork() {}

    static Result run() {
        long t0 = System.nanoTime();
        Map<String, Long> phases = new LinkedHashMap<>();
        long[] mark = {t0};
        int[] loaded = loadClasses();
        phases.put("classes", lap(mark));
        long checksum = useXml();
        phases.put("xml", lap(mark));
        int primes = sieve(SIEVE_LIMIT);
        phases.put("sieve", lap(mark));
        table = wordTable(TABLE_WORDS);
        phases.put("table", lap(mark));
        checksum ^= sortedChecksum(SORTED);
        phases.put("sort", lap(mark));
        checksum ^= digestChain(DIGEST_ROUNDS);
        phases.put("digest", lap(mark));
        checksum ^= datesAndPatterns();
        phases.put("dates", lap(mark));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new Result(loaded[0], loaded[1], primes, table.size(), checksum, millis, phases);
    }

    /** Milliseconds since {@code mark[0]}, which moves to now. */
    private static long lap(long[] mark) {
        long now = System.nanoTime();
        long ms = (now - mark[0]) / 1_000_000;
        mark[0] = now;
        return ms;
    }

    /** Loads and initialises every class under {@link #PACKAGES}; returns {loaded, failed}. */
    static int[] loadClasses() {
        int loaded = 0;
        int failed = 0;
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        for (String pkg : PACKAGES) {
            Path root = jrt.getPath("/modules", pkg);
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                files.map(Path::toString)
                        .filter(f -> f.endsWith(".class") && !f.endsWith("module-info.class")
                                && !f.endsWith("package-info.class"))
                        .forEach(f -> {
                            String rel = f.substring(f.indexOf('/', "/modules/".length()) + 1);
                            names.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'));
                        });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            names.sort(null);
            for (String name : names) {
                try {
                    Class.forName(name, true, loader);
                    loaded++;
                } catch (Throwable e) { // a class that cannot be initialised here still counts as work
                    failed++;
                }
            }
        }
        return new int[] {loaded, failed};
    }

    /** Builds, parses, queries and serialises a document with the JDK's XML stack. */
    static long useXml() {
        StringBuilder xml = new StringBuilder("<catalog>");
        for (int i = 0; i < 2_000; i++) {
            xml.append("<item id=\"").append(i).append("\"><name>item-").append(i)
                    .append("</name><price>").append(i % 97).append(".50</price></item>");
        }
        xml.append("</catalog>");
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(xml.toString())));
            NodeList cheap = (NodeList) XPathFactory.newInstance().newXPath()
                    .evaluate("/catalog/item[price < 10]", doc, XPathConstants.NODESET);
            Transformer identity = TransformerFactory.newInstance().newTransformer();
            identity.setOutputProperty(OutputKeys.INDENT, "yes");
            StringWriter out = new StringWriter();
            identity.transform(new DOMSource(doc), new StreamResult(out));
            return cheap.getLength() * 31L + out.getBuffer().length();
        } catch (Exception e) {
            throw new IllegalStateException("xml", e);
        }
    }

    /** Number of primes below {@code limit} (sieve of Eratosthenes). */
    static int sieve(int limit) {
        BitSet composite = new BitSet(limit);
        for (int i = 2; (long) i * i < limit; i++) {
            if (!composite.get(i)) {
                for (int j = i * i; j < limit; j += i) {
                    composite.set(j);
                }
            }
        }
        return limit - 2 - composite.cardinality() + (composite.get(0) ? 1 : 0) + (composite.get(1) ? 1 : 0);
    }

    /** Counts pseudo-words drawn from a fixed seed: the same table in every Init. */
    static Map<String, Integer> wordTable(int words) {
        SplittableRandom rnd = new SplittableRandom(42);
        Map<String, Integer> counts = new HashMap<>();
        char[] w = new char[6];
        for (int i = 0; i < words; i++) {
            int len = 3 + rnd.nextInt(4);
            for (int k = 0; k < len; k++) {
                w[k] = (char) ('a' + rnd.nextInt(26));
            }
            counts.merge(new String(w, 0, len), 1, Integer::sum);
        }
        return counts;
    }

    static long sortedChecksum(int n) {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextLong();
        }
        Arrays.sort(a);
        long sum = 0;
        for (int i = 0; i < n; i += 1000) {
            sum = sum * 31 + a[i];
        }
        return sum;
    }

    static long digestChain(int rounds) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = "flint".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < rounds; i++) {
                d = sha.digest(d);
            }
            return ((d[0] & 0xffL) << 8) | (d[1] & 0xffL);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Date formatting and regular expressions, as request parsing code warms them up. */
    static long datesAndPatterns() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("EEEE d MMMM uuuu", Locale.ENGLISH);
        Pattern p = Pattern.compile("(\\w+) (\\d+) (\\w+) (\\d{4})");
        long sum = 0;
        LocalDate day = LocalDate.of(2000, 1, 1);
        for (int i = 0; i < DAYS; i++, day = day.plusDays(1)) {
            Matcher m = p.matcher(f.format(day));
            if (m.matches()) {
                sum += m.group(3).length() + Integer.parseInt(m.group(2));
            }
        }
        return sum;
    }
}
