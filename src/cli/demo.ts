// `npm run demo`: seeds, through the real command path (CommandBus -> decide -> append), a
// care unit with three therapists and a dozen episodes at every stage, then prints tokens
// and example calls per role; three neighbouring units get a followed-up cohort, so the
// outcomes report shows the region's figures. Patients are Skatteverket's published test personnummer only:
// each has several episodes over time (an ended episode frees the patient for a new one).
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { loadConfig } from '../app/config';
import { buildApp } from '../app/bootstrap';
import { mintToken } from '../app/auth/token-verifier';
import type { Actor } from '../app/auth/actor';
import type { EpisodeCommand } from '../domain/episode/commands';
import { AssignEpisode, ExecuteEpisodeCommand, ExecuteUnitCommand } from '../app/episodes/episode.handlers';
import type { WriteAnswer } from '../app/episodes/episode-commands.service';
import { addDays } from '../domain/shared/time';
import { newId } from '../app/ids';
import { unitStreamId } from '../domain/unit/unit';
import { ReadModels } from '../app/read/read-models.service';
import { queryEpisodeProgress } from '../projections/episode-progress';

/** A unit of its own, so the demo never collides with what you created by hand. */
const UNIT = 'SE2321000131-E100';
const THERAPISTS = [
  { id: 'SE2321000131-T001', name: 'Anna Andersson (fysioterapeut)' },
  { id: 'SE2321000131-T002', name: 'Björn Berg (fysioterapeut)' },
  { id: 'SE2321000131-T003', name: 'Cecilia Ek (arbetsterapeut)' },
];
const ADMIN: Actor = { id: 'SE2321000131-A001', name: 'Dana Admin', role: 'unit_admin', unitId: UNIT };
const GATEWAY: Actor = { id: '1177-gateway', name: '1177 Stöd och behandling', role: 'patient_gateway', unitId: UNIT };
const PATIENTS = ['19121212-1212', '20190101-2391', '19030818-9802', '202601612381'];

class DemoClock {
  constructor(public current: string) {}
  now() {
    return this.current;
  }
  at(day: string, time = '10:00') {
    this.current = new Date(`${day}T${time}:00+01:00`).toISOString();
  }
}

