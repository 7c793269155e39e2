// The status bar item: server state, model loaded and bits, last prediction latency.

import * as assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { StatusBar, statusView } from '../../src/common/statusBar';
import { PredictionStore } from '../../src/common/session';
import { recorded, reset } from '../stub/vscode';

describe('status bar', () => {
    beforeEach(reset);

    it('shows bits and the last latency once a prediction reported them', () => {
        const view = statusView('running', {
            model: { loaded: true, bits: 3, detail: undefined },
            lastLatencyMs: 41.6,
        });
        assert.equal(view.text, '$(pulse) neurodebug · 3-bit · 42 ms');
        assert.match(view.tooltip, /Model: loaded, 3-bit weights/);
        assert.match(view.tooltip, /Last prediction: 42 ms/);
    });

    it('says when the model is missing and static features still work', () => {
        const view = statusView('running', {
            model: { loaded: false, bits: undefined, detail: 'checkpoint not found' },
            lastLatencyMs: undefined,
        });
        assert.equal(view.text, '$(pulse) neurodebug · no model');
        assert.match(view.tooltip, /not available \(checkpoint not found\); static features work/);
    });

    it('reflects starting, stopped and missing servers', () => {
        const facts = { model: undefined, lastLatencyMs: undefined };
        assert.match(statusView('starting', facts).text, /sync~spin/);
        assert.match(statusView('stopped', facts).text, /circle-slash/);
        assert.match(statusView('missing', facts).tooltip, /not installed/);
        assert.match(statusView('running', facts).tooltip, /not loaded yet/);
    });

    it('updates the item from the store the commands write to', () => {
        const store = new PredictionStore();
        const bar = new StatusBar(store.facts, 'neurodebug.showLog');
        bar.setState('running');
        store.noteFacts({
            trace: { steps: [], result: null, exception: null, complete: false },
            latencyMs: 12,
            model: { loaded: true, bits: 4, detail: undefined },
        });
        bar.update();
        const item = recorded.statusItems[0];
        assert.equal(item.text, '$(pulse) neurodebug · 4-bit · 12 ms');
        assert.equal(item.command, 'neurodebug.showLog');
    });
});
