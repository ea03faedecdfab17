// The language server's protocol as this client uses it: command ids, custom request methods,
// parameters and result shapes (the JSON the command line prints with --json, plus an LSP range
// on every token). Everything else in the extension names a command or a result field through
// these. No vscode import: the views and the unit tests use it too.

// ---------------------------------------------------------------- shared shapes

/** An LSP position (lines and UTF-16 characters, unless the client negotiated another encoding). */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/**
 * A token. `position` is its model position (0 is BOS when it is prepended); absent, with the
 * range, for a token that is not in the prompt (a chosen target, a vocabulary token).
 */
export interface TokenRef { position?: number | null; id: number; text: string; range?: Range }

/** A token and a signed score (attribution sources, gradient attributions). */
export interface TokenValue { token: TokenRef; value: number }

/** One additive part of a logit: a path expansion term or a direct attribution component. */
export interface Term { kind: string; label: string; value: number }

/**
 * What an analysis at one position explains: `position` is the logits row analysed, the model
 * position of `token`, whose prediction of `target` (the token at position + 1, or the chosen
 * target) is explained.
 */
export interface PredictionAt { model: string; position: number; token: TokenRef; target: TokenRef }

// ---------------------------------------------------------------- command ids

/** The server's commands (workspace/executeCommand, or the custom request of the same name). */
export const Command = {
    inspectHead: 'circuitscope.inspectHead',
    attentionPattern: 'circuitscope.attentionPattern',
    pathExpansion: 'circuitscope.pathExpansion',
    attribute: 'circuitscope.attribute',
    ablate: 'circuitscope.ablate',
    detectHeads: 'circuitscope.detectHeads',
    logitLens: 'circuitscope.logitLens',
    /** Q, K and V composition of every pair of heads (the paper's figure). */
    compositionScores: 'circuitscope.compositionScores',
    predict: 'circuitscope.predict',
    /** Loss per order of path terms with frozen patterns (drawn by the server). */
    termImportance: 'circuitscope.termImportance',
    /** One sparse-autoencoder feature on the document (drawn by the server). */
    featureCard: 'circuitscope.featureCard',
    /** A corpus scan's top examples of a head or MLP neuron (drawn by the server). */
    scanExamples: 'circuitscope.scanExamples',
} as const;

export type CommandId = (typeof Command)[keyof typeof Command];

export function isCommandId(s: string): s is CommandId {
    return (Object.values(Command) as string[]).includes(s);
}

/** A command's custom request: circuitscope.inspectHead → circuitscope/inspectHead. */
export function requestMethod(command: CommandId): string {
    return command.replace('.', '/');
}

// ---------------------------------------------------------------- parameters

export interface DocumentParams { uri: string }
/** A position in the document: the analysis is of the token there, predicting the next one (or `target`). */
export interface PositionParams extends DocumentParams { position: Position; target?: string }
export interface HeadParams extends DocumentParams { layer: number; head: number }
/** One head of a layer, or all of them without `head`. */
export interface LayerParams extends DocumentParams { layer: number; head?: number }
export interface TopParams extends PositionParams { top?: number }
export interface AttributeParams extends PositionParams { method: AttributionMethod }
/** Heads as labels (L1H6); `mean`: mean ablation over the prompt instead of zero. */
/** Heads to ablate and/or SAE features to scale (`resid0:123=0`); at least one of the two. */
export interface AblateParams extends DocumentParams { heads?: string[]; mean?: boolean; features?: string[] }

/** A feature as `<sae>:<index>` (the SAE's folder name and the feature's index). */
export interface FeatureParams extends DocumentParams { feature: string }
/** One unit of the scan the document names: `head` as "1.0" / "L1H0", or `neuron` as "0.42" / "L0N42". */
export type ScanExamplesParams = DocumentParams & ({ head: string } | { neuron: string });

// ---------------------------------------------------------------- results

export interface PathExpansionResult extends PredictionAt {
    logit: number;
    sum: number;
    n_terms: number;
    /** Largest |value| first. */
    terms: Term[];
    /** Sum of the terms not listed when `top` cut them, 0 otherwise. */
    rest: number;
}

export type GradientMethod = 'saliency' | 'input-x-gradient' | 'integrated-gradients';
export type AttributionMethod = 'direct' | GradientMethod;

export interface HeadAttribution {
    label: string;
    layer: number;
    head: number;
    total: number;
    /** Largest |value| first. */
    sources: TokenValue[];
}

export interface DirectAttributionResult extends PredictionAt {
    method: 'direct';
    contrast: TokenRef | null;
    /** The logit attributed (minus the contrast's, when there is one). */
    value: number;
    sum: number;
    /** In forward order. */
    components: Term[];
    /** Largest |total| first. */
    heads: HeadAttribution[];
}

export interface GradientAttributionResult extends PredictionAt {
    method: GradientMethod;
    steps: number;
    logprob: number;
    baseline_logprob: number | null;
    completeness_error: number | null;
    tokens: TokenValue[];
}

export type AttributionResult = DirectAttributionResult | GradientAttributionResult;

export interface AblatedPosition {
    token: TokenRef;
    /** The token predicted at `token`, whose log-probability changed. */
    next: TokenRef;
    logprob: number;
    ablated_logprob: number;
    change: number;
}

