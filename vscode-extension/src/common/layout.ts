// Where the predicted path is drawn: pure functions from a prediction and the document's text to
// editor lines, so the layout is tested without an editor (decorations.ts paints it).
//
// Semantics follow the shared trace schema: a stop's locals are the state *before* its line
// runs, so what line L writes is visible at the next stop in the same frame (the next stop at the
// same depth, or the frame's return).

import { editorLine, type Step, type Trace } from './protocol';

/** A function's lines in the editor, 0-based and inclusive; `start` is the `def` line. */
export interface FunctionSpan {
    start: number;
    end: number;
}

export interface GhostValue {
    /** 0-based editor line the text is drawn after. */
    line: number;
    /** What the line writes on its last predicted run, cut to the width limit. */
    text: string;
    /** The full values and how often the line ran, for the hover. */
    hover: string;
    /** The prediction is less sure of these values than the confidence threshold. */
    uncertain: boolean;
}

/** Predicted values below this probability are drawn as uncertain (`≈`, lighter). */
export const CONFIDENT_AT = 0.9;

export interface DecorationLayout {
    ghosts: GhostValue[];
    /** 0-based line of the predicted next stop (where the neural debugger stands). */
    nextStop: number | undefined;
    /** 0-based lines of the function predicted not to run. */
    dimmed: number[];
}

const INDENT = /^(\s*)/;

function indentOf(text: string): number {
    return (INDENT.exec(text)?.[1] ?? '').replace(/\t/g, '    ').length;
}

function isBlankOrComment(text: string): boolean {
    const trimmed = text.trim();
    return trimmed === '' || trimmed.startsWith('#');
}

/** The innermost `def` around `line` (0-based), found by indentation; undefined outside any. */
export function enclosingFunction(lines: string[], line: number): FunctionSpan | undefined {
    let probe = Math.min(line, lines.length - 1);
    let ceiling = Number.POSITIVE_INFINITY;
    // A cursor on a blank line belongs to the block of the nearest code line above it.
    while (probe >= 0 && isBlankOrComment(lines[probe])) {
        probe -= 1;
    }
    if (probe >= 0 && !/^\s*(async\s+)?def\s/.test(lines[probe])) {
        ceiling = indentOf(lines[probe]);
    }
    for (let index = probe; index >= 0; index -= 1) {
        const text = lines[index];
        if (isBlankOrComment(text)) {
            continue;
        }
        const indent = indentOf(text);
        const isDef = /^\s*(async\s+)?def\s/.test(text);
        if (isDef && (index === probe || indent < ceiling)) {
            return { start: index, end: functionEnd(lines, index, indent) };
        }
        ceiling = Math.min(ceiling, indent);
    }
    return undefined;
}

function functionEnd(lines: string[], defLine: number, defIndent: number): number {
    let end = defLine;
    for (let index = defLine + 1; index < lines.length; index += 1) {
        if (isBlankOrComment(lines[index])) {
            continue;
        }
        if (indentOf(lines[index]) <= defIndent) {
            break;
        }
        end = index;
    }
    return end;
}

