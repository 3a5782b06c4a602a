import type { InvoiceView } from '../domain/queries.ts';

/**
 * A fictitious issued invoice for a buyer who writes Arabic (name and address in Arabic script,
 * one line description in Arabic): what scripts/render-bilingual-invoice.ts draws and the PDF
 * unit test reads back.
 */
export function sampleArabicBuyerInvoice(): InvoiceView {
  const lines = [
    { position: 1, kind: 'labour' as const, description: 'Révision complète (vidange, filtres)', quantityMilli: 2500, unitPriceMillimes: 60_000, vatRateBp: 1900, amountHtMillimes: 150_000 },
    { position: 2, kind: 'part' as const, description: 'تغيير أقراص الفرامل الأمامية', quantityMilli: 1000, unitPriceMillimes: 850_000, vatRateBp: 1900, amountHtMillimes: 850_000 },
    { position: 3, kind: 'part' as const, description: 'Pneu 205/55 R16 (taux 13 %)', quantityMilli: 2000, unitPriceMillimes: 120_000, vatRateBp: 1300, amountHtMillimes: 240_000 },
  ];
  const vat = [
    { rateBp: 1900, baseMillimes: 1_000_000, vatMillimes: 190_000 },
    { rateBp: 1300, baseMillimes: 240_000, vatMillimes: 31_200 },
  ];
  const totals = { vat, totalHtMillimes: 1_240_000, totalVatMillimes: 221_200, stampMillimes: 1_000, totalTtcMillimes: 1_462_200 };
  return {
    invoice: {
      id: '00000000-0000-4000-8000-000000000001',
      origin: 'manual',
      workOrderId: null,
      workOrderNumber: null,
      customerId: null,
      ownerUserId: null,
      buyer: { name: 'محمد بن علي الطرابلسي', kind: 'person', cin: '01234567', address: '12 نهج الحبيب بورقيبة، صفاقس', stampExempt: false },
      vehicle: { plate: '123 TU 4567', description: 'Peugeot 208' },
      status: 'issued',
      number: 'FA-2026-000042',
      fiscalYear: 2026,
      issueDate: '2026-03-05',
      issuedAt: new Date('2026-03-05T09:00:00Z'),
      seller: { name: 'Garage El Amen SARL', address: '14 rue de Marseille, 1000 Tunis', taxId: '1234567/A/B/M/000', tradeRegister: 'B01234562020', phone: '+216 71 000 000' },
      vatBreakdown: vat,
      totalHt: totals.totalHtMillimes,
      totalVat: totals.totalVatMillimes,
      stamp: totals.stampMillimes,
      totalTtc: totals.totalTtcMillimes,
      createdAt: new Date('2026-03-05T08:00:00Z'),
      updatedAt: new Date('2026-03-05T09:00:00Z'),
    },
    lines,
    totals,
    balance: { status: 'unpaid', paidMillimes: 0, creditedMillimes: 0, balanceMillimes: totals.totalTtcMillimes } as InvoiceView['balance'],
    ttn: undefined,
  };
}
