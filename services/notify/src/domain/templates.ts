import type { NotifyLanguage } from '@ecar/contracts/requests/notify';
import type { Category, TemplateParams } from './types.ts';

/** One message in one language: a short SMS and an e-mail (subject and plain text). */
interface Text {
  sms(p: TemplateParams, name: string): string;
  subject(p: TemplateParams): string;
  body(p: TemplateParams, name: string): string;
}

export interface Template {
  category: Category;
  texts: Record<NotifyLanguage, Text>;
}

const signature = { fr: 'Votre garage ECAR', ar: 'مرآبكم ECAR', en: 'Your ECAR garage' } as const;
const hello = { fr: (n: string) => (n ? `Bonjour ${n},` : 'Bonjour,'), ar: (n: string) => (n ? `مرحبا ${n}،` : 'مرحبا،'), en: (n: string) => (n ? `Hello ${n},` : 'Hello,') } as const;

/** The work order's or appointment's number (`OR-2026-000123`, `RDV-…`) when the event carried it (issue #14). */
const ref = {
  fr: (p: TemplateParams) => (p['ref'] ? ` (réf. ${p['ref']})` : ''),
  ar: (p: TemplateParams) => (p['ref'] ? ` (المرجع ${p['ref']})` : ''),
  en: (p: TemplateParams) => (p['ref'] ? ` (ref. ${p['ref']})` : ''),
} as const;

function text(lang: NotifyLanguage, sms: (p: TemplateParams) => string, subject: (p: TemplateParams) => string, line: (p: TemplateParams) => string): Text {
  return {
    sms: (p) => `ECAR: ${sms(p)}`,
    subject,
    body: (p, name) => `${hello[lang](name)}\n\n${line(p)}\n\n${signature[lang]}`,
  };
}

/**
 * The templates, per customer-facing event, in French, Arabic and English. Parameters are what the
 * event carries (a number, an amount, a time); the customer's name is read with the contact at send time.
 */