/** Cut `text` to `width` characters with an ellipsis (a width below 2 leaves it whole). */
export function cut(text: string, width: number): string {
    return width >= 2 && text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The stop where the effect of steps[index] shows: the next stop of the same frame. */
function effectStop(steps: Step[], index: number): Step | undefined {
    const depth = steps[index].depth;
    for (let next = index + 1; next < steps.length; next += 1) {
        if (steps[next].depth === depth) {
            return steps[next];
        }
        if (steps[next].depth < depth) {
            return undefined;
        }
    }
    return undefined;
}

/**
 * Names whose value differs between two stops, in the order the later stop lists them; when the
 * later stop is the frame's return (or an exception) at this line, what it returns (or raises).
 */
function written(before: Step, after: Step): [string, string][] {
    const changed = Object.entries(after.locals).filter(([name, value]) => before.locals[name] !== value);
    if (
        after.value !== undefined &&
        after.line === before.line &&
        (after.event === 'return' || after.event === 'exception')
    ) {
        changed.push([after.event === 'return' ? 'return' : 'raise', after.value]);
    }
    return changed;
}

/** Ghost text per line: what the line wrote on its last run that wrote, and how often it ran. */
export function ghostValues(trace: Trace, width: number, confidentAt: number = CONFIDENT_AT): GhostValue[] {
    const byLine = new Map<number, { values: [string, string][]; runs: number; sure: number }>();
    trace.steps.forEach((step, index) => {
        if (step.event !== 'line') {
            return;
        }
        const after = effectStop(trace.steps, index);
        const entry = byLine.get(step.line) ?? { values: [], runs: 0, sure: 1 };
        entry.runs += 1;
        const values = after === undefined ? [] : written(step, after);
        // A loop header's last run (the exhausted iterator) writes nothing: keep the last values.
        if (values.length > 0) {
            entry.values = values;
            entry.sure = after?.probability ?? 1;
        }
        byLine.set(step.line, entry);
    });
    const ghosts: GhostValue[] = [];
    for (const [line, { values, runs, sure }] of [...byLine.entries()].sort((a, b) => a[0] - b[0])) {
        if (values.length === 0) {
            continue;
        }
        const shown = values.map(([name, value]) =>
            name === 'return' || name === 'raise' ? `${name} ${value}` : `${name} = ${value}`,
        );
        const uncertain = sure < confidentAt;
        const prefix = uncertain ? '≈ ' : '';
        const times = runs > 1 ? `  (×${runs})` : '';
        const notes = [runs > 1 ? `last of ${runs} runs` : '', sure < 1 ? `probability ${Math.round(100 * sure)}%` : '']
            .filter((note) => note !== '')
            .join(' · ');
        const hover = shown.join('\n');
        ghosts.push({
            line: editorLine(line),
            text: prefix + cut(shown.join(', '), Math.max(4, width - prefix.length)) + times,
            hover: notes === '' ? hover : `${hover}\n\n${notes}`,
            uncertain,
        });
    }
    return ghosts;
}

/**
 * The lines of every statement in `span` after the `def` header, first line first, skipping
 * blank lines, comments and the docstring; continuation lines (open brackets, a trailing
 * backslash, a triple-quoted string) belong to the statement they continue.
 */
export function statementLines(lines: string[], span: FunctionSpan): number[][] {
    const statements: number[][] = [];
    const state: ScanState = { depth: 0, triple: undefined, continued: false };
    let headerOpen = true; // the def header may itself span lines
    let seenBody = false;
    for (let index = span.start; index <= span.end && index < lines.length; index += 1) {
        const text = lines[index];
        const startsStatement = state.depth === 0 && state.triple === undefined && !state.continued;
        if (!headerOpen && startsStatement && !isBlankOrComment(text)) {
            const isDocstring = !seenBody && /^\s*[rbuRBU]?("""|'''|"|')/.test(text);
            seenBody = true;
            statements.push(isDocstring ? [] : [index]);
        } else if (!headerOpen && !startsStatement && statements.length > 0) {
            const last = statements[statements.length - 1];
            if (last.length > 0) {
                last.push(index);
            }
        }
        scanLine(text, state);
        const complete = state.depth === 0 && state.triple === undefined && !state.continued;
        if (headerOpen && complete && /:\s*(#.*)?$/.test(text)) {
            headerOpen = false;
        }
    }
    return statements.filter((statement) => statement.length > 0);
}

interface ScanState {
    /** Open brackets. */
    depth: number;
    /** The quotes of an open triple-quoted string. */
    triple: string | undefined;
    /** The line ended with a backslash. */
    continued: boolean;
}

/** Advance `state` over one line: brackets outside strings and comments, triple quotes. */
function scanLine(text: string, state: ScanState): void {
    let quote: string | undefined;
    let index = 0;
    while (index < text.length) {
        const char = text[index];
        if (state.triple !== undefined) {
            if (char === '\\') {
                index += 2;
                continue;
            }
            if (text.startsWith(state.triple, index)) {
                index += 3;
                state.triple = undefined;
                continue;
            }
        } else if (quote !== undefined) {
            if (char === '\\') {
                index += 1;
            } else if (char === quote) {
                quote = undefined;
            }
        } else if (char === '#') {
            break;
        } else if (text.startsWith('"""', index) || text.startsWith("'''", index)) {
            state.triple = text.slice(index, index + 3);
            index += 3;
            continue;
        } else if (char === '"' || char === "'") {
            quote = char;
        } else if ('([{'.includes(char)) {
            state.depth += 1;
        } else if (')]}'.includes(char)) {
            state.depth = Math.max(0, state.depth - 1);
        }
        index += 1;
    }
    state.continued = state.triple === undefined && /\\\s*$/.test(text);
}

// `else:`, `finally:` and bare `try:` never get a line event of their own: dimming them would
// mark code as dead that runs whenever its body does.
const NO_LINE_EVENT = /^\s*(else|try|finally)\s*:/;

/** Lines of the function no predicted stop reaches. */
export function dimmedLines(lines: string[], span: FunctionSpan, trace: Trace): number[] {
    const visited = new Set(trace.steps.map((step) => editorLine(step.line)));
    const dimmed: number[] = [];
    for (const statement of statementLines(lines, span)) {
        if (NO_LINE_EVENT.test(lines[statement[0]])) {
            continue;
        }
        if (!statement.some((line) => visited.has(line))) {
            dimmed.push(...statement);
        }
    }
    return dimmed;
}

/** Everything to draw for a prediction in one document, with the stop at `stopIndex` current. */
export function layoutPrediction(
    lines: string[],
    span: FunctionSpan | undefined,
    trace: Trace,
    stopIndex: number,
    width: number,
    confidentAt: number = CONFIDENT_AT,
): DecorationLayout {
    const stop = trace.steps[stopIndex];
    return {
        ghosts: ghostValues(trace, width, confidentAt),
        nextStop: stop === undefined ? undefined : editorLine(stop.line),
        dimmed: span === undefined || !trace.complete ? [] : dimmedLines(lines, span, trace),
    };
}
