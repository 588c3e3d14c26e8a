package bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Java function of the SnapStart benchmark: its Init is class loading and static work, as a
 * framework's start-up is. The class's static initialiser (run by the runtime while it loads the
 * handler, so in Init) loads and initialises every class of 37 JDK modules (about 8,600 classes:
 * XML, SQL, naming, management, HTTP, RMI, JGSS, the compiler, javadoc, jshell, JDI, JFR, jlink,
 * …; not java.desktop, whose classes want X11), then scans each
 * loaded class's declared methods and fields by reflection, as a dependency-injection container
 * scans for annotations. No sleeps: every millisecond is class loading, linking, static
 * initialisers or reflection. A restore from a snapshot skips all of it.
 */
public class ClassLoadHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** Modules whose classes Init loads; ones missing from the runtime image are skipped. */
    static final List<String> MODULES = List.of("java.xml", "java.sql", "java.logging", "java.naming",
            "java.management", "java.net.http", "jdk.httpserver", "java.rmi", "java.security.jgss",
            "java.scripting", "jdk.compiler", "jdk.jfr", "jdk.javadoc", "jdk.jshell", "jdk.jdi", "jdk.management",
            "jdk.crypto.ec", "jdk.zipfs", "java.sql.rowset", "jdk.dynalink", "jdk.jlink", "jdk.jartool",
            "jdk.internal.opt", "jdk.attach", "jdk.naming.dns", "jdk.security.auth", "jdk.security.jgss",
            "jdk.xml.dom", "java.prefs", "java.instrument", "jdk.sctp", "jdk.net", "jdk.crypto.cryptoki",
            "java.smartcardio", "jdk.internal.le", "jdk.internal.jvmstat", "jdk.management.agent");
    static final int LOADED;
    static final int FAILED;
    static final int MEMBERS;
    static final long CHECKSUM;
    static final double INIT_MS;

    static {
        long t0 = System.nanoTime();
        List<Class<?>> classes = new ArrayList<>();
        int failed = 0;
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        for (String module : MODULES) {
            if (ModuleLayer.boot().findModule(module).isEmpty()) {
                continue;
            }
            for (String name : classNames(jrt.getPath("/modules", module))) {
                try {
                    classes.add(Class.forName(name, true, loader));
                } catch (Throwable e) { // a class whose static initialiser needs what a sandbox has not (X11, agents)
                    failed++;
                }
            }
        }
        int members = 0;
        long sum = 0;
        for (Class<?> c : classes) {
            try {
                for (Method m : c.getDeclaredMethods()) {
                    members++;
                    sum = sum * 31 + m.getName().hashCode() + m.getParameterCount();
                }
                for (Field f : c.getDeclaredFields()) {
                    members++;
                    sum = sum * 31 + f.getName().hashCode();
                }
            } catch (Throwable e) { // a member type that cannot be linked
                failed++;
            }
        }
        LOADED = classes.size();
        FAILED = failed;
        MEMBERS = members;
        CHECKSUM = sum;
        INIT_MS = (System.nanoTime() - t0) / 1e6;
        System.out.printf("INIT loaded %d classes (%d failed), scanned %d members in %.0f ms%n", LOADED, FAILED,
                MEMBERS, INIT_MS);
    }

    /** Binary names of the classes under a module's root in the jrt file system, sorted. */
    static List<String> classNames(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString())
                    .filter(n -> n.endsWith(".class") && !n.equals("module-info.class") && !n.contains("-"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("classes", LOADED);
        r.put("failed", FAILED);
        r.put("members", MEMBERS);
        r.put("checksum", CHECKSUM);
        r.put("init_ms", Math.round(INIT_MS));
        return r;
    }
}