async function main() {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const today = new Date().toISOString().slice(0, 10);
  const clock = new DemoClock(new Date().toISOString());
  const { app, close, store } = await buildApp(config, { clock });
  await app.init();
  const seeded = (await store.readStream(unitStreamId(UNIT))).length > 0;
  const bus = app.get(CommandBus);
  const therapist = (i: number, unitId = UNIT): Actor => ({ id: THERAPISTS[i]!.id, name: THERAPISTS[i]!.name, role: 'therapist', unitId });
  const run = (id: string, command: EpisodeCommand, actor: Actor) => bus.execute<ExecuteEpisodeCommand, WriteAnswer>(new ExecuteEpisodeCommand(id, command, actor, {}));
  const assign = async (patient: string, t: number, extra: Record<string, unknown> = {}, unitId = UNIT) => {
    const answer = await bus.execute<AssignEpisode, WriteAnswer>(
      new AssignEpisode({ personnummer: patient, therapistId: THERAPISTS[t]!.id, diagnosisCode: t === 2 ? 'M18.1' : 'M17.1', ...extra }, therapist(t, unitId), {}),
    );
    return answer.episodeId;
  };
  const completeModule = async (id: string, moduleId: 'hip-knee' | 'hand', parts: string[]) => {
    for (const partId of parts) await run(id, { type: 'CompletePart', data: { moduleId, partId } }, GATEWAY);
  };
  const message = async (id: string, actor: Actor, text: string, conversationId?: string) =>
    (await run(id, { type: 'SendMessage', data: { text, messageId: newId(), newConversationId: newId(), ...(conversationId ? { conversationId } : {}) } }, actor)) as WriteAnswer & { messageId: string; conversationId: string };

  const ended: string[] = [];
  const active: string[] = [];
  if (seeded) {
    // Name the seeded episodes again from the progress read model.
    const reads = app.get(ReadModels);
    await reads.awaitAfter((await store.headPosition()).toString());
    const rows = await reads.db.selectFrom('episode_progress').select('episode_id').where('unit_id', '=', UNIT).orderBy('episode_id').execute();
    const views = await Promise.all(rows.map((r) => queryEpisodeProgress(reads.db, r.episode_id as string)));
    for (const v of views) if (v) (v.status === 'active' ? active : ended).push(v.episodeId);
    const inProgress = views.find((v) => v?.status === 'active' && v.activityPlan)?.episodeId ?? active[0] ?? '<episodeId>';
    await close();
    console.log(`The demo unit ${UNIT} is already seeded in this store; here are the tokens again.`);
    printTokens(config, ended, active, inProgress, false);
    return;
  }
  const day = (offset: number) => addDays(today, offset);

  // Ended episodes first, months back: completed and abandoned, for every patient.
  for (const [i, patient] of PATIENTS.entries()) {
    clock.at(day(-200 + i * 3));
    const done = await assign(patient, i % 3, i === 3 ? { feeExemption: { reason: 'Frikort (högkostnadsskydd)', kind: 'high-cost-card' } } : {});
    await completeModule(done, 'hip-knee', ['hk-about-osteoarthritis', 'hk-pain', 'hk-physical-activity', 'hk-training-introduction', 'hk-weight-and-health', 'hk-everyday-life']);
    await run(done, { type: 'RecordJournalEntry', data: { obligationId: 'assignment', journalReference: `COSMIC-${1000 + i}` } }, therapist(i % 3));
    await run(done, followUp('baseline', { pain: 6 + (i % 3), eqVas: 50 + i * 5, satisfaction: undefined }, 'paper'), therapist(i % 3));
    clock.at(day(-200 + i * 3 + 90));
    await run(done, { type: 'EndEpisode', data: { outcome: 'completed' } }, therapist(i % 3));
    await run(done, { type: 'RecordJournalEntry', data: { obligationId: 'completed-school', form: 'note' } }, therapist(i % 3));
    if (i !== 1) await run(done, followUp('3-months', { pain: 3 + (i % 2), eqVas: 70 + i * 3, satisfaction: 4 + (i % 2) }), { ...GATEWAY, unitId: UNIT });
    ended.push(done);

    clock.at(day(-100 + i * 2));
    const dropped = await assign(patient, (i + 1) % 3, { patientStatus: { hasLoggedIn: true, notificationsEnabled: i % 2 === 0 } });
    await completeModule(dropped, 'hip-knee', ['hk-about-osteoarthritis']);
    clock.at(day(-100 + i * 2 + 40));
    await run(dropped, { type: 'EndEpisode', data: { outcome: 'abandoned' } }, therapist((i + 1) % 3));
    ended.push(dropped);
  }

  // Active episodes, one per patient, at different stages.
  clock.at(day(-1));
  const fresh = await assign(PATIENTS[0]!, 0, { patientStatus: { hasLoggedIn: false, notificationsEnabled: false } });
  active.push(fresh);
  // Its baseline questionnaire is due: the dashboard and the due list show it.

  clock.at(day(-30));
  const inProgress = await assign(PATIENTS[1]!, 1);
  await completeModule(inProgress, 'hip-knee', ['hk-about-osteoarthritis', 'hk-pain', 'hk-training-introduction']);
  await run(inProgress, { type: 'HideModule', data: { moduleId: 'hand' } }, therapist(1));
  await run(inProgress, { type: 'RevealExercises', data: { programme: 'leg', exerciseIds: ['leg-sit-to-stand', 'leg-step-up', 'leg-bridge'] } }, therapist(1));
  await run(inProgress, followUp('baseline', { pain: 7, eqVas: 45, eq5dIndex: 0.59, eq5d5l: { mobility: 2, selfCare: 1, usualActivities: 2, painDiscomfort: 3, anxietyDepression: 2 } }, 'phone'), therapist(1));
  await run(inProgress, { type: 'ActivatePlan', data: { questions: [{ id: 'trained', mandatory: true }, { id: 'activity-type', mandatory: false }, { id: 'experience', mandatory: false }] } }, therapist(1));
  for (let week = 0; week < 4; week++) {
    const occasion = nextSunday(day(-30), week);
    if (week === 2) continue; // one missed occasion shows in adherence
    clock.at(occasion, '18:00');
    await run(inProgress, { type: 'ReportActivity', data: { occasion, answers: { trained: true, 'activity-type': 'Promenad och benövningar', experience: 6 + week } } }, GATEWAY);
  }
  clock.at(day(-3));
  const question = await message(inProgress, GATEWAY, 'Jag får ont i knät efter uppresningarna. Ska jag fortsätta?');
  clock.at(day(-2));
  await message(inProgress, therapist(1), 'Minska till 2 set och ta det lugnt i en vecka. Hör av dig om det inte blir bättre.', question.conversationId);
  clock.at(day(-1));
  await message(inProgress, GATEWAY, 'Tack, jag provar det!', question.conversationId);
  active.push(inProgress);

  clock.at(day(-45));
  const moved = await assign(PATIENTS[2]!, 0);
  await completeModule(moved, 'hip-knee', ['hk-about-osteoarthritis', 'hk-training-introduction']);
  await run(moved, { type: 'ChangeTherapist', data: { therapistId: THERAPISTS[1]!.id, reason: 'absence' } }, ADMIN);
  await message(moved, GATEWAY, 'Hej! Vem ska jag vända mig till medan Anna är borta?');
  active.push(moved);

  clock.at(day(-10));
  const hand = await assign(PATIENTS[3]!, 2);
  await run(hand, { type: 'HideModule', data: { moduleId: 'hip-knee' } }, therapist(2));
  await completeModule(hand, 'hand', ['hand-about-osteoarthritis', 'hand-training-introduction']);
  await run(hand, { type: 'RevealExercises', data: { programme: 'hand', exerciseIds: ['hand-finger-spread', 'hand-thumb-opposition'] } }, therapist(2));
  active.push(hand);

  const cohort = await seedRegionCohort(day, clock, assign, run, therapist);

  clock.current = new Date().toISOString();
  await bus.execute(
    new ExecuteUnitCommand(UNIT, { type: 'PublishAbsenceNotice', data: { unitId: UNIT, noticeId: newId(), from: `${day(20)}T08:00:00+01:00`, to: `${day(34)}T17:00:00+01:00`, text: 'Mottagningen har begränsad bemanning under helgerna. Meddelanden besvaras inom tre arbetsdagar.' } }, ADMIN, {}),
  );
  // Leave the read models filled, so the service answers from them at once.
  await app.get(ReadModels).awaitAfter((await store.headPosition()).toString());
  await close();
  printTokens(config, ended, active, inProgress, true);
  console.log(`\nAnd ${cohort} followed-up episodes at ${COHORT_UNITS.join(', ')}: GET /reports/outcomes shows the region's figures by adherence band.`);
}

