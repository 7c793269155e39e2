// The server's `workspace/executeCommand` commands as the client calls them, and tolerant readers
// of what they return. Names and shapes follow the docstring of server/commands.py; keep the two
// in step (the integration test checks every name here against the commands the real server
// advertises, and calls them with these builders).
//
// Every command takes one JSON object. Positions the client sends are LSP 0-based; lines inside
// a Step are the tracer's 1-based source lines (the shared trace schema). `editorLine` is the
// only place one becomes the other.

/** Server command names (`workspace/executeCommand`). */
export const SERVER_COMMANDS = {
    predictTrace: 'neurodebug.predict',
    stepInto: 'neurodebug.stepInto',
    stepOver: 'neurodebug.stepOver',
    stepOut: 'neurodebug.stepOut',
    continue: 'neurodebug.continue',
    predictInputs: 'neurodebug.predictInputs',
    verify: 'neurodebug.verify',
    slice: 'neurodebug.slice',
    functionHints: 'neurodebug.functionHints',
    predictFromState: 'neurodebug.predictFromState',
    clearPredictions: 'neurodebug.clearPredictions',
    /** `{uri}` → `{version, length, sha256}` of the server's copy; for sync checks, not the UI. */
    documentDigest: 'neurodebug.documentDigest',
} as const;

/** Debugger actions of a neural step. */
export type StepAction = 'into' | 'over' | 'out' | 'continue';

/** The server command of each neural step action. */
export const STEP_COMMANDS: Record<StepAction, string> = {
    into: SERVER_COMMANDS.stepInto,
    over: SERVER_COMMANDS.stepOver,
    out: SERVER_COMMANDS.stepOut,
    continue: SERVER_COMMANDS.continue,
};

/** One stop of a (predicted or real) trace: the state before `line` runs. */
export interface Step {
    line: number;
    event: string;
    function: string;
    depth: number;
    locals: Record<string, string>;
    /** At a return: the returned value's repr; at an exception: "TypeName: message". */
    value?: string;
    /** How sure a prediction is of this stop (absent: certain — a real run, or folded exactly). */
    probability?: number;
}

export interface Trace {
    steps: Step[];
    result: string | null;
    exception: string | null;
    /**
     * Whether the steps run to the end of the call. Only a complete trace says which lines do
     * not run: a single stop from a neural step, or a rollout cut at the step limit, does not.
     */
    complete: boolean;
}

/** A prediction as the client keeps it: the trace plus what the server said about the model. */
export interface Prediction {
    trace: Trace;
    /** Wall-clock time of the request as the client measured it. */
    latencyMs: number;
    model: ModelStatus | undefined;
}

export interface ModelStatus {
    loaded: boolean;
    bits: number | undefined;
    detail: string | undefined;
}

