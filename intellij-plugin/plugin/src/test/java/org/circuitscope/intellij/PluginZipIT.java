package org.circuitscope.intellij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jetbrains.plugin.structure.base.plugin.PluginCreationFail;
import com.jetbrains.plugin.structure.base.plugin.PluginCreationResult;
import com.jetbrains.plugin.structure.base.plugin.PluginCreationSuccess;
import com.jetbrains.plugin.structure.base.problems.PluginProblem;
import com.jetbrains.plugin.structure.intellij.plugin.IdePlugin;
import com.jetbrains.plugin.structure.intellij.plugin.IdePluginManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin zip (made in {@code package}) as JetBrains' plugin-structure checker sees it, the check the
 * Marketplace runs on upload: it must pass with no problems, and a descriptor broken on purpose must fail it.
 */
class PluginZipIT {
    private static final String PLUGIN_JAR = "circuitscope/lib/circuitscope-intellij-";

    @TempDir
    Path dir;

    private static Path zip() {
        Path z = Path.of(System.getProperty("plugin.zip", "target/none.zip"));
        assertTrue(Files.isRegularFile(z), "the packaged zip " + z + " (run mvn verify)");
        return z;
    }

    private static PluginCreationResult<IdePlugin> check(Path zip) {
        return IdePluginManager.createManager().createPlugin(zip);
    }

    @Test
    void thePackagedZipPassesTheStructureCheck() {
        PluginCreationResult<IdePlugin> r = check(zip());
        if (r instanceof PluginCreationFail<IdePlugin> f) throw new AssertionError("structure-intellij refused the zip: " + f.getErrorsAndWarnings());
        PluginCreationSuccess<IdePlugin> ok = assertInstanceOf(PluginCreationSuccess.class, r);
        assertEquals(List.of(), ok.getUnacceptableWarnings());
        assertEquals(List.of(), ok.getWarnings().stream().filter(w -> w.getLevel() == PluginProblem.Level.ERROR).toList());
        IdePlugin p = ok.getPlugin();
        assertEquals("org.circuitscope.intellij", p.getPluginId());
        assertEquals("circuitscope", p.getVendor());
        assertEquals(242, p.getSinceBuild().getBaselineVersion());
        assertTrue(p.getDependencies().stream().anyMatch(d -> d.getId().equals("com.redhat.devtools.lsp4ij")), p.getDependencies().toString());
    }

    @Test
    void theZipBundlesThePluginJarAndTheServerButNoStubs() throws IOException {
        Set<String> names = new TreeSet<>();
        Set<String> jarEntries = new TreeSet<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                if (e.getName().startsWith(PLUGIN_JAR)) jarEntries.addAll(entries(in.readAllBytes()));
            }
        }
        assertTrue(names.contains("circuitscope/server/circuitscope.jar"), names.toString());
        assertTrue(names.contains("circuitscope/server/jvm.options"), names.toString());
        assertEquals(1, names.stream().filter(n -> n.startsWith("circuitscope/lib/") && n.endsWith(".jar")).count(), "one jar in lib/: " + names);
        assertTrue(jarEntries.contains("META-INF/plugin.xml"), jarEntries.toString());
        assertTrue(jarEntries.contains("icons/prompt.svg"), jarEntries.toString());
        assertTrue(jarEntries.contains("org/circuitscope/intellij/lsp/CircuitscopeServerFactory.class"), jarEntries.toString());
        assertFalse(jarEntries.stream().anyMatch(n -> n.startsWith("com/intellij/") || n.startsWith("com/redhat/") || n.startsWith("org/eclipse/")),
                "stubs and provided libraries stay out: " + jarEntries);
    }

    @Test
    void aDescriptorWithoutIdAndVendorFails() throws IOException {
        Path broken = rewritePluginXml(xml -> xml.replaceFirst("<id>[^<]*</id>", "").replaceFirst("(?s)<vendor[^>]*>.*?</vendor>", ""));
        PluginCreationFail<IdePlugin> f = assertInstanceOf(PluginCreationFail.class, check(broken));
        String problems = f.getErrorsAndWarnings().toString();
        assertFalse(f.getErrorsAndWarnings().isEmpty());
        assertTrue(problems.contains("vendor"), problems);
    }

    @Test
    void aBadSinceBuildFails() throws IOException {
        Path broken = rewritePluginXml(xml -> xml.replace("since-build=\"242\"", "since-build=\"not.a.build\""));
        PluginCreationFail<IdePlugin> f = assertInstanceOf(PluginCreationFail.class, check(broken));
        assertTrue(f.getErrorsAndWarnings().toString().contains("since-build"), f.getErrorsAndWarnings().toString());
    }

    /** A copy of the packaged zip whose plugin jar has {@code edit} applied to its plugin.xml. */
    private Path rewritePluginXml(UnaryOperator<String> edit) throws IOException {
        Path out = dir.resolve("broken.zip");
        boolean edited = false;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip())); ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().startsWith(PLUGIN_JAR)) {
                    bytes = rewriteJar(bytes, edit);
                    edited = true;
                }
                zo.putNextEntry(new ZipEntry(e.getName()));
                zo.write(bytes);
                zo.closeEntry();
            }
        }
        assertTrue(edited, "the zip has the plugin jar");
        return out;
    }

    private static byte[] rewriteJar(byte[] jar, UnaryOperator<String> edit) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar)); ZipOutputStream out = new ZipOutputStream(buf)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("META-INF/plugin.xml")) {
                    String before = new String(bytes, StandardCharsets.UTF_8);
                    String after = edit.apply(before);
                    assertFalse(before.equals(after), "the edit changed plugin.xml");
                    bytes = after.getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return buf.toByteArray();
    }

    private static List<String> entries(byte[] jar) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        try (InputStream raw = new ByteArrayInputStream(jar); ZipInputStream in = new ZipInputStream(raw)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) out.add(e.getName());
        }
        return out;
    }
}
