// Which event fields are personal data outside the journal: the personnummer and birth
// date, free texts (welcome text, messages, exemption reasons) and free-text diary answers.
// Codes, dates, amounts and journal content stay in clear.
type Data = Readonly<Record<string, unknown>>;
type Transform = (value: string) => Promise<string>;

const mapString = async (value: unknown, f: Transform) => (typeof value === 'string' ? f(value) : value);

const FIELDS: Readonly<Record<string, (data: Data, f: Transform) => Promise<Data>>> = {
  AssignmentStarted: async (d, f) => {
    const patient = d.patient as Data;
    return {
      ...d,
      patient: { ...patient, personnummer: await mapString(patient.personnummer, f), birthDate: await mapString(patient.birthDate, f) },
      welcomeText: await mapString(d.welcomeText, f),
    };
  },
  WelcomeTextEdited: async (d, f) => ({ ...d, text: await mapString(d.text, f) }),
  MessageSent: async (d, f) => ({ ...d, text: await mapString(d.text, f) }),
  FeeExempted: async (d, f) => ({ ...d, reason: await mapString(d.reason, f) }),
  ActivityReported: async (d, f) => {
    const answers: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((d.answers as Data) ?? {})) answers[k] = await mapString(v, f);
    return { ...d, answers };
  },
};

export const hasPersonalFields = (type: string): boolean => Object.prototype.hasOwnProperty.call(FIELDS, type);

/** A copy of the data with every personal string field passed through `f`. */
export async function mapPersonalFields(type: string, data: Data, f: Transform): Promise<Data> {
  const mapper = hasPersonalFields(type) ? FIELDS[type] : undefined;
  return mapper ? mapper(data, f) : data;
}