/** 0-based editor line of a 1-based trace line. */
export function editorLine(traceLine: number): number {
    return traceLine - 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readLocals(value: unknown): Record<string, string> {
    const locals: Record<string, string> = {};
    if (isRecord(value)) {
        for (const [name, repr] of Object.entries(value)) {
            locals[name] = typeof repr === 'string' ? repr : JSON.stringify(repr);
        }
    }
    return locals;
}

/** A Step from JSON, or undefined when it has no usable line. */
export function readStep(value: unknown): Step | undefined {
    if (!isRecord(value) || typeof value.line !== 'number' || !Number.isInteger(value.line)) {
        return undefined;
    }
    const step: Step = {
        line: value.line,
        event: typeof value.event === 'string' ? value.event : 'line',
        function: typeof value.function === 'string' ? value.function : '',
        depth: typeof value.depth === 'number' ? value.depth : 0,
        locals: readLocals(value.locals),
    };
    if (typeof value.value === 'string') {
        step.value = value.value;
    }
    if (typeof value.probability === 'number' && value.probability >= 0 && value.probability < 1) {
        step.probability = value.probability;
    }
    return step;
}

/**
 * A Trace from a command result: `{trace: {stops, result, exception}}` (predict), a bare trace,
 * `{stops: [...]}` (predictFromState) or `{stop: step | null, result?, exception?}` (a step).
 */
export function readTrace(value: unknown): Trace | undefined {
    if (!isRecord(value)) {
        return undefined;
    }
    const inner = isRecord(value.trace) ? value.trace : value;
    const list = Array.isArray(inner.stops) ? inner.stops : Array.isArray(inner.steps) ? inner.steps : undefined;
    const single = 'stop' in inner ? [inner.stop] : undefined;
    const raw = list ?? single;
    if (raw === undefined) {
        return undefined;
    }
    const steps = raw.map(readStep).filter((step): step is Step => step !== undefined);
    const text = (field: unknown): string | null => (typeof field === 'string' ? field : null);
    return { steps, result: text(inner.result), exception: text(inner.exception), complete: isComplete(inner, steps) };
}

/** A trace is complete when the server says it ended, else when it ends by leaving the entry frame. */
function isComplete(trace: Record<string, unknown>, steps: Step[]): boolean {
    if (typeof trace.status === 'string') {
        return trace.status === 'ok' || trace.status === 'exception';
    }
    if (single(trace) || steps.length === 0) {
        return false;
    }
    const last = steps[steps.length - 1];
    const entryDepth = Math.min(...steps.map((step) => step.depth));
    return (last.event === 'return' || last.event === 'exception') && last.depth === entryDepth;
}

function single(trace: Record<string, unknown>): boolean {
    return 'stop' in trace && !Array.isArray(trace.stops) && !Array.isArray(trace.steps);
}

/** What a result or a status answer says about the model, if anything. */
export function readModelStatus(value: unknown): ModelStatus | undefined {
    if (!isRecord(value)) {
        return undefined;
    }
    const model = isRecord(value.model) ? value.model : undefined;
    if (model === undefined) {
        return undefined;
    }
    return {
        loaded: model.loaded === true,
        bits: typeof model.bits === 'number' ? model.bits : undefined,
        detail: typeof model.detail === 'string' ? model.detail : undefined,
    };
}

/** A 0-based LSP range as the server returns it. */
export interface LspRange {
    start: { line: number; character: number };
    end: { line: number; character: number };
}

function isRange(value: unknown): value is LspRange {
    const isPos = (pos: unknown): boolean =>
        isRecord(pos) && typeof pos.line === 'number' && typeof pos.character === 'number';
    return isRecord(value) && isPos(value.start) && isPos(value.end);
}

/** The ranges of a slice result: `{ranges: [...]}` or a bare list. */
export function readRanges(value: unknown): LspRange[] {
    const list = isRecord(value) ? value.ranges : value;
    return Array.isArray(list) ? list.filter(isRange) : [];
}

/** Predicted inputs: `{candidates: [{entry: "f(…)", verified}]}` as call texts. */
export function readInputs(value: unknown): { entry: string; verified: boolean | null }[] {
    const list = isRecord(value) ? value.candidates : undefined;
    if (!Array.isArray(list)) {
        return [];
    }
    return list
        .filter((item): item is Record<string, unknown> => isRecord(item) && typeof item.entry === 'string')
        .map((item) => ({
            entry: item.entry as string,
            verified: typeof item.verified === 'boolean' ? item.verified : null,
        }));
}

/** A one-line account of a verify result: how many stops matched the prediction. */
export function verifySummary(value: unknown): string | undefined {
    if (!isRecord(value) || !Array.isArray(value.mismatches)) {
        return undefined;
    }
    const actual = readTrace(value.actual);
    const stops = actual === undefined ? '' : ` over ${actual.steps.length} real stops`;
    const count = value.mismatches.length;
    return count === 0
        ? `the prediction matches the real run${stops}`
        : `${count} mismatch${count === 1 ? '' : 'es'}${stops}; see the Problems panel`;
}

// Argument builders: one object per command, as server/commands.py documents it.

/** Predict the trace of the function whose `def` is at `line`, called as `entry`. */
export function predictTraceArgs(uri: string, line: number, entry?: string): Record<string, unknown> {
    return entry === undefined ? { uri, line } : { uri, line, entry };
}

/** One neural step from `stop` (null: the function's first line); continue runs to `breakpoints`. */
export function stepArgs(
    uri: string,
    line: number,
    stop: Step | null,
    entry?: string,
    breakpoints?: number[],
): Record<string, unknown> {
    const args: Record<string, unknown> = entry === undefined ? { uri, line, stop } : { uri, line, entry, stop };
    if (breakpoints !== undefined && breakpoints.length > 0) {
        args.breakpoints = breakpoints;
    }
    return args;
}

/** Predict inputs of the function at `line` that would produce `output` (a repr). */
export function predictInputsArgs(uri: string, line: number, output: string): Record<string, unknown> {
    return { uri, line, output };
}

/** Run the function at `line` for real under debugpy and compare with the prediction. */
export function verifyArgs(uri: string, line: number, entry?: string): Record<string, unknown> {
    return entry === undefined ? { uri, line } : { uri, line, entry };
}

/** The backward slice of the variable at a position. */
export function sliceArgs(uri: string, line: number, character: number): Record<string, unknown> {
    return { uri, line, character };
}

/** The next `count` predicted stops from a real stop at 0-based `line` with `locals`. */
export function predictFromStateArgs(
    uri: string,
    line: number,
    locals: Record<string, string>,
    count: number,
): Record<string, unknown> {
    return { uri, line: line + 1, locals, count };
}
