// Debounced restarts: a burst of changes gives one restart, after the quiet period.

import * as assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { debounce } from '../../src/common/debounce';

describe('debounce', () => {
    it('runs once after the last call of a burst', () => {
        mock.timers.enable({ apis: ['setTimeout'] });
        try {
            let runs = 0;
            const restart = debounce(() => {
                runs += 1;
            }, 1000);
            restart();
            mock.timers.tick(600);
            restart();
            mock.timers.tick(600);
            restart();
            assert.equal(runs, 0);
            mock.timers.tick(999);
            assert.equal(runs, 0);
            mock.timers.tick(1);
            assert.equal(runs, 1);
            restart();
            restart.cancel();
            mock.timers.tick(5000);
            assert.equal(runs, 1);
        } finally {
            mock.timers.reset();
        }
    });
});
