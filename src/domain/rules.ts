// Business constants of the Digital Artrosskola, in one place. Units may override the
// settings (fee, access period, welcome text, KVÅ codes per journal obligation, the
// registry follow-up's window).
import { z } from 'zod';

/** Search word for the journal template in the EHR (Cosmic). */
export const JOURNAL_SEARCH_WORD = 'Artrosbehandling';

/** KVÅ "artrosskola": registered on every visit and contact, whatever else a region registers. */
export const KVA_ARTROSSKOLA = 'GB020';

/**
 * Days before and after a registry follow-up's due date in which the patient may answer
 * through 1177 (staff may record a paper or phone answer at any time).
 */
export const FollowUpWindow = z
  .object({ daysBefore: z.number().int().min(0).max(90), daysAfter: z.number().int().min(0).max(180) })
  .strict();
export type FollowUpWindow = z.infer<typeof FollowUpWindow>;

/** 14 days before to 30 days after the due date. */
export const DEFAULT_FOLLOW_UP_WINDOW: FollowUpWindow = { daysBefore: 14, daysAfter: 30 };

/** What raises a journal obligation (journalföring ska ske vid ...). */
export const ObligationTrigger = z.enum(['assignment', 'completed-school', 'conversation', 'end']);
export type ObligationTrigger = z.infer<typeof ObligationTrigger>;

const KvaCode = z.string().regex(/^[A-Z]{2}\d{3}$/, 'a KVÅ code such as GB020');

export const UnitSettings = z.object({
  /** Fee invoiced at assignment (avgift), SEK. */
  feeSek: z.number().int().min(0).max(100_000),
  /** Months of access to the material and messaging. */
  accessMonths: z.number().int().min(1).max(24),
  /** Default welcome text (Välkomsttext); the therapist may edit it per episode. */
  welcomeText: z.string().min(1).max(10_000),
  /** KVÅ codes registered per journal obligation. GB020 always; ZV044 (or ZV051) for internet-based care. */
  journalCodes: z.record(ObligationTrigger, z.array(KvaCode).min(1)),
  /** Regional age rules: no fee below `under` or from `from` years of age (recorded as an exemption). */
  ageExemption: z.object({ under: z.number().int().min(0).optional(), from: z.number().int().min(0).optional() }).nullable(),
  /**
   * The quality-registry follow-up's window around each due date. Absent: the defaults
   * (DEFAULT_FOLLOW_UP_WINDOW). A unit's own window is snapshotted at assignment.
   */
  followUpWindow: FollowUpWindow.optional(),
});
export type UnitSettings = z.infer<typeof UnitSettings>;

export const DEFAULT_WELCOME_TEXT =
  'Välkommen till Digital Artrosskola! Skolan består av två teoridelar: höft- och knäartros samt handartros. ' +
  'Välj den del som motsvarar den led som besvärar dig mest. Du har tillgång till materialet i 3 månader och ' +
  'kan skicka meddelanden till din behandlare under hela perioden.';

export const DEFAULT_UNIT_SETTINGS: UnitSettings = {
  feeSek: 200,
  accessMonths: 3,
  welcomeText: DEFAULT_WELCOME_TEXT,
  journalCodes: {
    assignment: ['GB020', 'ZV044'],
    'completed-school': ['GB020', 'ZV044'],
    conversation: ['GB020', 'ZV044'],
    end: ['GB020', 'ZV044'],
  },
  ageExemption: null,
};

/** The activity plan's default schedule (Uppföljning träning). */
export const DEFAULT_PLAN_SCHEDULE = {
  repeat: 'until-further-notice',
  interval: 'weekly',
  weekday: 'sunday',
  time: '16:00',
  reportWindowDays: 3,
} as const;
