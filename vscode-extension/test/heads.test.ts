import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headDescription, layersAndHeads } from '../src/heads';
import type { DetectHeadsResult } from '../src/protocol';
import { tok } from './fixtures';

test('quick pick data: layers in order with their heads, described by the strongest detector', () => {
    const r: DetectHeadsResult = { model: 'm', tokens: [tok(0), tok(1)], heads: [
        { layer: 1, head: 1, label: 'L1H1', previous_token: 0.1, duplicate_token: 0, induction: 0.8, induction_repeated_random: 0.7, ov_copying_score: 0.5, qk_copying_score: 0, ov_eigenvalues: [], qk_eigenvalues: [] },
        { layer: 0, head: 0, label: 'L0H0', previous_token: 0.85, duplicate_token: 0, induction: 0, induction_repeated_random: 0, ov_copying_score: -0.2, qk_copying_score: 0, ov_eigenvalues: [], qk_eigenvalues: [] },
        { layer: 1, head: 0, label: 'L1H0', previous_token: 0, duplicate_token: 0, induction: 0.9, induction_repeated_random: 0.9, ov_copying_score: 0.9, qk_copying_score: 0, ov_eigenvalues: [], qk_eigenvalues: [] }] };
    const m = layersAndHeads(r);
    assert.deepEqual([...m.keys()], [0, 1]);
    assert.deepEqual(m.get(1)!.map(r => r.label), ['L1H0', 'L1H1']);
    assert.equal(headDescription(m.get(0)![0]), 'previous token 0.85 · copying -0.20');
    // A tie goes to the first detector in the list: L1H0's induction 0.9 equals its repeated-random score.
    assert.equal(headDescription(m.get(1)![0]), 'induction 0.90 · copying 0.90');
});
