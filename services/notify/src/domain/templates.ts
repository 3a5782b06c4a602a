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

type ReminderKind = 'service' | 'technical_inspection' | 'insurance' | 'vignette';

/** What a reminder is about, in each language (the kind travels in the message's parameters). */
export const REMINDER_LABELS: Record<NotifyLanguage, Record<ReminderKind, string>> = {
  fr: { service: 'entretien', technical_inspection: 'visite technique', insurance: 'assurance', vignette: 'vignette' },
  ar: { service: 'الصيانة', technical_inspection: 'الفحص الفني', insurance: 'التأمين', vignette: 'معلوم الجولان (الفينيات)' },
  en: { service: 'service', technical_inspection: 'technical inspection (visite technique)', insurance: 'insurance', vignette: 'vignette (road tax)' },
};

const kindOf = (p: TemplateParams): ReminderKind => (p['kind'] && p['kind'] in REMINDER_LABELS.en ? (p['kind'] as ReminderKind) : 'service');

/** "L'entretien de votre Peugeot 208 est prévu le 02/12/2026." — by date, or (a service by mileage) at a mileage. */
function reminderLine(lang: NotifyLanguage, p: TemplateParams): string {
  const kind = kindOf(p);
  const vehicle = p['vehicle'] ?? '';
  const byMileage = p['date'] === undefined;
  if (lang === 'fr') {
    const subject = { service: 'L’entretien', technical_inspection: 'La visite technique', insurance: 'L’assurance', vignette: 'La vignette' }[kind];
    if (byMileage) return `${subject} de votre ${vehicle} est prévu à ${p['mileage']}.`;
    return kind === 'service' ? `${subject} de votre ${vehicle} est prévu le ${p['date']}.` : `${subject} de votre ${vehicle} arrive à échéance le ${p['date']}.`;
  }
  if (lang === 'ar') {
    if (byMileage) return `تذكير: موعد ${REMINDER_LABELS.ar[kind]} لسيارتكم ${vehicle} عند ${p['mileage']}.`;
    return `تذكير: موعد ${REMINDER_LABELS.ar[kind]} لسيارتكم ${vehicle} يوم ${p['date']}.`;
  }
  if (byMileage) return `The ${REMINDER_LABELS.en[kind]} of your ${vehicle} is due at ${p['mileage']}.`;
  return `The ${REMINDER_LABELS.en[kind]} of your ${vehicle} is due on ${p['date']}.`;
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
  // Issue 15: work found during the job waits for the customer's approval (garage.estimate.approval_requested).
  approval_requested: {
    category: 'service',
    texts: {
      fr: text('fr', (p) => `des travaux supplémentaires (${p['amount']}) attendent votre accord dans votre espace client.`, () => 'Travaux supplémentaires à valider', (p) => `Nous avons trouvé des travaux supplémentaires à faire sur votre véhicule (${p['amount']} TTC). Ils attendent votre accord dans votre espace client.`),
      ar: text('ar', (p) => `أشغال إضافية (${p['amount']}) في انتظار موافقتكم في فضاء الحريف.`, () => 'أشغال إضافية للموافقة', (p) => `وجدنا أشغالا إضافية يجب القيام بها في سيارتكم (${p['amount']} باحتساب الأداءات). هي في انتظار موافقتكم في فضاء الحريف.`),
      en: text('en', (p) => `additional work (${p['amount']}) awaits your approval in your customer space.`, () => 'Additional work to approve', (p) => `We found additional work needed on your vehicle (${p['amount']} VAT included). It awaits your approval in your customer space.`),
    },
  },
  // Issue 15: a service message (not marketing): the vehicle's service, visite technique, insurance or vignette is due.
  reminder_due: {
    category: 'service',
    texts: {
      fr: text('fr', (p) => reminderLine('fr', p), (p) => `Rappel : ${REMINDER_LABELS.fr[kindOf(p)]}`, (p) => `${reminderLine('fr', p)} Pensez à prendre rendez-vous avec votre garage.`),
      ar: text('ar', (p) => reminderLine('ar', p), (p) => `تذكير: ${REMINDER_LABELS.ar[kindOf(p)]}`, (p) => `${reminderLine('ar', p)} لا تنسوا أخذ موعد مع مرآبكم.`),
      en: text('en', (p) => reminderLine('en', p), (p) => `Reminder: ${REMINDER_LABELS.en[kindOf(p)]}`, (p) => `${reminderLine('en', p)} Remember to book an appointment with your garage.`),
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

/** dd/mm/yyyy of a calendar date `YYYY-MM-DD` (no time zone: it is already the garage's date). */
export function localDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

/** 60 000 km. */
export function formatKm(km: number): string {
  return `${String(km).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} km`;
}