export interface AblateResult {
    model: string;
    heads: string[];
    mode: 'zero' | 'mean';
    mean_change: number;
    mean_loss: number;
    ablated_mean_loss: number;
    positions: AblatedPosition[];
    /** SAE features scaled in the same pass, as `<sae>:<index>=<multiplier>`. */
    features?: string[] | null;
}

export interface LensPrediction { id: number; text: string; logit: number; prob: number }

export interface LensLayer {
    index: number;
    /** The residual stream read, by its TransformerLens hook name. */
    hook: string;
    top: LensPrediction[];
    target_logit: number;
    target_logprob: number;
    target_rank: number;
}

export interface LogitLensResult extends PredictionAt { layers: LensLayer[] }

export interface PredictedPosition {
    token: TokenRef;
    /** Of this token given the earlier ones; null where nothing predicted it (the first token). */
    logprob: number | null;
    top: { id: number; text: string; logprob: number }[];
}

export interface PredictResult { model: string; n_tokens: number; mean_loss: number | null; positions: PredictedPosition[] }

/** Rows q hold keys 0..q: the causal part of a head's attention pattern. */
export type Pattern = number[][];

export interface AttentionPatternResult {
    model: string;
    layer: number;
    tokens: TokenRef[];
    heads: { head: number; label: string; pattern: Pattern }[];
}

/** A skip-trigram [source] … [destination] → [out]: vocabulary tokens, so without a position. */
export interface Trigram {
    source: TokenRef;
    destination: TokenRef;
    out: TokenRef;
    score: number;
    qk_score: number;
}

export interface ComposedHead { mode: string; layer: number; head: number; label: string; score: number; over_baseline: number }

export interface Composition { baseline: number; reads_from: ComposedHead[]; writes_to: ComposedHead[] }

/** The detectors' scores of a head, by the names the server gives them. */
export interface DetectorScores {
    previous_token: number;
    duplicate_token: number;
    induction: number;
    induction_repeated_random: number;
}

export interface InspectHeadResult {
    model: string;
    layer: number;
    head: number;
    label: string;
    tokens: TokenRef[];
    pattern: Pattern;
    scores: HeadSummary;
    composition: Composition;
    /** Rotary models only: the QK-based scores leave the rotation out (as TransformerLens's QK circuits). */
    qk_note?: string | null;
}

/** What the head analyses say of one head (the command line's `heads` entries too); skip-trigrams in the head card only. */
export interface HeadSummary extends DetectorScores {
    layer: number;
    head: number;
    label: string;
    ov_copying_score: number;
    qk_copying_score: number;
    skip_trigrams?: Trigram[];
    /** The full OV / QK circuits' nonzero eigenvalues as [re, im] (from the d_head cores). */
    ov_eigenvalues: [number, number][];
    qk_eigenvalues: [number, number][];
}

export interface DetectHeadsResult { model: string; tokens: TokenRef[]; heads: HeadSummary[] }

/** Each command's parameters and result. */
export interface CommandTypes {
    [Command.inspectHead]: { params: HeadParams; result: InspectHeadResult };
    [Command.attentionPattern]: { params: LayerParams; result: AttentionPatternResult };
    [Command.pathExpansion]: { params: TopParams; result: PathExpansionResult };
    [Command.attribute]: { params: AttributeParams; result: AttributionResult };
    [Command.ablate]: { params: AblateParams; result: AblateResult };
    [Command.detectHeads]: { params: DocumentParams; result: DetectHeadsResult };
    [Command.logitLens]: { params: TopParams; result: LogitLensResult };
    /** Only ever drawn by the server (circuitscope/render): the extension reads nothing of its answer. */
    [Command.compositionScores]: { params: DocumentParams; result: unknown };
    [Command.predict]: { params: DocumentParams; result: PredictResult };
    [Command.termImportance]: { params: DocumentParams; result: unknown };
    [Command.featureCard]: { params: FeatureParams; result: unknown };
    [Command.scanExamples]: { params: ScanExamplesParams; result: unknown };
}

export type ParamsOf<C extends CommandId> = CommandTypes[C]['params'];
export type ResultOf<C extends CommandId> = CommandTypes[C]['result'];

// ---------------------------------------------------------------- pictures

/**
 * The server runs a command (as workspace/executeCommand would) and draws its answer, or its
 * error, as a whole HTML page for a webview: inline style and script carry `nonce`, links to
 * other views are elements with data-command and data-args that the page's script posts back
 * as `{command, args}`.
 */
export const RenderMethod = 'circuitscope/render';

export interface RenderParams<C extends CommandId = CommandId> { command: C; args: ParamsOf<C>; nonce?: string }

/** A drawn view: the panel's title and the complete HTML document. */
export interface RenderedPage { title: string; html: string }

/**
 * Told to the server in initializationOptions: this client shows pictures in its own webviews,
 * so hovers and code lenses keep `command:` links (other clients get the server's viewer URLs).
 */
export const PICTURES_IN_WEBVIEWS = { pictures: 'webview' } as const;

// ---------------------------------------------------------------- document status

/** The status bar's request: what the server knows of a document's last analysis. */
export const DocumentStatusMethod = 'circuitscope/documentStatus';

export interface DocumentStatus {
    uri: string;
    /** The document version analysed. */
    version: number;
    model: string | null;
    n_tokens: number;
    /** Tokens with a prediction before them. */
    scored: number;
    /** Nats, over the scored tokens; null when none is scored. */
    mean_loss: number | null;
    /** Why there is no analysis (e.g. the model could not be loaded); null when there is one. */
    problem: string | null;
}
