// Each event of the timeline in plain Swedish, in the manual's words ("Modulen Handartros
// flyttad till Kommande"). The words say what happened; the data column beside them keeps
// every field, so nothing is hidden by the wording.
import { label, exerciseTitle, moduleTitle, partTitle, programmeTitle, isErased } from './ui-format';

type Data = Readonly<Record<string, unknown>>;

const text = (v: unknown) => (isErased(v) ? 'borttagen' : typeof v === 'string' || typeof v === 'number' ? String(v) : '–');
const list = (v: unknown) => (Array.isArray(v) ? v.map(text).join(', ') : text(v));
const kronor = (v: unknown) => `${text(v)} kr`;

const WORDS: Readonly<Record<string, (d: Data) => string>> = {
  AssignmentStarted: (d) => {
    const diagnosis = (d.diagnosis ?? {}) as Data;
    return `Momentet startat (Starta momentet) med ${text(d.therapistId)} som behandlare, diagnos ${text(diagnosis.code)}, tillgång till och med ${text(d.accessUntil)}`;
  },
  FeeCharged: (d) => `Avgift ${kronor(d.amountSek)} debiterad`,
  FeeExempted: (d) => `Befriad från avgift (${label('exemption', d.kind)}, ${kronor(d.waivedAmountSek)}): ${text(d.reason)}`,
  WelcomeTextEdited: () => 'Välkomsttexten ändrad',
  ModuleHidden: (d) => `Modulen ${moduleTitle(d.moduleId)} flyttad till Kommande`,
  ModuleShown: (d) => `Modulen ${moduleTitle(d.moduleId)} visas för patienten igen`,
  PartCompleted: (d) => `Delen ”${partTitle(d.partId)}” i ${moduleTitle(d.moduleId)} genomförd`,
  SchoolCompleted: (d) =>
    d.basis === 'all-parts-of-module' ? `Genomförd artrosskola: alla delar i ${moduleTitle(d.moduleId)} genomförda` : 'Genomförd artrosskola: momentet avslutat som slutfört',
  ExercisesRevealed: (d) => `${programmeTitle(d.programme)} startade: ${Array.isArray(d.exerciseIds) ? d.exerciseIds.map(exerciseTitle).join(', ') : '–'}`,
  PlanActivated: (d) => {
    const schedule = (d.schedule ?? {}) as Data;
    return `Aktivitetsplanen (Uppföljning träning) sparad och aktiverad från ${text(schedule.startDate)}`;
  },
  ActivityReported: (d) => `Aktivitet rapporterad för tillfället ${text(d.occasion)}`,
  MessageSent: (d) =>
    `${label('sender', d.senderRole)} skickade ett meddelande${d.startsConversation === true ? ' (ny konversation)' : ''}${d.notifyInbox === true ? ', aviserat till inkorgen' : ''}`,
  MessagesRead: () => 'Behandlaren läste patientens meddelanden',
  TherapistChanged: (d) => `Byt behandlare: ${text(d.fromTherapistId)} till ${text(d.toTherapistId)} (${label('reason', d.reason)})`,
  JournalObligationRaised: (d) => `Journalplikt uppstod (${label('trigger', d.trigger)}): KVÅ ${list(d.kvaCodes)}, sökord ${text(d.searchWord)}`,
  JournalEntryRecorded: (d) => `Journalföring registrerad${d.journalReference ? ` (${text(d.journalReference)})` : ''}${d.form === 'note' ? ' i ett notat' : ''}`,
  JournalEntryCorrected: (d) => `Journalföringen i revision ${text(d.correctsRevision)} rättad: ${text(d.reason)}`,
  EpisodeCompleted: () => 'Avsluta: Moment slutfört',
  EpisodeAbandoned: () => 'Avsluta: Invånare avbryter momentet',
  RegistryFollowUpRecorded: (d) => {
    const correction = d.correction as Data | undefined;
    return correction
      ? `Registeruppföljningen (Svenska Artrosregistret) vid ${label('timepoint', d.timepoint)} rättad, revision ${text(correction.correctsRevision)}`
      : `Registeruppföljning (Svenska Artrosregistret) vid ${label('timepoint', d.timepoint)} registrerad`;
  },
};

/** The event in words; an event type this version does not know is said to be unknown. */
export function describeEvent(type: string, data: Data): string {
  const words = WORDS[type];
  return words ? words(data) : `Okänd händelsetyp ${type}`;
}
