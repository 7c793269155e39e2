// The extension's commands: each reads the editor, calls one server command, and hands the
// answer to the prediction store (which redraws the decorations and the status bar).
//
// Client command IDs differ from the server's command names on purpose: the language client
// registers a VS Code command for every command the server advertises, and registering the same
// ID twice fails.

import * as vscode from 'vscode';
import { enclosingFunction, type FunctionSpan } from './layout';
import {
    editorLine,
    predictInputsArgs,
    predictTraceArgs,
    readInputs,
    readModelStatus,
    readRanges,
    readTrace,
    SERVER_COMMANDS,
    sliceArgs,
    STEP_COMMANDS,
    stepArgs,
    verifyArgs,
    verifySummary,
    type ModelStatus,
    type StepAction,
} from './protocol';
import type { PredictionStore } from './session';

export const CLIENT_COMMANDS = {
    predict: 'neurodebug.predictTrace',
    stepInto: 'neurodebug.neuralStepInto',
    stepOver: 'neurodebug.neuralStepOver',
    stepOut: 'neurodebug.neuralStepOut',
    continue: 'neurodebug.neuralContinue',
    predictInputs: 'neurodebug.predictInputsForOutput',
    verify: 'neurodebug.verifyWithDebugpy',
    slice: 'neurodebug.showSlice',
    clear: 'neurodebug.clear',
    restart: 'neurodebug.restart',
    showLog: 'neurodebug.showLog',
} as const;

/** How the server's errors read when predictions are unavailable (no neural extra, no checkpoint). */
export const MODEL_UNAVAILABLE = /predictions are unavailable|neural extra|checkpoint/i;

/** Set while a document has a prediction: the neural step keybindings are live only then. */
export const SESSION_CONTEXT_KEY = 'neurodebug.neuralSession';

/** Sends `workspace/executeCommand`; rejects when the server is not running. */
export type Execute = (command: string, args: unknown[]) => Promise<unknown>;

export interface CommandDeps {
    execute: Execute;
    store: PredictionStore;
    restart(): Promise<void>;
    showLog(): void;
    /** Highlight the ranges of a slice in an editor (empty clears it). */
    showSlice(editor: vscode.TextEditor, ranges: vscode.Range[]): void;
    /** The `neurodebug.modelBits` setting the server loads the model with. */
    modelBits(): number | undefined;
}

const ENTRY_COMMENT = /#\s*neurodebug:\s*(\S.*)$/;

/** The entry call a `# neurodebug: f(3, [1, 2])` comment gives for the function, if any. */
export function configuredEntry(lines: string[], span: FunctionSpan): string | undefined {
    const name = /def\s+([A-Za-z_]\w*)/.exec(lines[span.start])?.[1];
    if (name === undefined) {
        return undefined;
    }
    for (const line of lines) {
        const entry = ENTRY_COMMENT.exec(line)?.[1]?.trim();
        if (entry !== undefined && entry.startsWith(`${name}(`)) {
            return entry;
        }
    }
    return undefined;
}

function documentLines(document: vscode.TextDocument): string[] {
    return Array.from({ length: document.lineCount }, (_, line) => document.lineAt(line).text);
}

/** Run a server command and time it, as the status bar shows the latency. */
async function timed(deps: CommandDeps, command: string, args: unknown): Promise<{ answer: unknown; ms: number }> {
    const started = Date.now();
    try {
        const answer = await deps.execute(command, [args]);
        return { answer, ms: Date.now() - started };
    } catch (error) {
        // The server answers neural commands with one clear error when the model is unavailable.
        const message = error instanceof Error ? error.message : String(error);
        if (MODEL_UNAVAILABLE.test(message)) {
            deps.store.facts.model = { loaded: false, bits: undefined, detail: message };
        }
        throw error;
    }
}

/** What an answer says about the model; a neural answer at all means it is loaded. */
function modelFacts(deps: CommandDeps, answer: unknown): ModelStatus {
    return readModelStatus(answer) ?? { loaded: true, bits: deps.modelBits(), detail: undefined };
}

function pythonEditor(): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || editor.document.languageId !== 'python') {
        void vscode.window.showInformationMessage('neurodebug: open a Python file first.');
        return undefined;
    }
    return editor;
}