/** A registry follow-up as staff (paper or phone) or, without `via`, the patient through 1177. */
const followUp = (timepoint: 'baseline' | '3-months' | '12-months', measures: Record<string, unknown>, via?: 'paper' | 'phone'): EpisodeCommand => ({
  type: 'RecordRegistryFollowUp',
  data: { timepoint, measures: Object.fromEntries(Object.entries(measures).filter(([, v]) => v !== undefined)), ...(via ? { answeredVia: via } : {}) },
});

/** Neighbouring units of the region, so the report's figures reach 5 patients a cell. */
const COHORT_UNITS = ['SE2321000131-E101', 'SE2321000131-E102', 'SE2321000131-E103', 'SE2321000131-E104'];
/** Born before the cohort's year (the samordningsnummer's holder was born in 2026). */
const COHORT_PATIENTS = PATIENTS.slice(0, 3);

/**
 * Twelve episodes assigned in one month over a year ago at four units: half follow their
 * activity plan and complete the school, half seldom report and abandon it; each with the
 * baseline, 3-month and 12-month follow-up (one corrected), as the outcomes report reads them.
 */
async function seedRegionCohort(
  day: (offset: number) => string,
  clock: DemoClock,
  assign: (patient: string, t: number, extra: Record<string, unknown>, unitId: string) => Promise<string>,
  run: (id: string, command: EpisodeCommand, actor: Actor) => Promise<WriteAnswer>,
  therapist: (i: number, unitId: string) => Actor,
): Promise<number> {
  const first = `${day(-430).slice(0, 7)}-03`;
  let seeded = 0;
  for (const [u, unitId] of COHORT_UNITS.entries())
    for (const [i, patient] of COHORT_PATIENTS.entries()) {
      const n = u * COHORT_PATIENTS.length + i;
      const keen = n % 2 === 0;
      const staff = therapist(i % 3, unitId);
      const start = addDays(first, i);
      clock.at(start);
      const id = await assign(patient, i % 3, {}, unitId);
      await run(id, followUp('baseline', { pain: 6 + (n % 3), eqVas: 45 + (n % 4) * 5, eq5dIndex: 0.55 + (n % 3) / 20 }, 'paper'), staff);
      await run(id, { type: 'ActivatePlan', data: { schedule: { interval: 'every-second-week' } } }, staff);
      const weeks = keen ? 12 : 6;
      for (let week = 0; week < weeks; week += 2) {
        if (!keen && week > 0) continue;
        const occasion = nextSunday(start, week);
        clock.at(occasion, '18:00');
        await run(id, { type: 'ReportActivity', data: { occasion, answers: { trained: true } } }, { ...GATEWAY, unitId });
      }
      clock.at(addDays(start, weeks * 7 + 1));
      await run(id, { type: 'EndEpisode', data: { outcome: keen ? 'completed' : 'abandoned' } }, staff);
      const threeMonths = keen ? { pain: 2 + (n % 3), eqVas: 70 + (n % 4) * 5, eq5dIndex: 0.75 + (n % 3) / 20, satisfaction: 5 - (n % 2) } : { pain: 5 + (n % 3), eqVas: 50 + (n % 4) * 5, eq5dIndex: 0.6, satisfaction: 3 };
      await run(id, followUp('3-months', threeMonths), { ...GATEWAY, unitId });
      if (n === 0) await run(id, { type: 'RecordRegistryFollowUp', data: { timepoint: '3-months', measures: { eqVas: 72 }, correction: { reason: 'transcription-error' } } }, staff);
      clock.at(addDays(start, 365));
      await run(id, followUp('12-months', { pain: keen ? 2 + (n % 2) : 6, eqVas: keen ? 75 : 55, satisfaction: keen ? 5 : 3 }, 'phone'), staff);
      seeded++;
    }
  return seeded;
}

