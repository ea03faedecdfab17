package org.circuitscope.intellij.launch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * server/jvm.options (its header explains the format), read as vscode-extension/src/jvmOptions.ts reads it: each line a
 * condition (all, lsp, batch, thp, joined with +) and one option's words. The plugin reads the copy in its bundle at
 * run time, so a new server's options need no new plugin code.
 */
public final class JvmOptions {
    private JvmOptions() {}

    /** The words of the options whose conditions hold, in the file's order; an unknown condition names its line. */
    public static List<String> select(String text, boolean lsp, boolean thp, String file) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] words = line.split("\\s+");
            boolean all = true;
            for (String c : words[0].split("\\+", -1)) all &= holds(c, lsp, thp, file + ":" + (i + 1));
            if (all) out.addAll(Arrays.asList(words).subList(1, words.length));
        }
        return out;
    }

    private static boolean holds(String condition, boolean lsp, boolean thp, String where) {
        switch (condition) {
            case "all": return true;
            case "lsp": return lsp;
            case "batch": return !lsp;
            case "thp": return thp;
            default:
                throw new IllegalArgumentException(where + ": unknown condition '" + condition + "' (all, lsp, batch, thp, joined with +)");
        }
    }

    /**
     * Whether the server may ask for transparent huge pages, from Linux's /sys/kernel/mm/transparent_hugepage/enabled
     * (null where it cannot be read: not Linux, whose JVMs do not know the option). Anything but {@code [never]} will do.
     */
    public static boolean transparentHugePages(String setting) {
        return setting != null && (setting.contains("[always]") || setting.contains("[madvise]"));
    }
}
