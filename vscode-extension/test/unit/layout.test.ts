// Decoration layout from a prediction: which values go at which line ends, where the next-stop
// marker goes, and which lines are dimmed.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cut, dimmedLines, enclosingFunction, ghostValues, layoutPrediction } from '../../src/common/layout';
import { readTrace, type Step, type Trace } from '../../src/common/protocol';

const SOURCE = [
    'def total(items):', // 0
    '    """Sum the even items."""', // 1
    '    acc = 0', // 2
    '    for x in items:', // 3
    '        if x % 2 == 0:', // 4
    '            acc += x', // 5
    '        else:', // 6
    '            print("odd")', // 7
    '    return acc', // 8
    '', // 9
    'print(total([2, 4]))', // 10
];

/** Steps with 1-based lines, as the tracer writes them. */
function steps(...stops: [number, Record<string, string>, string?, string?][]): Step[] {
    return stops.map(([line, locals, event, value]) => ({
        line,
        event: event ?? 'line',
        function: 'total',
        depth: 1,
        locals,
        ...(value === undefined ? {} : { value }),
    }));
}

// total([2, 4]): every item even, so the else branch never runs.
const TRACE: Trace = {
    steps: steps(
        [3, { items: '[2, 4]' }],
        [4, { items: '[2, 4]', acc: '0' }],
        [5, { items: '[2, 4]', acc: '0', x: '2' }],
        [6, { items: '[2, 4]', acc: '0', x: '2' }],
        [4, { items: '[2, 4]', acc: '2', x: '2' }],
        [5, { items: '[2, 4]', acc: '2', x: '4' }],
        [6, { items: '[2, 4]', acc: '2', x: '4' }],
        [4, { items: '[2, 4]', acc: '6', x: '4' }],
        [9, { items: '[2, 4]', acc: '6', x: '4' }],
        [9, { items: '[2, 4]', acc: '6', x: '4' }, 'return', '6'],
    ),
    result: '6',
    exception: null,
    complete: true,
};

describe('ghost values', () => {
    it('puts what each line writes at that line, last iteration and run count for loops', () => {
        const ghosts = ghostValues(TRACE, 40);
        assert.deepEqual(
            ghosts.map((ghost) => [ghost.line, ghost.text]),
            [
                [2, 'acc = 0'],
                [3, 'x = 4  (×3)'],
                [5, 'acc = 6  (×2)'],
                [8, 'return 6'],
            ],
        );
        assert.match(ghosts[2].hover, /acc = 6\n\nlast of 2 runs/);
    });

    it('cuts long values to the width and keeps them whole in the hover', () => {
        const long = 'x'.repeat(60);
        const trace: Trace = {
            steps: steps([3, {}], [4, { big: `'${long}'` }]),
            result: null,
            exception: null,
            complete: false,
        };
        const [ghost] = ghostValues(trace, 20);
        assert.equal(ghost.text.length, 20);
        assert.ok(ghost.text.endsWith('…'));
        assert.ok(ghost.hover.includes(long));
        assert.equal(cut('abc', 0), 'abc');
    });

    it('marks values the prediction is unsure of and says how sure it is', () => {
        const [first, second] = steps([3, { a: '1' }], [4, { a: '1', b: '2' }]);
        const trace: Trace = {
            steps: [
                first,
                { ...second, probability: 0.42 },
                { ...second, line: 5, locals: { a: '1', b: '2', c: '3' } },
            ],
            result: null,
            exception: null,
            complete: false,
        };
        const ghosts = ghostValues(trace, 40);
        assert.deepEqual(
            ghosts.map((ghost) => [ghost.text, ghost.uncertain]),
            [
                ['≈ b = 2', true],
                ['c = 3', false],
            ],
        );
        assert.ok(ghosts[0].hover.endsWith('probability 42%'));
        assert.equal(ghostValues(trace, 40, 0.4)[0].uncertain, false, 'the threshold is a setting');
        const read = readTrace({ stops: [{ line: 4, event: 'line', locals: {}, probability: 0.42 }, { line: 5 }] });
        assert.deepEqual(
            read?.steps.map((step) => step.probability),
            [0.42, undefined],
            'the server sends it below 1 only',
        );
    });

    it('shows what a line raises', () => {
        const trace: Trace = {
            steps: steps([3, { d: '0' }], [3, { d: '0' }, 'exception', 'ZeroDivisionError: division by zero']),
            result: null,
            exception: 'ZeroDivisionError: division by zero',
            complete: true,
        };
        assert.deepEqual(
            ghostValues(trace, 60).map((ghost) => ghost.text),
            ['raise ZeroDivisionError: division by zero'],
        );
    });

    it('reads the effect of a line in the same frame, not inside a call it makes', () => {
        const trace: Trace = {
            steps: [
                { line: 3, event: 'line', function: 'outer', depth: 1, locals: { a: '1' } },
                { line: 20, event: 'line', function: 'inner', depth: 2, locals: { b: '5' } },
                { line: 21, event: 'line', function: 'inner', depth: 2, locals: { b: '5', c: '6' } },
                { line: 4, event: 'line', function: 'outer', depth: 1, locals: { a: '1', r: '6' } },
            ],
            result: null,
            exception: null,
            complete: false,
        };
        const byLine = new Map(ghostValues(trace, 40).map((ghost) => [ghost.line, ghost.text]));
        assert.equal(byLine.get(2), 'r = 6');
        assert.equal(byLine.get(19), 'c = 6');
        assert.equal(byLine.has(20), false, 'a line whose frame ends next has no known effect');
    });
});

