// The server's JVM options file, server/jvm.options (its header explains the format): one list
// read by the launcher, the benchmarks and this extension, which gets a copy beside the jar
// (scripts/package.mjs). Pure: the caller reads the file.

/** What a line's condition is checked against. */
export interface OptionConditions {
    /** The language server (else a batch command). */
    lsp: boolean;
    /** Linux allows transparent huge pages (see transparentHugePages in java.ts). */
    thp: boolean;
}

/** The options whose conditions hold, in the file's order, each split into the words java takes. */
export function jvmOptions(text: string, when: OptionConditions, file = 'jvm.options'): string[] {
    const out: string[] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#')) return;
        const [condition, ...words] = line.split(/\s+/);
        if (condition.split('+').every(c => holds(c, when, `${file}:${i + 1}`))) out.push(...words);
    });
    return out;
}

function holds(condition: string, when: OptionConditions, where: string): boolean {
    switch (condition) {
        case 'all': return true;
        case 'lsp': return when.lsp;
        case 'batch': return !when.lsp;
        case 'thp': return when.thp;
        default: throw new Error(`${where}: unknown condition '${condition}' (all, lsp, batch, thp, joined with +)`);
    }
}

/**
 * The language server's lines of server/jvm.options, for an extension whose copy is missing (a
 * broken package): the server still starts as it would with the file. A test keeps the two equal.
 */
export const BUILT_IN_JVM_OPTIONS = [
    'all --add-modules jdk.incubator.vector',
    'all --enable-native-access=ALL-UNNAMED',
    'all -XX:MaxRAMPercentage=75',
    'lsp -XX:MaxGCPauseMillis=10',
    'lsp -XX:G1PeriodicGCInterval=10000',
    'lsp -XX:MinHeapFreeRatio=20',
    'lsp -XX:MaxHeapFreeRatio=40',
    'all -Xlog:disable',
    'all -Xlog:all=warning:stderr',
].join('\n');