function errorText(answer: unknown): string | undefined {
    if (typeof answer === 'object' && answer !== null && 'error' in answer) {
        return String((answer as { error: unknown }).error);
    }
    return undefined;
}

/** Predict the trace of the function under the cursor (or at `line` when a code lens passes it). */
export async function predict(deps: CommandDeps, entryArg?: string): Promise<void> {
    const editor = pythonEditor();
    if (editor === undefined) {
        return;
    }
    const lines = documentLines(editor.document);
    const span = enclosingFunction(lines, editor.selection.active.line);
    if (span === undefined) {
        void vscode.window.showInformationMessage('neurodebug: place the cursor inside a function to predict it.');
        return;
    }
    const entry = entryArg ?? configuredEntry(lines, span) ?? (await askEntry(lines, span));
    if (entry === undefined) {
        return;
    }
    const uri = editor.document.uri.toString();
    const { answer, ms } = await timed(deps, SERVER_COMMANDS.predictTrace, predictTraceArgs(uri, span.start, entry));
    const trace = readTrace(answer);
    if (trace === undefined || trace.steps.length === 0) {
        void vscode.window.showWarningMessage(`neurodebug: no prediction for ${entry}${suffix(errorText(answer))}`);
        return;
    }
    deps.store.set(uri, { trace, latencyMs: ms, model: modelFacts(deps, answer) }, span, entry);
    await vscode.commands.executeCommand('setContext', SESSION_CONTEXT_KEY, true);
}

function suffix(detail: string | undefined): string {
    return detail === undefined ? '.' : `: ${detail}`;
}

/**
 * One neural step from the stop the neural debugger stands on; without a prediction, the first
 * step starts at the function's first line. Moves the marker and the cursor to the new stop.
 */
