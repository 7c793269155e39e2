// Paints a prediction into the visible editors: ghost-text values at line ends, a gutter marker
// on the predicted next stop, and the lines predicted not to run dimmed. The layout itself is
// computed by layout.ts; this module only turns it into decoration ranges.

import * as vscode from 'vscode';
import { layoutPrediction, type DecorationLayout } from './layout';
import type { PredictionStore } from './session';

/** The decoration types, created once per activation. */
export interface DecorationTypes {
    ghost: vscode.TextEditorDecorationType;
    /** Ghost values the prediction is unsure of: lighter, and prefixed `≈` by the layout. */
    ghostUncertain: vscode.TextEditorDecorationType;
    nextStop: vscode.TextEditorDecorationType;
    dimmed: vscode.TextEditorDecorationType;
}

export function createDecorationTypes(extensionUri: vscode.Uri): DecorationTypes {
    return {
        ghost: vscode.window.createTextEditorDecorationType({
            after: {
                margin: '0 0 0 2em',
                color: new vscode.ThemeColor('editorInlayHint.foreground'),
                fontStyle: 'italic',
            },
            rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
        ghostUncertain: vscode.window.createTextEditorDecorationType({
            after: {
                margin: '0 0 0 2em',
                color: new vscode.ThemeColor('disabledForeground'),
                fontStyle: 'italic',
            },
            rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
        nextStop: vscode.window.createTextEditorDecorationType({
            gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'next-stop.svg'),
            gutterIconSize: 'contain',
            isWholeLine: true,
            backgroundColor: new vscode.ThemeColor('editor.focusedStackFrameHighlightBackground'),
            overviewRulerColor: new vscode.ThemeColor('debugIcon.stepIntoForeground'),
            overviewRulerLane: vscode.OverviewRulerLane.Left,
        }),
        dimmed: vscode.window.createTextEditorDecorationType({ opacity: '0.45', isWholeLine: true }),
    };
}

/** Decoration options per type for one layout, in the editor's coordinates. */
export function decorationOptions(
    layout: DecorationLayout,
    lineLength: (line: number) => number,
): {
    ghost: vscode.DecorationOptions[];
    ghostUncertain: vscode.DecorationOptions[];
    nextStop: vscode.Range[];
    dimmed: vscode.Range[];
} {
    const option = (value: DecorationLayout['ghosts'][number]): vscode.DecorationOptions => {
        const end = lineLength(value.line);
        const hover = new vscode.MarkdownString();
        hover.appendCodeblock(value.hover, 'python');
        return {
            range: new vscode.Range(value.line, end, value.line, end),
            hoverMessage: hover,
            renderOptions: { after: { contentText: `  ${value.text}` } },
        };
    };
    const ghost = layout.ghosts.filter((value) => !value.uncertain).map(option);
    const ghostUncertain = layout.ghosts.filter((value) => value.uncertain).map(option);
    const wholeLine = (line: number): vscode.Range => new vscode.Range(line, 0, line, 0);
    return {
        ghost,
        ghostUncertain,
        nextStop: layout.nextStop === undefined ? [] : [wholeLine(layout.nextStop)],
        dimmed: layout.dimmed.map(wholeLine),
    };
}

/** Redraw every visible editor of `uri` (or all of them) from the store. */
export function paint(
    types: DecorationTypes,
    store: PredictionStore,
    enabled: boolean,
    width: number,
    uri?: string,
    confidentAt?: number,
): void {
    for (const editor of vscode.window.visibleTextEditors) {
        const editorUri = editor.document.uri.toString();
        if (uri !== undefined && editorUri !== uri) {
            continue;
        }
        const prediction = store.get(editorUri);
        if (!enabled || prediction === undefined) {
            editor.setDecorations(types.ghost, []);
            editor.setDecorations(types.ghostUncertain, []);
            editor.setDecorations(types.nextStop, []);
            editor.setDecorations(types.dimmed, []);
            continue;
        }
        const document = editor.document;
        const lines = Array.from({ length: document.lineCount }, (_, line) => document.lineAt(line).text);
        const layout = layoutPrediction(lines, prediction.span, prediction.trace, prediction.stop, width, confidentAt);
        const inDocument = (line: number): boolean => line >= 0 && line < document.lineCount;
        const options = decorationOptions(
            {
                ghosts: layout.ghosts.filter((ghost) => inDocument(ghost.line)),
                nextStop: layout.nextStop !== undefined && inDocument(layout.nextStop) ? layout.nextStop : undefined,
                dimmed: layout.dimmed.filter(inDocument),
            },
            (line) => lines[line].length,
        );
        editor.setDecorations(types.ghost, options.ghost);
        editor.setDecorations(types.ghostUncertain, options.ghostUncertain);
        editor.setDecorations(types.nextStop, options.nextStop);
        editor.setDecorations(types.dimmed, options.dimmed);
    }
}
