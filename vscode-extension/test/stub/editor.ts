// Fake text documents and editors for unit tests, built from source text.

import { Position, Range, Selection, Uri } from './vscode';

export interface FakeEditor {
    document: {
        uri: Uri;
        languageId: string;
        lineCount: number;
        lineAt(line: number): { text: string; range: Range };
    };
    selection: Selection;
    decorations: Map<unknown, unknown[]>;
    revealed: Range[];
    setDecorations(type: unknown, ranges: unknown[]): void;
    revealRange(range: Range): void;
}

/** An editor on `text` (a Python file at `path`) with the cursor at `line`:0. */
export function fakeEditor(text: string, line = 0, path = '/work/example.py'): FakeEditor {
    const lines = text.split('\n');
    const position = new Position(line, 0);
    const editor: FakeEditor = {
        document: {
            uri: Uri.file(path),
            languageId: 'python',
            lineCount: lines.length,
            lineAt: (index: number) => ({
                text: lines[index],
                range: new Range(index, 0, index, lines[index].length),
            }),
        },
        selection: new Selection(position, position),
        decorations: new Map(),
        revealed: [],
        setDecorations(type, ranges) {
            editor.decorations.set(type, ranges);
        },
        revealRange(range) {
            editor.revealed.push(range);
        },
    };
    return editor;
}