function printTokens(config: ReturnType<typeof loadConfig>, ended: string[], active: string[], inProgress: string, fresh: boolean) {
  const secret = config.jwtSecret!;
  const tokens = {
    therapist: mintToken(secret, { sub: THERAPISTS[1]!.id, name: THERAPISTS[1]!.name, role: 'therapist', unit: UNIT }),
    unit_admin: mintToken(secret, { sub: ADMIN.id, name: ADMIN.name, role: 'unit_admin', unit: UNIT }),
    auditor: mintToken(secret, { sub: 'SE2321000131-G001', name: 'Greta Granskare', role: 'auditor' }),
    reporting: mintToken(secret, { sub: 'statistik-job', role: 'reporting' }),
    patient_gateway: mintToken(secret, { sub: GATEWAY.id, role: 'patient_gateway', unit: UNIT }),
  };
  const base = `http://${config.host}:${config.port}`;
  const lines = [
    !fresh ? '' : `Seeded ${ended.length + active.length} episodes at ${UNIT} (${ended.length} ended, ${active.length} active) into ${config.eventStore === 'sqlite' ? config.sqliteFile : config.eventStore}.`,
    'Start the service (npm start) and try, as each role:',
    '',
    `export THERAPIST=${tokens.therapist}`,
    `export ADMIN=${tokens.unit_admin}`,
    `export AUDITOR=${tokens.auditor}`,
    `export REPORTING=${tokens.reporting}`,
    `export GATEWAY=${tokens.patient_gateway}`,
    '',
    `curl -s ${base}/dashboard -H "Authorization: Bearer $ADMIN"`,
    `curl -s ${base}/episodes/${inProgress} -H "Authorization: Bearer $THERAPIST"`,
    `curl -s ${base}/episodes/${inProgress}/messages -H "Authorization: Bearer $THERAPIST"`,
    `curl -s ${base}/episodes/${inProgress}/patient-view -H "Authorization: Bearer $GATEWAY"`,
    `curl -s ${base}/episodes/${ended[0] ?? '<episodeId>'}/timeline -H "Authorization: Bearer $AUDITOR"`,
    `npm run replay -- ${ended[0] ?? '<episodeId>'}`,
    `curl -s "${base}/billing/ledger?unitId=${UNIT}" -H "Authorization: Bearer $REPORTING"`,
    `curl -s "${base}/billing/ledger?unitId=${UNIT}" -H "Authorization: Bearer $REPORTING" -H "Accept: text/csv"`,
    `curl -s "${base}/journal/obligations?status=outstanding" -H "Authorization: Bearer $ADMIN"`,
    `curl -s ${base}/reports/outcomes -H "Authorization: Bearer $REPORTING"`,
    `curl -s "${base}/registry/follow-ups?status=due" -H "Authorization: Bearer $THERAPIST"`,
    `curl -s "${base}/registry/export?format=csv" -H "Authorization: Bearer $ADMIN"`,
    `curl -s "${base}/access-log?personnummer=19121212-1212" -H "Authorization: Bearer $AUDITOR"`,
  ];
  console.log(lines.join('\n'));
}

/** Sunday on or after `from`, plus `weeks` weeks. */
function nextSunday(from: string, weeks: number): string {
  const d = new Date(`${from}T12:00:00Z`);
  const shift = (7 - d.getUTCDay()) % 7;
  return addDays(from, shift + weeks * 7);
}


main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