describe('dimmed lines and the next stop', () => {
    it('dims the branch predicted not to run, never the docstring or the else header', () => {
        const span = enclosingFunction(SOURCE, 5);
        assert.deepEqual(span, { start: 0, end: 8 });
        assert.deepEqual(dimmedLines(SOURCE, span!, TRACE), [7]);
    });

    it('treats continuation lines as part of the statement they continue', () => {
        const source = [
            'def f(a,', // 0
            '      b):', // 1
            '    x = g(', // 2
            '        a,', // 3
            '    )', // 4
            '    s = """two', // 5
            '    lines"""', // 6
            '    if a:', // 7
            '        return 1', // 8
            '    return 2', // 9
        ];
        const trace: Trace = {
            steps: steps([3, {}], [6, {}], [8, {}], [10, {}]),
            result: '2',
            exception: null,
            complete: true,
        };
        assert.deepEqual(dimmedLines(source, { start: 0, end: 9 }, trace), [8]);
    });

    it('dims nothing while the path is not known to the end', () => {
        const open = { ...TRACE, steps: TRACE.steps.slice(0, 4), complete: false };
        assert.deepEqual(layoutPrediction(SOURCE, { start: 0, end: 8 }, open, 3, 40).dimmed, []);
    });

    it('puts the marker on the current stop and nothing when the trace is empty', () => {
        const span = { start: 0, end: 8 };
        const layout = layoutPrediction(SOURCE, span, TRACE, 2, 40);
        assert.equal(layout.nextStop, 4);
        assert.deepEqual(layout.dimmed, [7]);
        assert.equal(layout.ghosts.length, 4);
        const empty = layoutPrediction(
            SOURCE,
            span,
            { steps: [], result: null, exception: null, complete: false },
            0,
            40,
        );
        assert.deepEqual(empty, { ghosts: [], nextStop: undefined, dimmed: [] });
    });
});

describe('enclosing function', () => {
    const source = [
        'import os', // 0
        '', // 1
        'def outer(n):', // 2
        '    def inner(k):', // 3
        '        return k * 2', // 4
        '', // 5
        '    total = inner(n)', // 6
        '    return total', // 7
        '', // 8
        'x = outer(3)', // 9
    ];

    it('finds the innermost def by indentation', () => {
        assert.deepEqual(enclosingFunction(source, 4), { start: 3, end: 4 });
        assert.deepEqual(enclosingFunction(source, 3), { start: 3, end: 4 });
        assert.deepEqual(enclosingFunction(source, 6), { start: 2, end: 7 });
        assert.deepEqual(enclosingFunction(source, 5), { start: 3, end: 4 });
    });

    it('finds nothing at module level', () => {
        assert.equal(enclosingFunction(source, 0), undefined);
        assert.equal(enclosingFunction(source, 9), undefined);
    });
});

describe('layout of a trace recorded by the real tracer', () => {
    // total.trace.json: `neurodebug.neural_debugger.groundtruth.tracer.trace_source` on total.py, entry
    // total([2, 4]), written with Trace.to_json() (call event first, depth 0, return value).
    const fixtures = path.join(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures');
    const lines = readFileSync(path.join(fixtures, 'total.py'), 'utf8').replace(/\n$/, '').split('\n');
    const trace = readTrace(JSON.parse(readFileSync(path.join(fixtures, 'total.trace.json'), 'utf8')));

    it('reads the schema and lays out values, the marker and the dimmed branch', () => {
        assert.ok(trace !== undefined);
        assert.equal(trace.result, '6');
        const layout = layoutPrediction(lines, enclosingFunction(lines, 3), trace, 1, 40);
        assert.deepEqual(
            layout.ghosts.map((ghost) => [ghost.line, ghost.text]),
            [
                [2, 'acc = 0'],
                [3, 'x = 4  (×3)'],
                [5, 'acc = 6  (×2)'],
                [8, 'return 6'],
            ],
        );
        assert.equal(layout.nextStop, 2);
        assert.deepEqual(layout.dimmed, [7]);
    });
});
