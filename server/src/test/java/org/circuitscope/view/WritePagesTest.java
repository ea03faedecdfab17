package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes every picture of the shipped model on samples/prompts/dursley.prompt to a folder, as
 * browser pages (links go to the other files where one exists) and webview pages, for
 * screenshots:
 * {@code mvn -B -o -q -pl core,server test -Dtest=WritePagesTest -Dsurefire.failIfNoSpecifiedTests=false -Dpages.out=/tmp/pages},
 * or {@code main(outDir, [model dir], [prompt file])} from an IDE. Without {@code pages.out} it
 * writes to server/target/pages, where scripts/test opens each in headless Chromium.
 */
class WritePagesTest {
    static final Path PROMPT = Path.of("..", "samples", "prompts", "dursley.prompt").toAbsolutePath().normalize();

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: WritePagesTest OUT_DIR [MODEL_DIR] [PROMPT_FILE]");
        List<Path> files = write(Path.of(args[0]), args.length > 1 ? Path.of(args[1]) : Answers.SHIPPED, args.length > 2 ? Path.of(args[2]) : PROMPT);
        System.out.println("wrote " + files.size() + " pages to " + args[0]);
    }

    /** The pages, as {@code <name>.html} (browser) and {@code <name>.webview.html}, plus index.html; returns the files. */
    static List<Path> write(Path out, Path model, Path prompt) throws Exception {
        Files.createDirectories(out);
        String text = Files.readString(prompt);
        // The last " D" of the prompt predicts "urs": the induction head's moment.
        int line = (int) text.lines().count() - 1;
        String last = text.lines().toList().getLast();
        int at = last.lastIndexOf(" D") + 2;
        List<Path> files = new ArrayList<>();
        try (Answers a = new Answers(model, text)) {
            List<EveryView.Drawn> views = EveryView.of(a, at, line);
            StringBuilder index = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>circuitscope pages</title></head><body><ul>");
            for (EveryView.Drawn v : views) {
                PageOptions browser = PageOptions.browser((command, args) -> views.stream()
                        .filter(o -> o.command().equals(command) && o.args().equals(args)).findFirst()
                        .map(o -> o.name() + ".html").orElse("#" + URLEncoder.encode(command + " " + args, StandardCharsets.UTF_8)));
                Page page = v.page(browser);
                files.add(write(out.resolve(v.name() + ".html"), page.html()));
                files.add(write(out.resolve(v.name() + ".webview.html"), v.page(PageOptions.webview("screenshot")).html()));
                index.append("<li><a href=\"").append(v.name()).append(".html\">").append(Html.escape(page.title())).append("</a></li>");
            }
            files.add(write(out.resolve("index.html"), index.append("</ul></body></html>\n").toString()));
        }
        return files;
    }

    private static Path write(Path file, String html) throws IOException {
        Files.writeString(file, html);
        return file;
    }

    @Test
    void writesEveryPage() throws Exception {
        // target/pages by default: scripts/test then opens each page in headless Chromium (vscode-extension/scripts/pages.mjs).
        String to = System.getProperty("pages.out");
        Path out = to == null || to.isBlank() ? Path.of("target", "pages") : Path.of(to);
        List<Path> files = write(out, Answers.SHIPPED, PROMPT);
        assertEquals(2 * (Pages.commands().size() + 2) + 1, files.size(),
                "two files a view (attention and attribution have two views each), and the index");
        for (Path f : files) {
            String html = Files.readString(f);
            assertFalse(html.contains("id=\"error\""), f + " is an error page: " + html.substring(0, Math.min(400, html.length())));
        }
        if (to != null) System.out.println("wrote " + files.size() + " pages to " + out.toAbsolutePath());
    }
}
