// The extension's own commands, as package.json contributes them with their palette titles (a
// unit test keeps the two lists equal). They ask for what is missing (a head, a mode) and run
// the server's commands (protocol.ts).
export const Palette = {
    inspectHead: 'circuitscope.ui.inspectHead',
    attentionPattern: 'circuitscope.ui.attentionPattern',
    pathExpansion: 'circuitscope.ui.pathExpansion',
    attribute: 'circuitscope.ui.attribute',
    detectHeads: 'circuitscope.ui.detectHeads',
    ablate: 'circuitscope.ui.ablate',
    logitLens: 'circuitscope.ui.logitLens',
    compositionScores: 'circuitscope.ui.compositionScores',
    featureCard: 'circuitscope.ui.featureCard',
    scanExamples: 'circuitscope.ui.scanExamples',
    restartServer: 'circuitscope.ui.restartServer',
} as const;

export type PaletteId = (typeof Palette)[keyof typeof Palette];
