// GET /schemas/events against what it describes: every older version still upcast has its
// schema and the stored examples of it match; docs/events.md documents every type at its
// current version with its fields, marks the personal ones, and names every older version.
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventSchemas, unpublishedUpcasters, type EventSchema } from '../../src/app/feed/event-schemas';
import { upcast } from '../../src/domain/upcasters';

const DOC = fs.readFileSync(path.join(__dirname, '../../docs/events.md'), 'utf8');
const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, '../timeline/fixtures/episode-schema-v1.json'), 'utf8')) as {
  events: { type: string; schemaVersion: number; data: Record<string, unknown> }[];
};
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

/** The sections of docs/events.md by the types their heading names, with the version it gives each. */
function documented(): Map<string, { version: number; text: string }> {
  const out = new Map<string, { version: number; text: string }>();
  const sections = DOC.split(/^### /m).slice(1);
  for (const section of sections) {
    const heading = section.split('\n', 1)[0]!;
    const parts = heading.split(' / ');
    let version: number | undefined;
    for (const part of [...parts].reverse()) {
      const m = /^(\w+)(?: \(v(\d+)\))?/.exec(part.trim());
      if (!m) continue;
      if (m[2]) version = Number(m[2]);
      if (version !== undefined) out.set(m[1]!, { version, text: section });
    }
  }
  return out;
}

let schemas: EventSchema[];
beforeAll(async () => {
  schemas = await eventSchemas();
});

describe('the published event schemas', () => {
  it('cover every type of the three streams, each at its current version, and every older version still upcast', () => {
    const current = schemas.filter((s) => s.current);
    expect(new Set(current.map((s) => s.type)).size).toBe(current.length);
    expect(current.map((s) => s.stream)).toEqual(expect.arrayContaining(['episode', 'unit', 'patient']));
    expect(unpublishedUpcasters()).toEqual([]);
    expect(schemas.filter((s) => !s.current).map((s) => `${s.type}@${s.schemaVersion}`)).toEqual(['FeeCharged@1']);
  });

  it('match the stored events of old versions, which upcast to events of the current schema', () => {
    for (const stored of FIXTURE.events) {
      const old = schemas.find((s) => s.type === stored.type && s.schemaVersion === stored.schemaVersion)!;
      expect({ type: stored.type, valid: ajv.validate(old.dataSchema, stored.data), errors: ajv.errors ?? null }).toEqual({ type: stored.type, valid: true, errors: null });
      const lifted = upcast(stored);
      const now = schemas.find((s) => s.type === stored.type && s.current)!;
      expect({ type: stored.type, version: lifted.schemaVersion, valid: ajv.validate(now.dataSchema, lifted.data) }).toEqual({ type: stored.type, version: now.schemaVersion, valid: true });
    }
  });

  it('name the personal fields personal-fields.ts encrypts, and the feed schema leaves exactly those out', () => {
    const personal = Object.fromEntries(schemas.filter((s) => s.current && s.personalFields.length > 0).map((s) => [s.type, s.personalFields]));
    expect(personal).toEqual({
      AssignmentStarted: ['patient.personnummer', 'patient.birthDate', 'welcomeText'],
      FeeExempted: ['reason'],
      WelcomeTextEdited: ['text'],
      ActivityReported: ['answers.*'],
      MessageSent: ['text'],
    });
    const message = schemas.find((s) => s.type === 'MessageSent' && s.current)!;
    expect(Object.keys(message.feedDataSchema!.properties as object)).not.toContain('text');
    expect(ajv.validate(message.feedDataSchema!, { messageId: 'm', conversationId: 'c', startsConversation: true, senderRole: 'patient', senderId: 'g', notifyInbox: false, at: '2026-11-22T09:00:00.000Z' })).toBe(true);
  });
});

describe('docs/events.md', () => {
  it('has a section for every event type at its current version, naming each field and marking the personal ones', () => {
    const sections = documented();
    for (const s of schemas.filter((x) => x.current)) {
      const section = sections.get(s.type);
      expect({ type: s.type, version: section?.version }).toEqual({ type: s.type, version: s.schemaVersion });
      const fields = Object.keys((s.dataSchema.properties as object | undefined) ?? {});
      const missing = fields.filter((f) => !section!.text.includes(`\`${f}\``));
      expect({ type: s.type, missing }).toEqual({ type: s.type, missing: [] });
      if (s.personalFields.length > 0) expect({ type: s.type, personal: section!.text.includes('*personal*') }).toEqual({ type: s.type, personal: true });
    }
    const known = new Set(schemas.map((s) => s.type));
    expect([...sections.keys()].filter((type) => !known.has(type))).toEqual([]);
  });

  it('names every older version in its type\'s section', () => {
    const sections = documented();
    for (const s of schemas.filter((x) => !x.current)) expect({ type: s.type, mentioned: sections.get(s.type)!.text.includes(`v${s.schemaVersion}`) }).toEqual({ type: s.type, mentioned: true });
  });

  it('tells an integrator where the schemas and the feed are', () => {
    expect(DOC).toContain('GET /schemas/events');
    expect(DOC).toContain('GET /events');
  });
});
