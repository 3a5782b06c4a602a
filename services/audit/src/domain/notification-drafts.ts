import type { AffectedCustomer, BreachReport } from './breach-report.ts';

/** Labels of the data categories a customer can recognise; unknown field names are shown as they are. */
const LABELS: Record<string, { fr: string; ar: string }> = {
  name: { fr: 'nom', ar: 'الاسم' },
  firstName: { fr: 'prénom', ar: 'الاسم' },
  lastName: { fr: 'nom de famille', ar: 'اللقب' },
  phone: { fr: 'numéro de téléphone', ar: 'رقم الهاتف' },
  email: { fr: 'adresse e-mail', ar: 'البريد الإلكتروني' },
  address: { fr: 'adresse postale', ar: 'العنوان' },
  cin: { fr: "numéro de carte d'identité (CIN)", ar: 'رقم بطاقة التعريف الوطنية' },
  taxId: { fr: 'matricule fiscal', ar: 'المعرف الجبائي' },
  plate: { fr: "numéro d'immatriculation", ar: 'رقم التسجيل' },
  vin: { fr: 'numéro de châssis (VIN)', ar: 'الرقم التسلسلي للهيكل' },
  dateOfBirth: { fr: 'date de naissance', ar: 'تاريخ الولادة' },
  notes: { fr: 'notes', ar: 'الملاحظات' },
};

function label(field: string, language: 'fr' | 'ar'): string {
  return LABELS[field]?.[language] ?? field;
}

function day(iso: string, language: 'fr' | 'ar'): string {
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-TN' : 'ar-TN', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Africa/Tunis' }).format(new Date(iso));
}

export function frenchDraft(customer: AffectedCustomer, report: BreachReport, garage: string): string {
  const fields = customer.fields.length ? customer.fields.map((field) => label(field, 'fr')).join(', ') : 'votre fiche client';
  const what = customer.changed ? (customer.read ? 'consultées et modifiées' : 'modifiées') : 'consultées';
  return [
    `Objet : Information concernant la sécurité de vos données personnelles`,
    '',
    `Madame, Monsieur {{nom du client}},`,
    '',
    `Nous vous informons qu'un accès non autorisé à notre système de gestion a été détecté. Entre le ${day(customer.firstAt, 'fr')} et le ${day(customer.lastAt, 'fr')}, les données suivantes vous concernant ont pu être ${what} : ${fields}.`,
    '',
    `Dès la détection, nous avons bloqué l'accès concerné, renouvelé les identifiants et renforcé la surveillance. L'Instance Nationale de Protection des Données Personnelles (INPDP) a été informée conformément à la loi organique n° 2004-63.`,
    '',
    `Par précaution, méfiez-vous des appels ou messages se réclamant de ${garage} qui vous demanderaient des informations ou un paiement. Vous pouvez exercer vos droits d'accès et de rectification et poser vos questions à {{contact du garage}}.`,
    '',
    `Nous vous prions de nous excuser pour cet incident.`,
    '',
    `${garage}`,
    '',
    `Référence : incident du ${report.query.from.slice(0, 10)} — client ${customer.customerId}`,
  ].join('\n');
}

export function arabicDraft(customer: AffectedCustomer, report: BreachReport, garage: string): string {
  const fields = customer.fields.length ? customer.fields.map((field) => label(field, 'ar')).join('، ') : 'ملفكم كحريف';
  const what = customer.changed ? (customer.read ? 'الاطلاع عليها وتعديلها' : 'تعديلها') : 'الاطلاع عليها';
  return [
    `الموضوع: إعلام بخصوص أمن معطياتكم الشخصية`,
    '',
    `سيدتي، سيدي {{اسم الحريف}}،`,
    '',
    `نعلمكم أنه تم رصد دخول غير مرخص فيه إلى منظومة التصرف الخاصة بنا. بين ${day(customer.firstAt, 'ar')} و${day(customer.lastAt, 'ar')}، قد يكون تم ${what} المعطيات التالية المتعلقة بكم: ${fields}.`,
    '',
    `فور رصد الحادثة، قمنا بغلق النفاذ المعني وتجديد بيانات الدخول وتعزيز المراقبة. وقد تم إعلام الهيئة الوطنية لحماية المعطيات الشخصية طبقا للقانون الأساسي عدد 63 لسنة 2004.`,
    '',
    `من باب الحيطة، يرجى الحذر من كل مكالمة أو رسالة باسم ${garage} تطلب منكم معلومات أو دفع مبالغ. يمكنكم ممارسة حقكم في النفاذ والتصحيح وطرح أسئلتكم عبر {{وسيلة الاتصال بالورشة}}.`,
    '',
    `نعتذر عن هذه الحادثة.`,
    '',
    `${garage}`,
    '',
    `المرجع: حادثة ${report.query.from.slice(0, 10)} — الحريف ${customer.customerId}`,
  ].join('\n');
}
