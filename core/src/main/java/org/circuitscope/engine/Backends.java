package org.circuitscope.engine;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.circuitscope.model.Backend;
import org.circuitscope.model.BackendProvider;
import org.circuitscope.model.SimdBackend;
import org.circuitscope.model.Weights;

/**
 * Finds {@link BackendProvider}s by name: first on the class path (core's "simd"; "djl" when
 * the djl module is there, as in its own tests), then in the optional DJL folder, whose jars
 * (the djl module, DJL and its PyTorch natives) are loaded by a child class loader so the
 * server jar stays small. The folder is {@code -Dcircuitscope.djl.home}, else {@code
 * CIRCUITSCOPE_DJL_HOME}, else found next to the running jar: {@code djl/lib} beside it (the
 * release archive) or {@code ../../djl/target/circuitscope-djl/lib} (a source checkout after
 * {@code mvn package}).
 */
public final class Backends {
    /** {@code CIRCUITSCOPE_BACKEND}: the backend used when neither a flag, the front matter nor a setting names one. */
    public static final String ENV = "CIRCUITSCOPE_BACKEND";
    public static final String DJL = "djl";

    private final Map<String, BackendProvider> found = new ConcurrentHashMap<>();
    private final Optional<Path> djlHome;

    /** Providers on the class path and in the DJL folder this process was started with. */
    public Backends() { this(configuredHome()); }

    Backends(Optional<Path> djlHome) { this.djlHome = djlHome; }

    /** The backend name to use when nothing else names one: {@code CIRCUITSCOPE_BACKEND}, else "simd". */
    public static String defaultName() {
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? SimdBackend.NAME : normalise(env);
    }

    /** A name as users may write it ("DJL ", "Simd") in the spelling providers use. */
    public static String normalise(String name) { return name == null ? SimdBackend.NAME : name.strip().toLowerCase(Locale.ROOT); }

    /** Opens backend {@code name} over {@code weights}; one clear exception (how to get it) when it is not installed. */
    public Backend open(String name, Weights weights) {
        return provider(normalise(name)).open(weights);
    }

    /** Whether a provider of this name can be found (without starting its engine). */
    public boolean installed(String name) {
        try {
            provider(normalise(name));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private BackendProvider provider(String name) {
        BackendProvider p = found.get(name);
        if (p != null) return p;
        synchronized (this) {
            p = found.get(name);
            if (p != null) return p;
            p = find(ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()), name);
            if (p == null && djlHome.isPresent() && Files.isDirectory(djlHome.get())) {
                p = find(ServiceLoader.load(BackendProvider.class, loaderFor(djlHome.get())), name);
            }
            if (p == null) throw new IllegalArgumentException(notInstalled(name));
            found.put(name, p);
            return p;
        }
    }

    private String notInstalled(String name) {
        if (!name.equals(DJL)) {
            return "backend '" + name + "' is not known: use simd (the default) or djl";
        }
        return "the backend 'djl' is not installed: " + djlHome.map(h -> "no djl module jars in " + h).orElse("no DJL folder found")
                + ". Build it with 'mvn -pl djl -am package -DskipTests' (it lays out djl/target/circuitscope-djl/lib), or point"
                + " CIRCUITSCOPE_DJL_HOME at a folder of those jars; or use backend simd";
    }

    private static BackendProvider find(ServiceLoader<BackendProvider> loader, String name) {
        for (BackendProvider p : loader) if (p.name().equals(name)) return p;
        return null;
    }

    /** A child class loader over every jar in {@code dir}: DJL's classes never enter the server's own class path. */
    private static ClassLoader loaderFor(Path dir) {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) urls.add(p.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the DJL folder " + dir + " cannot be read: " + e.getMessage(), e);
        }
        return new URLClassLoader("circuitscope-djl", urls.toArray(URL[]::new), Backends.class.getClassLoader());
    }

    /** The DJL folder: the property, the environment, or beside the jar this class came from. */
    static Optional<Path> configuredHome() {
        String p = System.getProperty("circuitscope.djl.home", System.getenv("CIRCUITSCOPE_DJL_HOME"));
        if (p != null && !p.isBlank()) return Optional.of(Path.of(p));
        try {
            Path jar = Path.of(Backends.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) return Optional.empty();
            Path dir = jar.getParent();
            if (Files.isDirectory(dir.resolve("djl/lib"))) return Optional.of(dir.resolve("djl/lib"));
            // Only the server jar of a checkout (server/target) looks in the checkout's djl module.
            Path checkout = dir.resolve("../../djl/target/circuitscope-djl/lib").normalize();
            boolean serverJar = dir.getFileName() != null && dir.getFileName().toString().equals("target") && dir.getParent() != null
                    && dir.getParent().getFileName() != null && dir.getParent().getFileName().toString().equals("server");
            if (serverJar && Files.isDirectory(checkout)) return Optional.of(checkout);
        } catch (Exception | LinkageError e) {
            // No code source (an unusual class loader): only the property and the environment name the folder.
        }
        return Optional.empty();
    }
}
