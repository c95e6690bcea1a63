// Episodes for the page tests, written through the API like any client (Skatteverket's
// test personnummer only). Each helper answers the last write's position, for `?after=`.
import { OTHER_UNIT, THERAPIST, UNIT, type TestApp } from '../e2e/harness';

export const HOSTILE = '<img src=x onerror=alert(1)> Får jag träna när det gör ont?';

type Auth = { Authorization: string };

export class Seeder {
  last = '0';

  constructor(private readonly t: TestApp) {}

  th = (unit = UNIT) => this.t.auth('therapist', { unit });
  admin = (unit = UNIT) => this.t.auth('unit_admin', { unit });
  gw = (episode: string, unit = UNIT) => this.t.auth('patient_gateway', { unit, episode });

  /** `body` undefined: a route that takes none. */
  async write(path: string, body: object | undefined, auth: Auth, status = 200): Promise<{ episodeId: string; position: string; revision: number; [k: string]: unknown }> {
    const req = this.t.http.post(path).set(auth);
    const res = await (body === undefined ? req : req.send(body));
    if (res.status !== status) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    this.last = res.body.position as string;
    return res.body;
  }

  async assign(personnummer: string, unit = UNIT, extra: object = {}): Promise<string> {
    const a = await this.write('/episodes', { personnummer, therapistId: THERAPIST, diagnosisCode: 'M17.1', ...extra }, this.th(unit), 201);
    return a.episodeId;
  }

  /** An episode at every stage the pages show: hidden module, green parts, exercises, plan, messages, journal, end. */
  async fullEpisode(personnummer: string, unit = UNIT, options: { end?: boolean } = {}): Promise<string> {
    const id = await this.assign(personnummer, unit, { patientStatus: { hasLoggedIn: false, notificationsEnabled: true } });
    const gw = this.gw(id, unit);
    await this.write(`/episodes/${id}/modules/hand/hide`, undefined, this.th(unit));
    await this.write(`/episodes/${id}/progress`, { moduleId: 'hip-knee', partId: 'hk-about-osteoarthritis' }, gw);
    await this.write(`/episodes/${id}/progress`, { moduleId: 'hip-knee', partId: 'hk-training-introduction' }, gw);
    await this.write(`/episodes/${id}/exercises`, { programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-bridge'] }, this.th(unit));
    await this.write(`/episodes/${id}/activity-plan`, {}, this.th(unit));
    await this.write(`/episodes/${id}/activity-reports`, { occasion: '2026-11-22', answers: { trained: true, 'activity-type': '<b>promenad</b>', experience: 6 } }, gw);
    const msg = await this.write(`/episodes/${id}/messages`, { text: HOSTILE }, gw, 201);
    await this.write(`/episodes/${id}/messages`, { text: 'Ja, lagom mycket.', conversationId: msg.conversationId }, this.th(unit), 201);
    await this.write(`/episodes/${id}/journal-entries`, { obligationId: 'assignment', journalReference: 'COSMIC-42' }, this.th(unit));
    if (options.end) await this.write(`/episodes/${id}/end`, { outcome: 'completed' }, this.th(unit));
    return id;
  }

  /** An episode of at least `events` events (a long conversation), for the page's speed. */
  async longEpisode(personnummer: string, events: number, unit = OTHER_UNIT): Promise<string> {
    const id = await this.assign(personnummer, unit);
    const gw = this.gw(id, unit);
    let revision = 0;
    let conversationId: string | undefined;
    for (let i = 0; revision < events - 1; i++) {
      const fromPatient = i % 2 === 0;
      const body = { text: `Meddelande ${i}`, ...(conversationId ? { conversationId } : {}) };
      const answer = await this.write(`/episodes/${id}/messages`, body, fromPatient ? gw : this.th(unit), 201);
      conversationId = answer.conversationId as string;
      revision = answer.revision;
    }
    return id;
  }
}
