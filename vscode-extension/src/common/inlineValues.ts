// The bridge between a real debugpy session and the model: when VS Code's debugger stops in a
// Python file, read the stopped frame's locals from the active debug session (DAP `scopes` and
// `variables`), ask the server for the next predicted stops from that real state
// (`neurodebug.predictFromState`), and show what those stops write as inline values, ahead of the
// real debugger.

import * as vscode from 'vscode';
import { ghostValues } from './layout';
import { predictFromStateArgs, readTrace, SERVER_COMMANDS, type Step, type Trace } from './protocol';

/** The part of vscode.DebugSession the bridge uses. */
export interface DebugSessionLike {
    type: string;
    customRequest(command: string, args?: unknown): Thenable<unknown>;
}

/** Sends `workspace/executeCommand` to the server; undefined while it is not running. */
export type Execute = (command: string, args: unknown[]) => Promise<unknown>;

const PYTHON_DEBUGGERS = new Set(['python', 'debugpy']);

// debugpy lists pseudo-entries ("special variables", "function variables") and dunders among
// the locals; neither is a program variable the model knows.
function isProgramVariable(name: string): boolean {
    return !name.includes(' ') && !(name.startsWith('__') && name.endsWith('__'));
}

/** The stopped frame's locals as `name -> repr`, read over DAP. */
export async function frameLocals(session: DebugSessionLike, frameId: number): Promise<Record<string, string>> {
    const scopes = (await session.customRequest('scopes', { frameId })) as {
        scopes?: { name: string; presentationHint?: string; variablesReference: number }[];
    };
    const list = scopes.scopes ?? [];
    const scope = list.find((each) => each.presentationHint === 'locals' || each.name === 'Locals') ?? list[0];
    if (scope === undefined) {
        return {};
    }
    const answer = (await session.customRequest('variables', {
        variablesReference: scope.variablesReference,
    })) as { variables?: { name: string; value: string }[] };
    const locals: Record<string, string> = {};
    for (const variable of answer.variables ?? []) {
        if (isProgramVariable(variable.name)) {
            locals[variable.name] = variable.value;
        }
    }
    return locals;
}

/** Inline texts for the predicted stops after a real stop at `line` (0-based) with `locals`. */
export function predictedInlineTexts(
    line: number,
    locals: Record<string, string>,
    predicted: Step[],
    width: number,
    confidentAt?: number,
): { line: number; text: string }[] {
    const depth = predicted.length > 0 ? predicted[0].depth : 0;
    const here: Step = { line: line + 1, event: 'line', function: '', depth, locals };
    const trace: Trace = { steps: [here, ...predicted], result: null, exception: null, complete: false };
    return ghostValues(trace, width, confidentAt).map((ghost) => ({ line: ghost.line, text: `⟶ ${ghost.text}` }));
}

export class InlineValuesBridge implements vscode.InlineValuesProvider {
    constructor(
        private readonly execute: Execute,
        private readonly settings: () => { enabled: boolean; steps: number; width: number; confidentAt?: number },
        private readonly session: () => DebugSessionLike | undefined = () => vscode.debug.activeDebugSession,
    ) {}

    async provideInlineValues(
        document: vscode.TextDocument,
        viewPort: vscode.Range,
        context: vscode.InlineValueContext,
    ): Promise<vscode.InlineValue[]> {
        const { enabled, steps, width, confidentAt } = this.settings();
        const session = this.session();
        if (!enabled || session === undefined || !PYTHON_DEBUGGERS.has(session.type)) {
            return [];
        }
        const line = context.stoppedLocation.start.line;
        let locals: Record<string, string>;
        let answer: unknown;
        try {
            locals = await frameLocals(session, context.frameId);
            answer = await this.execute(SERVER_COMMANDS.predictFromState, [
                predictFromStateArgs(document.uri.toString(), line, locals, steps),
            ]);
        } catch {
            // No model, no server, or the frame went away: the real debugger's values remain.
            return [];
        }
        const trace = readTrace(answer);
        if (trace === undefined) {
            return [];
        }
        return predictedInlineTexts(line, locals, trace.steps, width, confidentAt)
            .filter((value) => value.line >= viewPort.start.line && value.line <= viewPort.end.line)
            .map((value) => {
                const end = document.lineAt(value.line).range.end;
                return new vscode.InlineValueText(new vscode.Range(end, end), value.text);
            });
    }
}