export async function step(deps: CommandDeps, action: StepAction): Promise<void> {
    const editor = pythonEditor();
    if (editor === undefined) {
        return;
    }
    const uri = editor.document.uri.toString();
    const lines = documentLines(editor.document);
    const current = deps.store.get(uri);
    const span = current?.span ?? enclosingFunction(lines, editor.selection.active.line);
    if (span === undefined) {
        void vscode.window.showInformationMessage('neurodebug: place the cursor inside a function to step through it.');
        return;
    }
    const entry = current?.entry ?? configuredEntry(lines, span) ?? (await askEntry(lines, span));
    if (entry === undefined) {
        return;
    }
    const stop = current?.trace.steps[current.stop] ?? null;
    const breakpoints = action === 'continue' ? breakpointLines(uri) : undefined;
    const { answer, ms } = await timed(
        deps,
        STEP_COMMANDS[action],
        stepArgs(uri, span.start, stop, entry, breakpoints),
    );
    const trace = readTrace(answer);
    const next = trace?.steps[0];
    if (trace === undefined || next === undefined) {
        const result = trace?.exception ?? trace?.result;
        const ending =
            result === null || result === undefined ? '' : ` (${trace?.exception ? 'raises' : 'returns'} ${result})`;
        void vscode.window.showInformationMessage(`neurodebug: the model predicts the call ends here${ending}.`);
        return;
    }
    const prediction = { trace, latencyMs: ms, model: modelFacts(deps, answer) };
    if (current === undefined) {
        deps.store.set(uri, prediction, span, entry);
        await vscode.commands.executeCommand('setContext', SESSION_CONTEXT_KEY, true);
    } else {
        deps.store.advance(uri, prediction);
    }
    const position = new vscode.Position(editorLine(next.line), 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** 1-based lines of the enabled editor breakpoints in a document: where Neural Continue stops. */
export function breakpointLines(uri: string): number[] {
    return vscode.debug.breakpoints
        .filter(
            (breakpoint): breakpoint is vscode.SourceBreakpoint =>
                breakpoint instanceof vscode.SourceBreakpoint &&
                breakpoint.enabled &&
                breakpoint.location.uri.toString() === uri,
        )
        .map((breakpoint) => breakpoint.location.range.start.line + 1)
        .sort((a, b) => a - b);
}

/** Ask for the call to start from, prefilled with the function's name. */
async function askEntry(lines: string[], span: FunctionSpan): Promise<string | undefined> {
    const name = /def\s+([A-Za-z_]\w*)/.exec(lines[span.start])?.[1] ?? 'f';
    return vscode.window.showInputBox({
        title: 'neurodebug: the call to predict',
        prompt: 'The call to start from (tip: a "# neurodebug: …" comment above the function saves it)',
        value: `${name}()`,
        valueSelection: [name.length + 1, name.length + 1],
    });
}

/** Ask for an output, then show the inputs the model predicts for it; one pick predicts from it. */
export async function predictInputs(deps: CommandDeps): Promise<void> {
    const editor = pythonEditor();
    if (editor === undefined) {
        return;
    }
    const lines = documentLines(editor.document);
    const span = enclosingFunction(lines, editor.selection.active.line);
    if (span === undefined) {
        void vscode.window.showInformationMessage('neurodebug: place the cursor inside a function.');
        return;
    }
    const output = await vscode.window.showInputBox({
        title: 'neurodebug: predict inputs',
        prompt: 'The return value to find inputs for (a Python literal)',
    });
    if (output === undefined) {
        return;
    }
    const uri = editor.document.uri.toString();
    const { answer } = await timed(deps, SERVER_COMMANDS.predictInputs, predictInputsArgs(uri, span.start, output));
    const inputs = readInputs(answer);
    if (inputs.length === 0) {
        void vscode.window.showWarningMessage(
            `neurodebug: no inputs predicted for ${output}${suffix(errorText(answer))}`,
        );
        return;
    }
    const labels = inputs.map((input) =>
        input.verified === true
            ? `${input.entry}  ✓ checked`
            : input.verified === false
              ? `${input.entry}  ✗ wrong`
              : input.entry,
    );
    const picked = await vscode.window.showQuickPick(labels, {
        title: `Inputs predicted to return ${output}`,
        placeHolder: 'Pick one to predict its trace',
    });
    if (picked !== undefined) {
        await predict(deps, inputs[labels.indexOf(picked)].entry);
    }
}

/** Run the function for real under debugpy; the server reports mismatches as diagnostics. */
export async function verify(deps: CommandDeps): Promise<void> {
    const editor = pythonEditor();
    if (editor === undefined) {
        return;
    }
    const uri = editor.document.uri.toString();
    const lines = documentLines(editor.document);
    const span = enclosingFunction(lines, editor.selection.active.line);
    if (span === undefined) {
        void vscode.window.showInformationMessage('neurodebug: place the cursor inside a function.');
        return;
    }
    const entry = deps.store.get(uri)?.entry ?? configuredEntry(lines, span);
    const answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'neurodebug: running under debugpy…' },
        () => deps.execute(SERVER_COMMANDS.verify, [verifyArgs(uri, span.start, entry)]),
    );
    void vscode.window.showInformationMessage(
        `neurodebug: verified${suffix(verifySummary(answer) ?? errorText(answer))}`,
    );
}

/** Highlight the backward slice of the name under the cursor. */
export async function slice(deps: CommandDeps): Promise<void> {
    const editor = pythonEditor();
    if (editor === undefined) {
        return;
    }
    const { line, character } = editor.selection.active;
    const answer = await deps.execute(SERVER_COMMANDS.slice, [
        sliceArgs(editor.document.uri.toString(), line, character),
    ]);
    const ranges = readRanges(answer).map(
        (range) => new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character),
    );
    if (ranges.length === 0) {
        void vscode.window.showInformationMessage(`neurodebug: nothing to slice here${suffix(errorText(answer))}`);
    }
    deps.showSlice(editor, ranges);
}

/** Drop every prediction (here and the server's inlay hints) and every slice highlight. */
export async function clear(deps: CommandDeps): Promise<void> {
    const uris = deps.store.uris();
    deps.store.clear();
    for (const editor of vscode.window.visibleTextEditors) {
        deps.showSlice(editor, []);
    }
    await vscode.commands.executeCommand('setContext', SESSION_CONTEXT_KEY, false);
    for (const uri of uris) {
        // The server keeps hints for predictions it made; a stopped server has none to clear.
        await deps.execute(SERVER_COMMANDS.clearPredictions, [{ uri }]).catch(() => undefined);
    }
}

