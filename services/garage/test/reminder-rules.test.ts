import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMonths, daysBetween, duesOf, remindersOf, serviceDue } from '../src/domain/reminder-rules.ts';
import type { Vehicle } from '../src/domain/vehicle.ts';

const vehicle = (fields: Partial<Vehicle>): Vehicle => ({
  id: '00000000-0000-4000-8000-000000000001',
  customerId: '00000000-0000-4000-8000-000000000002',
  plate: '123 TU 4567',
  vin: null,
  make: 'Peugeot',
  model: '208',
  year: 2019,
  mileageKm: 42_000,
  nextServiceDate: null,
  nextServiceMileageKm: null,
  technicalInspectionDue: null,
  insuranceDue: null,
  vignetteDue: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...fields,
});

describe('reminder rules (issue 15)', () => {
  it('calendar arithmetic', () => {
    assert.equal(daysBetween('2026-12-01', '2026-12-02'), 1);
    assert.equal(daysBetween('2026-03-28', '2026-03-30'), 2, 'across a DST change');
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2026-12-01', 12), '2027-12-01');
  });

  it('the smallest lead that covers the days left; nothing once passed', () => {
    const leads = [7, 1];
    const at = (due: string) => remindersOf(vehicle({ insuranceDue: due }), '2026-12-01', leads, 500).map((r) => r.leadDays);
    assert.deepEqual(at('2026-12-02'), [1], 'due tomorrow: the 1-day reminder only');
    assert.deepEqual(at('2026-12-01'), [1], 'due today: still the 1-day one (a missed day is caught up)');
    assert.deepEqual(at('2026-12-06'), [7]);
    assert.deepEqual(at('2026-12-08'), [7]);
    assert.deepEqual(at('2026-12-09'), [], 'beyond the longest lead');
    assert.deepEqual(at('2026-11-30'), [], 'passed');
  });

  it('a service by mileage is reminded within the mileage lead; serviceDue is the service item', () => {
    const close = vehicle({ nextServiceMileageKm: 42_400 });
    assert.deepEqual(remindersOf(close, '2026-12-01', [7, 1], 500), [{ kind: 'service', dueDate: null, dueMileageKm: 42_400, leadDays: 0 }]);
    assert.deepEqual(remindersOf(vehicle({ nextServiceMileageKm: 43_000 }), '2026-12-01', [7, 1], 500), []);
    assert.equal(serviceDue(close, '2026-12-01'), false);
    assert.equal(serviceDue(vehicle({ nextServiceMileageKm: 42_000 }), '2026-12-01'), true);
    assert.equal(serviceDue(vehicle({ nextServiceDate: '2026-12-01' }), '2026-12-01'), true);
    assert.equal(serviceDue(vehicle({ technicalInspectionDue: '2026-11-01' }), '2026-12-01'), false, 'the visite technique is not the service');
  });

  it('dues are sorted: what is due first, then the soonest', () => {
    const dues = duesOf(vehicle({ vignetteDue: '2026-12-20', insuranceDue: '2026-12-05', technicalInspectionDue: '2026-11-20' }), '2026-12-01');
    assert.deepEqual(dues.map((item) => [item.kind, item.daysLeft, item.due]), [
      ['technical_inspection', -11, true],
      ['insurance', 4, false],
      ['vignette', 19, false],
    ]);
  });
});
