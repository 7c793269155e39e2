// Predictions per document and neural stepping through them; what the readers take from answers.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTrace, type Step } from '../../src/common/protocol';
import { PredictionStore, sameStop } from '../../src/common/session';

const URI = 'file:///work/example.py';

function stop(line: number, locals: Record<string, string>, event = 'line'): Step {
    return { line, event, function: 'total', depth: 0, locals };
}

const PATH = [
    stop(2, { items: '[2]' }, 'call'),
    stop(3, { items: '[2]' }),
    stop(4, { items: '[2]', acc: '0' }),
    stop(5, { items: '[2]', acc: '0', x: '2' }),
    stop(6, { items: '[2]', acc: '2', x: '2' }, 'return'),
];

function prediction(steps: Step[], complete: boolean) {
    return { trace: { steps, result: null, exception: null, complete }, latencyMs: 7, model: undefined };
}

describe('prediction store', () => {
    it('keeps the predicted path when a step lands on a stop it holds further on', () => {
        const store = new PredictionStore();
        const changed: string[] = [];
        store.onDidChange((uri) => changed.push(uri));
        store.set(URI, prediction(PATH, true), { start: 1, end: 5 }, 'total([2])');
        assert.equal(store.advance(URI, prediction([PATH[3]], false))?.line, 5);
        const kept = store.get(URI)!;
        assert.equal(kept.stop, 3);
        assert.equal(kept.trace.steps.length, 5);
        assert.equal(kept.trace.complete, true, 'the path is still known to the end');
        assert.deepEqual(changed, [URI, URI]);
    });

    it('replaces the rest of the path when the step predicts something else', () => {
        const store = new PredictionStore();
        store.set(URI, prediction(PATH, true), { start: 1, end: 5 });
        const other = stop(5, { items: '[2]', acc: '0', x: '7' });
        store.advance(URI, prediction([other], false));
        const now = store.get(URI)!;
        assert.equal(now.stop, 1);
        assert.deepEqual(now.trace.steps, [PATH[0], other]);
        assert.equal(now.trace.complete, false);
    });

    it('an empty answer moves nothing; clear forgets the document', () => {
        const store = new PredictionStore();
        store.set(URI, prediction(PATH, true), undefined);
        assert.equal(store.advance(URI, prediction([], false)), undefined);
        assert.equal(store.get(URI)?.stop, 0);
        store.clear(URI);
        assert.equal(store.get(URI), undefined);
        assert.deepEqual(store.uris(), []);
    });

    it('compares stops by line, event, depth and every local', () => {
        assert.ok(sameStop(PATH[2], { ...PATH[2], locals: { acc: '0', items: '[2]' } }));
        assert.ok(!sameStop(PATH[2], { ...PATH[2], locals: { items: '[2]' } }));
        assert.ok(!sameStop(PATH[2], { ...PATH[2], depth: 1 }));
    });
});

describe('trace reader', () => {
    it('reads predict, step and predictFromState answers', () => {
        const predicted = readTrace({
            function: 'total',
            trace: { stops: PATH, result: '2', exception: null, status: 'ok' },
        });
        assert.equal(predicted?.steps.length, 5);
        assert.equal(predicted?.result, '2');
        assert.equal(predicted?.complete, true);
        const timedOut = readTrace({
            trace: { stops: PATH.slice(0, 2), result: null, exception: null, status: 'timeout' },
        });
        assert.equal(timedOut?.complete, false);
        const stepped = readTrace({ stop: PATH[1], result: null, exception: null });
        assert.deepEqual(stepped?.steps, [PATH[1]]);
        assert.equal(stepped?.complete, false);
        const ended = readTrace({ stop: null, result: '2', exception: null });
        assert.deepEqual(ended?.steps, []);
        assert.equal(ended?.result, '2');
        assert.equal(readTrace({ function: 'total', stops: PATH.slice(1, 3) })?.steps.length, 2);
        assert.equal(readTrace({ hints: [] }), undefined);
    });

    it('keeps return values and drops stops without a line', () => {
        const trace = readTrace({
            stops: [{ line: 6, event: 'return', depth: 0, locals: {}, value: '2' }, { event: 'line' }],
        });
        assert.deepEqual(trace?.steps, [{ line: 6, event: 'return', function: '', depth: 0, locals: {}, value: '2' }]);
        assert.equal(trace?.complete, true, 'it ends by returning from the entry frame');
    });
});