/**
 * Use the answer of a server command run outside these commands: the code lenses run the
 * server's commands directly, and their answers should show like those the client asked for.
 */
export function absorbServerResult(
    store: PredictionStore,
    command: string,
    args: unknown[],
    result: unknown,
    ms: number,
): void {
    const first = args[0] as { uri?: unknown; line?: unknown; entry?: unknown } | undefined;
    if (typeof first?.uri !== 'string') {
        return;
    }
    if (command === SERVER_COMMANDS.verify) {
        void vscode.window.showInformationMessage(`neurodebug: verified${suffix(verifySummary(result))}`);
        return;
    }
    if (command === SERVER_COMMANDS.functionHints) {
        void showHints(first.uri, result);
        return;
    }
    const trace = readTrace(result);
    const editor = vscode.window.visibleTextEditors.find((each) => each.document.uri.toString() === first.uri);
    if (
        command !== SERVER_COMMANDS.predictTrace ||
        trace === undefined ||
        trace.steps.length === 0 ||
        editor === undefined
    ) {
        return;
    }
    const line = typeof first.line === 'number' ? first.line : editorLine(trace.steps[0].line);
    const span = enclosingFunction(documentLines(editor.document), line);
    const answered = (result as { entry?: unknown }).entry;
    const entry = typeof first.entry === 'string' ? first.entry : typeof answered === 'string' ? answered : undefined;
    store.set(first.uri, { trace, latencyMs: ms, model: readModelStatus(result) }, span, entry);
    void vscode.commands.executeCommand('setContext', SESSION_CONTEXT_KEY, true);
}

/** The "N performance hints" lens: list the hints; picking one moves the cursor to it. */
async function showHints(uri: string, result: unknown): Promise<void> {
    const hints = (
        result as { hints?: { code: string; message: string; range: { start: { line: number; character: number } } }[] }
    ).hints;
    if (!Array.isArray(hints) || hints.length === 0) {
        void vscode.window.showInformationMessage('neurodebug: no performance hints in this function.');
        return;
    }
    const labels = hints.map((hint) => `${hint.code}: ${hint.message} (line ${hint.range.start.line + 1})`);
    const picked = await vscode.window.showQuickPick(labels, { title: 'Performance hints' });
    const editor = vscode.window.visibleTextEditors.find((each) => each.document.uri.toString() === uri);
    if (picked !== undefined && editor !== undefined) {
        const { line, character } = hints[labels.indexOf(picked)].range.start;
        const position = new vscode.Position(line, character);
        editor.selection = new vscode.Selection(position, position);
        editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
}

/** Show failures of a command as one error message instead of an unhandled rejection. */
function guarded(name: string, action: () => Promise<void>): () => Promise<void> {
    return async () => {
        try {
            await action();
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            void vscode.window.showErrorMessage(`neurodebug: ${name} failed: ${message}`);
        }
    };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
    const table: [string, string, () => Promise<void>][] = [
        [CLIENT_COMMANDS.predict, 'predict trace', () => predict(deps)],
        [CLIENT_COMMANDS.stepInto, 'neural step into', () => step(deps, 'into')],
        [CLIENT_COMMANDS.stepOver, 'neural step over', () => step(deps, 'over')],
        [CLIENT_COMMANDS.stepOut, 'neural step out', () => step(deps, 'out')],
        [CLIENT_COMMANDS.continue, 'neural continue', () => step(deps, 'continue')],
        [CLIENT_COMMANDS.predictInputs, 'predict inputs', () => predictInputs(deps)],
        [CLIENT_COMMANDS.verify, 'verify with debugpy', () => verify(deps)],
        [CLIENT_COMMANDS.slice, 'show slice', () => slice(deps)],
        [CLIENT_COMMANDS.clear, 'clear predictions', () => clear(deps)],
        [CLIENT_COMMANDS.restart, 'restart', () => deps.restart()],
        [CLIENT_COMMANDS.showLog, 'show log', async () => deps.showLog()],
    ];
    return table.map(([id, name, action]) => vscode.commands.registerCommand(id, guarded(name, action)));
}
