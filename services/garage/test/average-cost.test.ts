import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canMovePurchaseOrder, weightedAverageCost } from '../src/domain/purchase-orders.ts';

describe('weighted average cost of a part (issue 14)', () => {
  it('weights by quantity and rounds to the nearest millime, halves up', () => {
    // (10 × 8000 + 4 × 9001) / 14 = 8286.0
    assert.equal(weightedAverageCost(10_000, 8_000, 4_000, 9_001), 8_286);
    // (1 × 1 + 1 × 2) / 2 = 1.5 → 2 (half up); (2 × 1 + 1 × 2) / 3 = 1.33 → 1
    assert.equal(weightedAverageCost(1_000, 1, 1_000, 2), 2);
    assert.equal(weightedAverageCost(2_000, 1, 1_000, 2), 1);
  });
  it('takes the receipt cost when nothing (or less than nothing) is on hand', () => {
    assert.equal(weightedAverageCost(0, 8_000, 1_000, 9_500), 9_500);
    assert.equal(weightedAverageCost(-3_000, 8_000, 1_000, 9_500), 9_500);
  });
  it('stays exact past 2^53 (quantities × millimes)', () => {
    assert.equal(weightedAverageCost(1_000_000_000, 999_999_999_999, 1_000_000_000, 999_999_999_997), 999_999_999_998);
  });
  it('moves a purchase order through partial receipts to received, never back', () => {
    assert.ok(canMovePurchaseOrder('ordered', 'partially_received'));
    assert.ok(canMovePurchaseOrder('partially_received', 'received'));
    assert.ok(!canMovePurchaseOrder('partially_received', 'cancelled'));
    assert.ok(!canMovePurchaseOrder('received', 'partially_received'));
    assert.ok(!canMovePurchaseOrder('draft', 'partially_received'));
  });
});