export const TEMPLATES = {
  estimate_ready: {
    category: 'service',
    texts: {
      fr: text('fr', (p) => `votre devis est prêt${ref.fr(p)}. Consultez-le et validez-le dans votre espace client.`, () => 'Votre devis est prêt', (p) => `Le devis de votre véhicule est prêt${ref.fr(p)}. Vous pouvez le consulter et le valider dans votre espace client.`),
      ar: text('ar', (p) => `تقديركم جاهز${ref.ar(p)}. اطلعوا عليه ووافقوا عليه في فضاء الحريف.`, () => 'تقدير الإصلاح جاهز', (p) => `تقدير إصلاح سيارتكم جاهز${ref.ar(p)}. يمكنكم الاطلاع عليه والموافقة عليه في فضاء الحريف.`),
      en: text('en', (p) => `your estimate is ready${ref.en(p)}. Review and approve it in your customer space.`, () => 'Your estimate is ready', (p) => `The estimate for your vehicle is ready${ref.en(p)}. You can review and approve it in your customer space.`),
    },
  },
  vehicle_ready: {
    category: 'service',
    texts: {
      fr: text('fr', (p) => `votre véhicule est prêt${ref.fr(p)}, vous pouvez venir le récupérer.`, () => 'Votre véhicule est prêt', (p) => `Les travaux sont terminés${ref.fr(p)} : votre véhicule est prêt, vous pouvez venir le récupérer.`),
      ar: text('ar', (p) => `سيارتكم جاهزة${ref.ar(p)}، يمكنكم القدوم لاستلامها.`, () => 'سيارتكم جاهزة', (p) => `انتهت الأشغال${ref.ar(p)}: سيارتكم جاهزة ويمكنكم القدوم لاستلامها.`),
      en: text('en', (p) => `your vehicle is ready for collection${ref.en(p)}.`, () => 'Your vehicle is ready', (p) => `The work is done${ref.en(p)}: your vehicle is ready for collection.`),
    },
  },
  invoice_issued: {
    category: 'service',
    texts: {
      fr: text('fr', (p) => `facture ${p['number']} de ${p['total']} émise.`, (p) => `Votre facture ${p['number']}`, (p) => `Votre facture ${p['number']} d'un montant de ${p['total']} TTC a été émise. Elle est disponible dans votre espace client.`),
      ar: text('ar', (p) => `صدرت الفاتورة ${p['number']} بمبلغ ${p['total']}.`, (p) => `فاتورتكم ${p['number']}`, (p) => `صدرت فاتورتكم ${p['number']} بمبلغ ${p['total']} باحتساب الأداءات. هي متاحة في فضاء الحريف.`),
      en: text('en', (p) => `invoice ${p['number']} of ${p['total']} issued.`, (p) => `Your invoice ${p['number']}`, (p) => `Your invoice ${p['number']} of ${p['total']} (VAT included) has been issued. It is in your customer space.`),
    },
  },
  appointment_confirmed: {
    category: 'service',
    texts: {
      fr: text('fr', (p) => `rendez-vous confirmé le ${p['date']} à ${p['time']}${ref.fr(p)}.`, () => 'Rendez-vous confirmé', (p) => `Votre rendez-vous du ${p['date']} à ${p['time']} est confirmé${ref.fr(p)}.`),
      ar: text('ar', (p) => `تم تأكيد موعدكم يوم ${p['date']} على الساعة ${p['time']}${ref.ar(p)}.`, () => 'تأكيد الموعد', (p) => `تم تأكيد موعدكم يوم ${p['date']} على الساعة ${p['time']}${ref.ar(p)}.`),
      en: text('en', (p) => `appointment confirmed on ${p['date']} at ${p['time']}${ref.en(p)}.`, () => 'Appointment confirmed', (p) => `Your appointment on ${p['date']} at ${p['time']} is confirmed${ref.en(p)}.`),
    },
  },
  appointment_rescheduled: {
    category: 'service',
    texts: {
      fr: text('fr', (p) => `rendez-vous déplacé au ${p['date']} à ${p['time']}${ref.fr(p)}.`, () => 'Rendez-vous déplacé', (p) => `Votre rendez-vous est déplacé au ${p['date']} à ${p['time']}${ref.fr(p)}.`),
      ar: text('ar', (p) => `تم تغيير موعدكم إلى يوم ${p['date']} على الساعة ${p['time']}${ref.ar(p)}.`, () => 'تغيير الموعد', (p) => `تم تغيير موعدكم إلى يوم ${p['date']} على الساعة ${p['time']}${ref.ar(p)}.`),
      en: text('en', (p) => `appointment moved to ${p['date']} at ${p['time']}${ref.en(p)}.`, () => 'Appointment moved', (p) => `Your appointment has been moved to ${p['date']} at ${p['time']}${ref.en(p)}.`),
    },
  },
} as const satisfies Record<string, Template>;

export type TemplateId = keyof typeof TEMPLATES;

export interface Rendered {
  sms: string;
  subject: string;
  body: string;
}

export function render(template: string, language: NotifyLanguage, params: TemplateParams, name: string): Rendered {
  const found = (TEMPLATES as Record<string, Template>)[template];
  if (!found) throw new Error(`unknown template ${template}`);
  const t = found.texts[language];
  return { sms: t.sms(params, name), subject: t.subject(params), body: t.body(params, name) };
}

/** 1 234,560 TND (the amount's digits stay left to right in Arabic text too). */
export function formatMillimes(millimes: number): string {
  const dinars = Math.trunc(millimes / 1000);
  const rest = String(Math.abs(millimes % 1000)).padStart(3, '0');
  return `${String(dinars).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${rest} TND`;
}

/** dd/mm/yyyy and HH:MM of an instant in the garage's time zone. */
export function localDateTime(iso: string, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts['day']}/${parts['month']}/${parts['year']}`, time: `${parts['hour']}:${parts['minute']}` };
}
