// Rules made explicit after review: instants compared as times, fresh conversation ids,
// absence cover ending when the ordinary therapist comes back, settings refusals, schedules.
import { episodeSpec, unitSpec } from './decider-specification';
import { NOW, STAND_IN_ID, THERAPIST_ID, UNIT_ID, asPatient, assigned, messageSent, obligationRaised, therapistChanged } from './fixtures';
import type { EpisodeEvent, EventOf } from '../../src/domain/episode/events';
import { catalogue } from '../../src/domain/reference/catalogue';
import { foldEpisode } from '../../src/domain/episode/decider';

const episode = episodeSpec();
const unit = unitSpec();

const plan: EventOf<'PlanActivated'> = {
  type: 'PlanActivated',
  data: {
    questions: catalogue.planQuestions.map((q) => ({ ...q, mandatory: false })),
    schedule: { startDate: '2026-11-22', repeat: 'until-further-notice', endDate: null, interval: 'weekly', weekday: 'sunday', time: '16:00', reportWindowDays: 3 },
    by: THERAPIST_ID,
    at: NOW,
  },
};

describe('report windows compare instants, whatever their offset', () => {
  it('accepts a report at 23:30+01:00 on the last day of the window', () => {
    const now = '2026-12-02T23:30:00+01:00'; // 22:30 UTC, still 2 December in Stockholm
    episode.given([...assigned(), plan]).when({ type: 'ReportActivity', data: { occasion: '2026-11-29', answers: {} } }, asPatient(now))
      .then([{ type: 'ActivityReported', data: { occasion: '2026-11-29', answers: {}, at: now } }]);
  });
  it('refuses the same report a minute after midnight in Stockholm', () => {
    episode.given([...assigned(), plan]).when({ type: 'ReportActivity', data: { occasion: '2026-11-29', answers: {} } }, asPatient('2026-12-03T00:01:00+01:00'))
      .thenThrows('REPORT_WINDOW_CLOSED');
  });
});

describe('a new conversation needs a fresh id', () => {
  it('refuses a "new" conversation whose id is already taken', () => {
    const history: EpisodeEvent[] = [...assigned(), messageSent('msg-1', 'conv-1', { startsConversation: true }), obligationRaised('conversation', 3, { conversationId: 'conv-1' })];
    episode.given(history).when({ type: 'SendMessage', data: { messageId: 'msg-2', newConversationId: 'conv-1', text: 'Hej' } }).thenThrows('DUPLICATE_CONVERSATION');
  });
});

describe('absence cover', () => {
  it('ends when the patient is moved back to the ordinary therapist, whatever the stated reason', () => {
    const state = foldEpisode([...assigned(), therapistChanged(THERAPIST_ID, STAND_IN_ID, 'absence'), therapistChanged(STAND_IN_ID, THERAPIST_ID, 'absence')]);
    expect(state.therapistId).toBe(THERAPIST_ID);
    expect(state.absentTherapistId).toBeNull();
  });
});

describe('schedules and settings', () => {
  it('refuses an endDate that does not go with the repetition', () => {
    episode.given(assigned()).when({ type: 'ActivatePlan', data: { schedule: { repeat: 'once', endDate: '2026-12-31' } } }).thenThrows('INVALID_SCHEDULE');
  });
  it('takes an endDate alone to mean "until-date"', () => {
    const events = episode.given(assigned()).when({ type: 'ActivatePlan', data: { schedule: { endDate: '2026-12-31' } } });
    events.then([expect.objectContaining({ type: 'PlanActivated', data: expect.objectContaining({ schedule: expect.objectContaining({ repeat: 'until-date', endDate: '2026-12-31' }) }) }) as never]);
  });
  it('refuses settings that are not valid with a DomainError, not a ZodError', () => {
    unit.given([]).when({ type: 'ChangeUnitSettings', data: { unitId: UNIT_ID, settings: { feeSek: -5 } } }).thenThrows('INVALID_SETTINGS');
  });
});
